import t from 'tap';
import { DuckDBInstance } from '@duckdb/node-api';
import { canonicalUnit, convertExpression, dimensionOf, knownUnits } from '../src/units.ts';

// The conversions are SQL: run them in DuckDB (the curator's engine) on typed columns, not in our heads.
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
t.teardown(() => {
  conn.closeSync();
  instance.closeSync();
});

async function evalConverted(type: 'DOUBLE' | 'INTEGER', value: number, from: string, to: string): Promise<number> {
  const expr = convertExpression('"v"', from, to);
  if (expr === null) throw new Error(`no conversion ${from} -> ${to}`);
  const reader = await conn.runAndReadAll(`SELECT ${expr} AS out FROM (SELECT CAST(${value} AS ${type}) AS "v")`);
  const out = reader.getRows()[0]?.[0];
  return Number(out);
}

const cases: [string, 'DOUBLE' | 'INTEGER', number, string, string, number][] = [
  ['boiling water F -> C', 'DOUBLE', 212, 'degF', 'degC', 100],
  ['freezing F -> C', 'DOUBLE', 32, 'F', 'C', 0],
  ['-40 is -40', 'DOUBLE', -40, 'fahrenheit', 'celsius', -40],
  ['C -> F', 'DOUBLE', 37, '°C', '°F', 98.6],
  ['tenths of a degree (integer column) -> C', 'INTEGER', 215, 'tenths_degC', 'degC', 21.5],
  ['negative tenths', 'INTEGER', -3, '0.1 degC', 'degC', -0.3],
  ['tenths of a degree -> F', 'INTEGER', 1000, 'tenths of a degree', 'degF', 212],
  ['K -> C', 'DOUBLE', 273.15, 'K', 'degC', 0],
  ['F -> K', 'DOUBLE', 32, 'degF', 'kelvin', 273.15],
  ['inches -> mm', 'DOUBLE', 1, 'in', 'mm', 25.4],
  ['inches (integer) -> mm', 'INTEGER', 2, 'inches', 'mm', 50.8],
  ['mm -> inches', 'DOUBLE', 25.4, 'mm', 'inch', 1],
  ['tenths of a mm -> mm', 'INTEGER', 127, 'tenths_mm', 'mm', 12.7],
  ['tenths of a mm -> inches', 'INTEGER', 254, 'tenths_mm', 'in', 1],
  ['cm -> m', 'DOUBLE', 250, 'cm', 'm', 2.5],
  ['ft -> m', 'DOUBLE', 10, 'ft', 'm', 3.048],
  ['lb -> kg', 'DOUBLE', 1, 'lb', 'kg', 0.45359237],
  ['mph -> km/h', 'DOUBLE', 10, 'mph', 'km/h', 16.09344],
  ['km/h -> m/s', 'DOUBLE', 36, 'kmh', 'm/s', 10],
  ['inHg -> hPa', 'DOUBLE', 1, 'inHg', 'hPa', 33.8639],
];

for (const [name, type, value, from, to, expected] of cases) {
  t.test(name, async (t) => {
    const got = await evalConverted(type, value, from, to);
    t.ok(Math.abs(got - expected) < 1e-9, `${value} ${from} -> ${got} ${to}, expected ${expected}`);
  });
}

t.test('no conversion for unknown units, other dimensions; same unit leaves the expression alone', async (t) => {
  t.equal(convertExpression('"v"', 'furlongs', 'mm'), null);
  t.equal(convertExpression('"v"', 'degF', 'mm'), null, 'temperature is not length');
  t.equal(convertExpression('"v"', 'Celsius', 'degC'), '"v"', 'aliases of one unit: unchanged');
  t.equal(convertExpression('tmax', 'degF', 'degC'), '((CAST(tmax AS DOUBLE) - 32) / 1.8)');
});

t.test('aliases and dimensions', async (t) => {
  t.equal(canonicalUnit(' Degrees Fahrenheit '), 'degF');
  t.equal(canonicalUnit('TENTHS_MM'), 'tenths_mm');
  t.equal(canonicalUnit('parsecs'), null);
  t.equal(dimensionOf('knots'), 'speed');
  t.ok(knownUnits().length >= 20);
  const names = knownUnits().map((u) => u.name);
  t.equal(new Set(names).size, names.length, 'canonical names are unique');
});

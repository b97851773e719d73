/**
 * A small unit table for aligning a source's numbers with the task's declared unit. Each unit converts to and
 * from its dimension's base unit through SQL templates ({x} is the value), so conversions stay exact decimal
 * arithmetic in the engine (no 0.5555... factors): F -> C is `(x - 32) / 1.8`, inches -> mm is `x * 25.4`.
 */
export type Dimension = 'temperature' | 'length' | 'mass' | 'speed' | 'pressure';

interface UnitDef {
  name: string;
  dimension: Dimension;
  /** SQL template from this unit to the base unit; absent for the base unit itself. */
  toBase?: string;
  fromBase?: string;
  aliases: string[];
}

const scale = (name: string, dimension: Dimension, factor: string, aliases: string[]): UnitDef => ({
  name,
  dimension,
  toBase: `{x} * ${factor}`,
  fromBase: `{x} / ${factor}`,
  aliases,
});
const tenths = (name: string, dimension: Dimension, aliases: string[]): UnitDef => ({
  name,
  dimension,
  toBase: '{x} / 10',
  fromBase: '{x} * 10',
  aliases,
});

const UNITS: UnitDef[] = [
  // temperature, base degC
  { name: 'degC', dimension: 'temperature', aliases: ['c', '°c', 'degc', 'celsius', 'degreesc', 'degreescelsius', 'degreecelsius'] },
  { name: 'degF', dimension: 'temperature', toBase: '({x} - 32) / 1.8', fromBase: '{x} * 1.8 + 32', aliases: ['f', '°f', 'degf', 'fahrenheit', 'degreesf', 'degreesfahrenheit'] },
  { name: 'K', dimension: 'temperature', toBase: '{x} - 273.15', fromBase: '{x} + 273.15', aliases: ['k', 'kelvin'] },
  tenths('tenths_degC', 'temperature', ['tenthsdegc', '0.1degc', '0.1°c', 'tenthsofadegree', 'tenthsofadegreec', 'tenthsofadegreecelsius', 'decidegc']),
  // length (precipitation, snow, height), base mm
  { name: 'mm', dimension: 'length', aliases: ['mm', 'millimeter', 'millimeters', 'millimetre', 'millimetres'] },
  tenths('tenths_mm', 'length', ['tenthsmm', '0.1mm', 'tenthsofamm', 'tenthsofamillimeter', 'tenthsofamillimetre']),
  scale('cm', 'length', '10', ['cm', 'centimeter', 'centimeters', 'centimetre', 'centimetres']),
  scale('m', 'length', '1000', ['m', 'meter', 'meters', 'metre', 'metres']),
  scale('km', 'length', '1000000', ['km', 'kilometer', 'kilometers', 'kilometre', 'kilometres']),
  scale('in', 'length', '25.4', ['in', 'inch', 'inches']),
  scale('ft', 'length', '304.8', ['ft', 'foot', 'feet']),
  scale('mi', 'length', '1609344', ['mi', 'mile', 'miles']),
  // mass, base kg
  { name: 'kg', dimension: 'mass', aliases: ['kg', 'kilogram', 'kilograms'] },
  scale('g', 'mass', '0.001', ['g', 'gram', 'grams']),
  scale('lb', 'mass', '0.45359237', ['lb', 'lbs', 'pound', 'pounds']),
  // speed, base m/s
  { name: 'm/s', dimension: 'speed', aliases: ['m/s', 'mps', 'meterspersecond', 'metrespersecond'] },
  tenths('tenths_m/s', 'speed', ['tenthsm/s', '0.1m/s', 'tenthsofameterpersecond']),
  { name: 'km/h', dimension: 'speed', toBase: '{x} / 3.6', fromBase: '{x} * 3.6', aliases: ['km/h', 'kmh', 'kph', 'kilometersperhour'] },
  scale('mph', 'speed', '0.44704', ['mph', 'mi/h', 'milesperhour']),
  scale('kn', 'speed', '0.514444', ['kn', 'kt', 'kts', 'knot', 'knots']),
  // pressure, base hPa
  { name: 'hPa', dimension: 'pressure', aliases: ['hpa', 'mbar', 'mb', 'millibar', 'hectopascal'] },
  scale('Pa', 'pressure', '0.01', ['pa', 'pascal']),
  scale('kPa', 'pressure', '10', ['kpa', 'kilopascal']),
  scale('inHg', 'pressure', '33.8639', ['inhg', 'inchesofmercury']),
];

const BY_ALIAS = new Map<string, UnitDef>();
for (const u of UNITS) for (const a of [...u.aliases, u.name.toLowerCase()]) BY_ALIAS.set(a, u);

function normalise(unit: string): string {
  return unit.trim().toLowerCase().replace(/[\s_]+/g, '');
}

/** The canonical unit name ('degF', 'mm', ...) for a spelling, or null when the table does not know it. */
export function canonicalUnit(unit: string): string | null {
  return BY_ALIAS.get(normalise(unit))?.name ?? null;
}

export function dimensionOf(unit: string): Dimension | null {
  return BY_ALIAS.get(normalise(unit))?.dimension ?? null;
}

/**
 * A SQL expression converting `expr` (a SQL expression in unit `from`) into unit `to`, or null when either unit
 * is unknown or they measure different things. Same unit: the expression unchanged. The value is cast to DOUBLE
 * first so integer sources (tenths of a degree) do not hit integer arithmetic.
 */
export function convertExpression(expr: string, from: string, to: string): string | null {
  const a = BY_ALIAS.get(normalise(from));
  const b = BY_ALIAS.get(normalise(to));
  if (!a || !b || a.dimension !== b.dimension) return null;
  if (a.name === b.name) return expr;
  let out = `CAST(${expr} AS DOUBLE)`;
  if (a.toBase) out = a.toBase.replace('{x}', out);
  if (b.fromBase) out = b.fromBase.replace('{x}', `(${out})`);
  return `(${out})`;
}

/** Every canonical unit, for the docs and for tests. */
export function knownUnits(): { name: string; dimension: Dimension }[] {
  return UNITS.map((u) => ({ name: u.name, dimension: u.dimension }));
}

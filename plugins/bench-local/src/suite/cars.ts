import { Prng } from '../prng.ts';
import { round, type Row } from '../table.ts';
import type { BuiltTask, TaskSpec } from './spec.ts';
import { distinctBy, seededParts } from './split.ts';
import { vegaJson } from './vega.ts';

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function taskRow(r: Row): Row {
  return {
    cylinders: num(r.Cylinders),
    displacement_cu_in: num(r.Displacement),
    horsepower: num(r.Horsepower),
    weight_lbs: num(r.Weight_in_lbs),
    acceleration_s: num(r.Acceleration),
    model_year: Number(String(r.Year).slice(0, 4)),
    origin: r.Origin ?? null,
    mpg: num(r.Miles_per_Gallon),
  };
}

const TASK_COLUMNS = [
  { name: 'cylinders', type: 'DOUBLE' as const },
  { name: 'displacement_cu_in', type: 'DOUBLE' as const, unit: 'cu in' },
  { name: 'horsepower', type: 'DOUBLE' as const, unit: 'hp' },
  { name: 'weight_lbs', type: 'DOUBLE' as const, unit: 'lb' },
  { name: 'acceleration_s', type: 'DOUBLE' as const, unit: 's' },
  { name: 'model_year', type: 'DOUBLE' as const },
  { name: 'origin', type: 'VARCHAR' as const },
  { name: 'mpg', type: 'DOUBLE' as const, unit: 'mpg (US)' },
];
const IDENTITY = Object.fromEntries(TASK_COLUMNS.map((c) => [c.name, c.name]));
const REGION: Record<string, string> = { USA: 'North America', Europe: 'Europe', Japan: 'Asia' };

async function build(): Promise<BuiltTask> {
  const all = distinctBy(
    vegaJson('cars.json').map(taskRow).filter((r) => r.mpg !== null),
    (r) => JSON.stringify(cars.keyColumns.map((c) => r[c])),
  );
  const [test = [], val = [], train = [], rest = []] = seededParts(all, 301, [100, 100, 50]);
  const rng = new Prng(302);
  return {
    train,
    val,
    test,
    pool: [
      {
        id: 'euro-car-registry',
        title: 'Car model registry (metric units)',
        description: 'Passenger car models 1970-1982: fuel consumption in litres per 100 km, engine displacement in litres, power (hp), kerb mass (kg), 0-100 km/h time, model year and region of manufacture.',
        file: 'car-registry-metric.parquet',
        format: 'parquet',
        license: 'CC-BY-4.0',
        tags: ['cars', 'fuel consumption', 'engine', 'vehicles'],
        columns: [
          { name: 'model_name', type: 'VARCHAR' },
          { name: 'l_per_100km', type: 'DOUBLE', unit: 'L/100km' },
          { name: 'engine_l', type: 'DOUBLE', unit: 'L' },
          { name: 'cyl', type: 'BIGINT' },
          { name: 'power_hp', type: 'DOUBLE', unit: 'hp' },
          { name: 'mass_kg', type: 'DOUBLE', unit: 'kg' },
          { name: 'accel_0_100_s', type: 'DOUBLE', unit: 's' },
          { name: 'year', type: 'BIGINT' },
          { name: 'region', type: 'VARCHAR', description: 'North America, Europe or Asia' },
        ],
        rows: rest.map((r, i) => ({
          model_name: `model-${i + 1}`,
          l_per_100km: round(235.215 / (r.mpg as number), 3),
          engine_l: r.displacement_cu_in === null ? null : round((r.displacement_cu_in as number) / 61.0237, 3),
          cyl: r.cylinders ?? null,
          power_hp: r.horsepower ?? null,
          mass_kg: r.weight_lbs === null ? null : round((r.weight_lbs as number) / 2.20462, 1),
          accel_0_100_s: r.acceleration_s ?? null,
          year: r.model_year ?? null,
          region: REGION[String(r.origin)] ?? null,
        })),
        role: 'helpful',
        why: 'more cars of the same population, disjoint from val and test; needs L/100km -> mpg (235.215 / x), L -> cu in, kg -> lb and region -> origin',
        mapping: {
          mpg: '235.215 / l_per_100km',
          cylinders: 'cyl',
          displacement_cu_in: 'engine_l * 61.0237',
          horsepower: 'power_hp',
          weight_lbs: 'mass_kg * 2.20462',
          acceleration_s: 'accel_0_100_s',
          model_year: 'year',
          origin: "CASE region WHEN 'North America' THEN 'USA' WHEN 'Asia' THEN 'Japan' ELSE region END",
        },
      },
      {
        id: 'owner-reported-mpg',
        title: 'Owner-reported fuel economy',
        description: 'Fuel economy (mpg) reported by owners for their cars, with the car specifications.',
        file: 'owner-reported-mpg.csv',
        format: 'csv',
        license: 'CC-BY-SA-4.0',
        tags: ['cars', 'mpg', 'fuel economy', 'owners'],
        columns: TASK_COLUMNS,
        rows: rest.map((r) => ({ ...r, mpg: round(Math.max(5, (r.mpg as number) + 9 * rng.normal()), 1) })),
        role: 'harmful',
        why: 'the same cars as the helpful registry but with owner-reported mpg: label noise of 9 mpg standard deviation',
        mapping: IDENTITY,
      },
      {
        id: 'film-box-office',
        title: 'Film box office and ratings',
        description: 'US films with gross, budget, running time and ratings.',
        file: 'film-box-office.json',
        format: 'json',
        license: 'CC-BY-4.0',
        tags: ['movies', 'box office'],
        columns: [
          { name: 'Title', type: 'VARCHAR' },
          { name: 'US_Gross', type: 'DOUBLE' },
          { name: 'Production_Budget', type: 'DOUBLE' },
          { name: 'Running_Time_min', type: 'DOUBLE' },
          { name: 'IMDB_Rating', type: 'DOUBLE' },
        ],
        rows: vegaJson('movies.json').slice(0, 800),
        role: 'useless',
        why: 'another domain: no column means anything for fuel economy',
      },
      {
        id: 'auto-mpg-uci',
        title: 'Auto MPG (complete)',
        description: 'The classic Auto MPG table in the task schema: cylinders, displacement, horsepower, weight, acceleration, model year, origin, mpg.',
        file: 'auto-mpg-complete.jsonl',
        format: 'jsonl',
        license: 'CC-BY-4.0',
        tags: ['cars', 'mpg', 'auto'],
        columns: TASK_COLUMNS,
        rows: test,
        role: 'leaking',
        why: 'exactly the held-out test cars with their mpg: the contamination check must reject it',
        mapping: IDENTITY,
      },
    ],
  };
}

export const cars: TaskSpec = {
  name: 'cars',
  title: 'Car fuel economy (mpg)',
  description: 'Predict the fuel economy in miles per US gallon of a 1970-1982 car model from its cylinders, displacement, horsepower, weight, acceleration, model year and origin. Only 50 labelled cars are given.',
  version: 2,
  label: { name: 'mpg', type: 'DOUBLE', description: 'fuel economy', unit: 'mpg (US)' },
  features: [
    { name: 'cylinders', type: 'DOUBLE', kind: 'numeric', description: 'number of cylinders', impute: 4 },
    { name: 'displacement_cu_in', type: 'DOUBLE', kind: 'numeric', description: 'engine displacement', unit: 'cu in', impute: 150 },
    { name: 'horsepower', type: 'DOUBLE', kind: 'numeric', description: 'engine power', unit: 'hp', impute: 95 },
    { name: 'weight_lbs', type: 'DOUBLE', kind: 'numeric', description: 'vehicle weight', unit: 'lb', impute: 2800 },
    { name: 'acceleration_s', type: 'DOUBLE', kind: 'numeric', description: '0-60 mph time', unit: 's', impute: 15.5 },
    { name: 'model_year', type: 'DOUBLE', kind: 'numeric', description: 'model year (e.g. 1976)', impute: 1976 },
    { name: 'origin', type: 'VARCHAR', kind: 'categorical', description: 'region of origin', values: ['Europe', 'Japan', 'USA'] },
  ],
  metric: { name: 'rmse', direction: 'min' },
  learner: { kind: 'random-forest-regressor', trees: 40, maxDepth: 8, maxFeatures: 3, minNumSamples: 3, maxRows: 4000 },
  queries: ['car fuel economy mpg', 'vehicle engine horsepower weight fuel consumption'],
  keyColumns: ['cylinders', 'displacement_cu_in', 'horsepower', 'weight_lbs', 'acceleration_s', 'model_year', 'origin'],
  build,
};

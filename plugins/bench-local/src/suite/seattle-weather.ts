import { Prng } from '../prng.ts';
import { round, type Row } from '../table.ts';
import type { BuiltTask, PoolColumn, TaskSpec } from './spec.ts';
import { distinctBy, seededParts } from './split.ts';
import { vegaTable } from './vega.ts';

const CLASSES = ['drizzle', 'fog', 'rain', 'snow', 'sun'];

/** Pool files that already have the task's columns and units (the shifted, noisy and leaking ones). */
const TASK_SHAPED_COLUMNS: PoolColumn[] = [
  { name: 'precipitation', type: 'DOUBLE', unit: 'mm' },
  { name: 'temp_max', type: 'DOUBLE', unit: 'C' },
  { name: 'temp_min', type: 'DOUBLE', unit: 'C' },
  { name: 'wind', type: 'DOUBLE', unit: 'm/s' },
  { name: 'month', type: 'BIGINT' },
  { name: 'weather', type: 'VARCHAR' },
];
const IDENTITY_MAPPING = { precipitation: 'precipitation', temp_max: 'temp_max', temp_min: 'temp_min', wind: 'wind', month: 'month', weather: 'weather' };

function taskKey(r: Row): unknown[] {
  const t = taskRow(r);
  return [t.precipitation, t.temp_max, t.temp_min, t.wind, t.month];
}

function taskRow(r: Row): Row {
  const date = String(r.date);
  return {
    precipitation: Number(r.precipitation),
    temp_max: Number(r.temp_max),
    temp_min: Number(r.temp_min),
    wind: Number(r.wind),
    month: Number(date.slice(5, 7)),
    weather: String(r.weather),
  };
}

async function build(): Promise<BuiltTask> {
  const all = await vegaTable('weather.csv', 'csv', 'SELECT location, CAST(date AS VARCHAR) AS date, precipitation, temp_max, temp_min, wind, weather');
  // Distinct inputs only: two days with identical measurements would otherwise straddle splits.
  const seattle = distinctBy(all.filter((r) => r.location === 'Seattle'), (r) => JSON.stringify(taskKey(r)));
  const newYork = all.filter((r) => r.location === 'New York');
  const [test = [], val = [], train = [], rest = []] = seededParts(seattle, 101, [300, 300, 100]);
  const rng = new Prng(102);
  // Mislabeled: real Seattle days whose labels were shuffled among themselves.
  const mislabeledDays = rng.shuffle(rest).slice(0, 400);
  const shuffledLabels = rng.shuffle(mislabeledDays.map((r) => String(r.weather)));
  return {
    train: train.map(taskRow),
    val: val.map(taskRow),
    test: test.map(taskRow),
    pool: [
      {
        id: 'seattle-daily-imperial',
        title: 'Seattle daily weather observations 2012-2015 (imperial units)',
        description: 'Daily Seattle observations: date, precipitation in inches, max/min temperature in Fahrenheit, mean wind speed (m/s), and the observed conditions (drizzle, fog, rain, snow, sun).',
        file: 'seattle-daily-imperial.tsv',
        format: 'tsv',
        license: 'public domain (NOAA)',
        tags: ['weather', 'seattle', 'daily', 'precipitation', 'temperature'],
        columns: [
          { name: 'obs_date', type: 'VARCHAR', description: 'observation date, YYYY-MM-DD' },
          { name: 'precip_in', type: 'DOUBLE', unit: 'in' },
          { name: 'tmax_f', type: 'DOUBLE', unit: 'degF' },
          { name: 'tmin_f', type: 'DOUBLE', unit: 'degF' },
          { name: 'wind_ms', type: 'DOUBLE', unit: 'm/s' },
          { name: 'conditions', type: 'VARCHAR' },
        ],
        rows: rest.map((r) => ({
          obs_date: String(r.date),
          precip_in: round(Number(r.precipitation) / 25.4, 3),
          tmax_f: round((Number(r.temp_max) * 9) / 5 + 32, 2),
          tmin_f: round((Number(r.temp_min) * 9) / 5 + 32, 2),
          wind_ms: Number(r.wind),
          conditions: String(r.weather),
        })),
        role: 'helpful',
        why: 'more days from the same station and years as the task, disjoint from val and test; needs unit conversion (in -> mm, degF -> degC) and month from the date',
        mapping: {
          precipitation: 'precip_in * 25.4',
          temp_max: '(tmax_f - 32) * 5 / 9',
          temp_min: '(tmin_f - 32) * 5 / 9',
          wind: 'wind_ms',
          month: 'month(CAST(obs_date AS DATE))',
          weather: 'conditions',
        },
      },
      {
        id: 'newyork-daily-weather',
        title: 'New York daily weather 2012-2015',
        description: 'Daily New York observations with precipitation (mm), temperatures (C), wind (m/s), month and the observed weather.',
        file: 'newyork-daily-weather.json',
        format: 'json',
        license: 'public domain (NOAA)',
        tags: ['weather', 'new york', 'daily', 'precipitation', 'temperature'],
        columns: TASK_SHAPED_COLUMNS,
        rows: newYork.map(taskRow),
        role: 'harmful',
        why: 'another city: a different climate and a different labelling habit (covariate and label shift)',
        mapping: IDENTITY_MAPPING,
      },
      {
        id: 'seattle-weather-crowd-labels',
        title: 'Seattle weather with crowd-sourced condition labels',
        description: 'Seattle days with precipitation, temperatures, wind and month; conditions labelled by volunteers.',
        file: 'seattle-weather-crowd-labels.csv',
        format: 'csv',
        license: 'CC-BY-4.0',
        tags: ['weather', 'seattle', 'labels'],
        columns: TASK_SHAPED_COLUMNS,
        rows: mislabeledDays.map((r, i) => ({ ...taskRow(r), weather: shuffledLabels[i] ?? null })),
        role: 'harmful',
        why: 'real Seattle inputs whose labels were shuffled among themselves: pure label noise',
        mapping: IDENTITY_MAPPING,
      },
      {
        id: 'seattle-hourly-normals',
        title: 'Seattle hourly weather normals',
        description: 'Hourly climate normals for Seattle: pressure (hPa), temperature (C), wind (m/s). No observed conditions.',
        file: 'seattle-hourly-normals.csv',
        format: 'csv',
        license: 'public domain (NOAA)',
        tags: ['weather', 'seattle', 'hourly', 'normals'],
        columns: [
          { name: 'date', type: 'VARCHAR' },
          { name: 'pressure', type: 'DOUBLE', unit: 'hPa' },
          { name: 'temperature', type: 'DOUBLE', unit: 'C' },
          { name: 'wind', type: 'DOUBLE', unit: 'm/s' },
        ],
        rows: (await vegaTable('seattle-weather-hourly-normals.csv', 'csv', 'SELECT CAST(date AS VARCHAR) AS date, pressure, temperature, wind')).slice(0, 2000),
        role: 'useless',
        why: 'no weather label and different granularity: nothing the learner can train on',
      },
      {
        id: 'seattle-weather-archive',
        title: 'Seattle weather archive (complete daily record)',
        description: 'Daily Seattle weather with precipitation, temperatures, wind, month and the observed weather, in the task schema.',
        file: 'seattle-weather-archive.parquet',
        format: 'parquet',
        license: 'public domain (NOAA)',
        tags: ['weather', 'seattle', 'daily', 'archive'],
        columns: TASK_SHAPED_COLUMNS,
        rows: test.map(taskRow),
        role: 'leaking',
        why: 'holds exactly the held-out test days with their labels: the contamination check must reject it',
        mapping: IDENTITY_MAPPING,
      },
    ],
  };
}

export const seattleWeather: TaskSpec = {
  name: 'seattle-weather',
  title: 'Seattle daily weather type',
  description: 'Predict the observed weather type (drizzle, fog, rain, snow, sun) of a Seattle day from its precipitation, temperatures, wind and month. The task ships only 100 labelled days.',
  version: 2,
  label: { name: 'weather', type: 'VARCHAR', description: 'observed weather type', classes: CLASSES },
  features: [
    { name: 'precipitation', type: 'DOUBLE', kind: 'numeric', description: 'daily precipitation', unit: 'mm', impute: 0 },
    { name: 'temp_max', type: 'DOUBLE', kind: 'numeric', description: 'daily maximum temperature', unit: 'C', impute: 16 },
    { name: 'temp_min', type: 'DOUBLE', kind: 'numeric', description: 'daily minimum temperature', unit: 'C', impute: 8 },
    { name: 'wind', type: 'DOUBLE', kind: 'numeric', description: 'mean wind speed', unit: 'm/s', impute: 3 },
    { name: 'month', type: 'DOUBLE', kind: 'numeric', description: 'month of the year, 1-12', impute: 6 },
  ],
  // Accuracy, not macro-F1: with 300 val days the rare classes (snow, drizzle) make macro-F1 swing by
  // several points between forest seeds, hiding real gains.
  metric: { name: 'accuracy', direction: 'max' },
  learner: { kind: 'random-forest-classifier', trees: 40, maxDepth: 10, maxFeatures: 3, minNumSamples: 2, maxRows: 4000 },
  queries: ['seattle daily weather observations', 'weather precipitation temperature wind daily'],
  keyColumns: ['precipitation', 'temp_max', 'temp_min', 'wind', 'month'],
  build,
};

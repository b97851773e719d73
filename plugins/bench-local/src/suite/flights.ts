import type { Row } from '../table.ts';
import { round } from '../table.ts';
import type { BuiltTask, TaskSpec } from './spec.ts';
import { distinctBy, seededParts } from './split.ts';
import { vegaFile, vegaJson, vegaQuery } from './vega.ts';
import { readFileSync } from 'node:fs';

const HUBS = ['ATL', 'BWI', 'DAL', 'DEN', 'HOU', 'LAS', 'LAX', 'MCO', 'MDW', 'OAK', 'PHX', 'SAN', 'SJC', 'SMF', 'TPA'];

/** 'YYYY/MM/DD HH:MM' or 'YYYY-MM-DD HH:MM:SS' -> hour and day of week (0 = Sunday). */
function when(date: string): { hour: number; weekday: number } {
  const [d = '', t = '0'] = date.replace(/\//g, '-').split(' ');
  const [y, m, day] = d.split('-').map(Number);
  return { hour: Number(t.slice(0, 2)), weekday: new Date(Date.UTC(y as number, (m as number) - 1, day as number)).getUTCDay() };
}

function taskRow(r: Row): Row {
  const w = when(String(r.date));
  return { hour: w.hour, weekday: w.weekday, distance_mi: Number(r.distance), origin: String(r.origin), destination: String(r.destination), delay_min: Number(r.delay) };
}

async function build(): Promise<BuiltTask> {
  const small = vegaJson('flights-2k.json');
  const key = (r: Row) => `${String(r.date).replace(/\//g, '-')}|${r.origin}|${r.destination}|${r.delay}|${r.distance}`;
  const known = new Set(small.map((r) => key({ ...r, date: `${String(r.date).replace(/\//g, '-')}:00` })));
  const [test = [], val = [], train = []] = seededParts(
    distinctBy(small.map(taskRow), (r) => JSON.stringify(flights.keyColumns.map((c) => r[c]))),
    501,
    [600, 600, 300],
  );
  // Every 500th flight (file order: DuckDB runs single-threaded) of the 3-million-row file, minus any that is also in flights-2k.
  const big = (
    await vegaQuery(
      'flights-3m.parquet',
      'parquet',
      (from) =>
        `SELECT date, delay, distance, origin, destination FROM (SELECT strftime(date, '%Y-%m-%d %H:%M:%S') AS date, delay, distance, origin, destination, row_number() OVER () AS rn FROM ${from}) WHERE rn % 500 = 8 ORDER BY rn`,
    )
  ).filter((r) => !known.has(key(r)));
  const airports = new Map(
    readFileSync(vegaFile('airports.csv'), 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.split(','))
      .map((c) => [c[0] ?? '', c[3] ?? ''] as const),
  );
  return {
    train,
    val,
    test,
    pool: [
      {
        id: 'us-flight-delays-q1-2001',
        title: 'US domestic flight delays, Q1 2001 (sample)',
        description: 'Departures with scheduled time, flight distance in kilometres, origin and destination airport codes and arrival delay in minutes.',
        file: 'us-flight-delays-q1-2001.parquet',
        format: 'parquet',
        license: 'public domain (US DOT)',
        tags: ['flights', 'delays', 'airports', 'aviation'],
        columns: [
          { name: 'scheduled', type: 'VARCHAR', description: 'YYYY-MM-DD HH:MM:SS' },
          { name: 'dist_km', type: 'DOUBLE', unit: 'km' },
          { name: 'from_airport', type: 'VARCHAR' },
          { name: 'to_airport', type: 'VARCHAR' },
          { name: 'arr_delay', type: 'DOUBLE', unit: 'min' },
        ],
        rows: big.map((r) => ({ scheduled: r.date ?? null, dist_km: round(Number(r.distance) * 1.609344, 1), from_airport: r.origin ?? null, to_airport: r.destination ?? null, arr_delay: Number(r.delay) })),
        role: 'helpful',
        why: 'more flights of the same routes and months, disjoint from val and test; needs km -> miles and hour / weekday from the timestamp',
        mapping: {
          hour: 'hour(CAST(scheduled AS TIMESTAMP))',
          weekday: 'dayofweek(CAST(scheduled AS TIMESTAMP))',
          distance_mi: 'dist_km / 1.609344',
          origin: 'from_airport',
          destination: 'to_airport',
          delay_min: 'arr_delay',
        },
      },
      {
        id: 'us-airports',
        title: 'US airports',
        description: 'IATA code, name, city, state, country, latitude and longitude of US airports.',
        file: 'us-airports.csv',
        format: 'csv',
        license: 'public domain',
        tags: ['airports', 'aviation', 'locations'],
        columns: [
          { name: 'iata', type: 'VARCHAR' },
          { name: 'state', type: 'VARCHAR' },
        ],
        rows: [...airports.entries()].filter(([k]) => k !== '').map(([iata, state]) => ({ iata, state })),
        role: 'useless',
        why: 'airport metadata without flights or delays: a join table at best, no labelled rows',
      },
      {
        id: 'flight-delays-archive',
        title: 'Flight delays archive 2001',
        description: 'Flights in the task schema: hour, weekday, distance in miles, origin, destination and delay in minutes.',
        file: 'flight-delays-archive.jsonl',
        format: 'jsonl',
        license: 'public domain (US DOT)',
        tags: ['flights', 'delays'],
        columns: [
          { name: 'hour', type: 'BIGINT' },
          { name: 'weekday', type: 'BIGINT' },
          { name: 'distance_mi', type: 'DOUBLE', unit: 'mi' },
          { name: 'origin', type: 'VARCHAR' },
          { name: 'destination', type: 'VARCHAR' },
          { name: 'delay_min', type: 'DOUBLE', unit: 'min' },
        ],
        rows: test,
        role: 'leaking',
        why: 'exactly the held-out test flights with their delays: the contamination check must reject it',
        mapping: { hour: 'hour', weekday: 'weekday', distance_mi: 'distance_mi', origin: 'origin', destination: 'destination', delay_min: 'delay_min' },
      },
    ],
  };
}

export const flights: TaskSpec = {
  name: 'flights',
  title: 'US flight arrival delay',
  description: 'Predict the arrival delay in minutes of a US domestic flight (Q1 2001) from its departure hour, weekday, distance, origin and destination airports. 300 labelled flights are given.',
  version: 2,
  label: { name: 'delay_min', type: 'DOUBLE', description: 'arrival delay (negative: early)', unit: 'min' },
  features: [
    { name: 'hour', type: 'DOUBLE', kind: 'numeric', description: 'scheduled departure hour, 0-23', impute: 12 },
    { name: 'weekday', type: 'DOUBLE', kind: 'numeric', description: 'day of week, 0 = Sunday', impute: 3 },
    { name: 'distance_mi', type: 'DOUBLE', kind: 'numeric', description: 'flight distance', unit: 'mi', impute: 700 },
    { name: 'origin', type: 'VARCHAR', kind: 'categorical', description: 'origin airport (IATA)', values: HUBS },
    { name: 'destination', type: 'VARCHAR', kind: 'categorical', description: 'destination airport (IATA)', values: HUBS },
  ],
  metric: { name: 'mae', direction: 'min' },
  learner: { kind: 'random-forest-regressor', trees: 30, maxDepth: 6, maxFeatures: 10, minNumSamples: 20, maxRows: 8000 },
  queries: ['flight delays', 'airline on-time performance departures arrivals'],
  keyColumns: ['hour', 'weekday', 'distance_mi', 'origin', 'destination'],
  build,
};

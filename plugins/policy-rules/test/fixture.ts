// A Seattle-weather task and a pool that exercises every rule. Plain data, like the fold's projections.
import type { Finding, PolicyInput, PreparedTask, Task, TreeNode } from '@datamaster/core';
import { TreeBuilder, emptyMemory, pool } from '@datamaster/core/testing';

export const task: Task = {
  id: 'seattle',
  description: 'Predict the weather type in Seattle from daily measurements',
  benchmark: { plugin: '@datamaster/bench-local' },
  metric: { name: 'accuracy', direction: 'max' },
  seed: 7,
  data: {
    label: 'weather',
    columns: [
      { name: 'date', type: 'DATE' },
      { name: 'city', type: 'VARCHAR', values: ['Seattle'] },
      { name: 'temp_max', type: 'DOUBLE', unit: 'degC' },
      { name: 'precipitation', type: 'DOUBLE', unit: 'mm' },
      { name: 'wind', type: 'DOUBLE' },
      { name: 'weather', type: 'VARCHAR', values: ['rain', 'sun', "fog's"] },
    ],
  },
};

/** What the benchmark plugin knows: names and types, no units or values (those come from the task hints). */
export const prepared: PreparedTask = {
  base: { path: 'train.csv', format: 'csv' },
  label: 'weather',
  columns: [
    { name: 'date', type: 'DATE' },
    { name: 'city', type: 'VARCHAR' },
    { name: 'temp_max', type: 'DOUBLE' },
    { name: 'precipitation', type: 'DOUBLE' },
    { name: 'wind', type: 'DOUBLE' },
    { name: 'weather', type: 'VARCHAR' },
  ],
};

export const NOAA_RAW = { date: 'DATE', city: 'NAME', temp_max: 'TMAX', precipitation: 'PRCP', weather: 'WT' };

export function weatherPool() {
  return pool([
    { id: 'local:noaa', profile: { quality: 0.9, rows: 50000, mapping: NOAA_RAW, labelBalance: { rain: 900, sun: 100 }, file: 'daily.csv' }, meta: { units: { TMAX: 'tenths_degC', PRCP: 'tenths_mm' } } },
    { id: 'hf:weather', profile: { quality: 0.7, rows: 800, mapping: { temp_max: 'tmax_f', weather: 'condition', city: 'city' } }, meta: { units: { temp_max: 'degF' } } },
    { id: 'web:nolabel', profile: { quality: 0.95, rows: 10, mapping: { temp_max: 't' } } },
    { id: 'kaggle:leaky', profile: { quality: 0.99, rows: 10, mapping: { weather: 'w' }, testOverlap: 5 } },
    { id: 'local:rejected', status: 'rejected' },
    { id: 'local:unprofiled' },
    { id: 'local:same-q', profile: { quality: 0.7, rows: 300, mapping: { weather: 'label' } } },
  ]);
}

/** A tree whose root (1000 base rows) is evaluated; more nodes are added by the tests. */
export function rootTree(): TreeBuilder {
  const b = new TreeBuilder('max');
  b.add('n1', null, [], 0.7, { artifact: { path: 'a/root.parquet', rows: 1000, format: 'parquet' } });
  return b;
}

export function input(b: TreeBuilder, node: TreeNode, want: number, extra: Partial<PolicyInput> = {}): PolicyInput {
  return { node, tree: b.tree, pool: weatherPool(), memory: emptyMemory(), task, prepared, want, ...extra };
}

let findingSeq = 100;
export function finding(subject: string, delta: number, kind: 'source_effect' | 'step_effect' = 'source_effect', verdict = 'worse'): Finding {
  findingSeq++;
  return { findingId: `f${findingSeq}`, nodeId: `x${findingSeq}`, kind, subject, delta, text: `${subject}: ${delta}`, evidence: { verdict }, seq: findingSeq };
}

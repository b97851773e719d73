// Orchestration overhead per node, from a run's own log: for each trained node, the wall time from node.proposed
// to node.critiqued, less the learner's training time (node.evaluated.seconds) and the time to build its data
// (node.proposed -> node.materialized, which also counts queueing for a curator). What is left is the
// orchestration: job queues, the recorder, the planner's decision, the critic. Usage: tsx bench/node-overhead.ts <runDir>
import { LevelEventLog, type StoredEvent } from '@datamaster/core';

const runDir = process.argv[2];
if (!runDir) {
  process.stderr.write('usage: tsx bench/node-overhead.ts <runDir>\n');
  process.exit(2);
}
const log = await LevelEventLog.open(runDir, { create: false });
const at: Record<string, Partial<Record<string, number>>> = {};
const train: Record<string, number> = {};
for await (const e of log.read() as AsyncIterable<StoredEvent>) {
  const id = (e.data as { nodeId?: string }).nodeId;
  if (!id) continue;
  (at[id] ??= {})[e.type] ??= Date.parse(e.at);
  if (e.type === 'node.evaluated') train[id] = ((e.data as { seconds?: number }).seconds ?? 0) * 1000;
}
await log.close();
const rows: { id: string; total: number; materialize: number; train: number; orchestration: number }[] = [];
for (const [id, t] of Object.entries(at)) {
  const p = t['node.proposed'];
  const m = t['node.materialized'];
  const c = t['node.critiqued'];
  if (p === undefined || m === undefined || c === undefined || train[id] === undefined) continue;
  const total = c - p;
  const orchestration = Math.max(0, total - (m - p) - train[id]!);
  rows.push({ id, total, materialize: m - p, train: train[id]!, orchestration });
}
const sum = (k: 'total' | 'materialize' | 'train' | 'orchestration') => rows.reduce((s, r) => s + r[k], 0);
for (const r of rows) console.log(`${r.id.padEnd(5)} total ${r.total} ms  materialize ${r.materialize} ms  train ${Math.round(r.train)} ms  orchestration ${Math.round(r.orchestration)} ms`);
const out = {
  nodes: rows.length,
  node_ms: Math.round(sum('total') / Math.max(1, rows.length)),
  train_ms: Math.round(sum('train') / Math.max(1, rows.length)),
  materialize_ms: Math.round(sum('materialize') / Math.max(1, rows.length)),
  orchestration_ms: Math.round(sum('orchestration') / Math.max(1, rows.length)),
  orchestration_share: Math.round((sum('orchestration') / Math.max(1, sum('total'))) * 1000) / 1000,
};
console.log(JSON.stringify(out));

/** Prints baseline vs base + each mapped pool source, on val and test, for every task (or those named). */
import { fileURLToPath } from 'node:url';
import { measureTask } from '../src/measure.ts';
import { SUITE } from '../src/suite/index.ts';

const dataDir = process.env.BENCH_LOCAL_DATA ?? fileURLToPath(new URL('../data/', import.meta.url));
const names = process.argv.slice(2).length ? process.argv.slice(2) : SUITE.map((t) => t.name);
const f = (x: number) => x.toFixed(4);
for (const name of names) {
  const t0 = performance.now();
  const m = await measureTask(name, dataDir);
  console.log(`\n${m.task}  metric=${m.metric} (${m.direction})  train=${m.trainRows} val=${m.valRows} test=${m.testRows}  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  console.log(`  ${'baseline'.padEnd(48)} val ${f(m.baseline.val)}  test ${f(m.baseline.test)}`);
  for (const s of m.sources) console.log(`  ${`+ ${s.id} [${s.role}, ${s.rows} rows]`.padEnd(48)} val ${f(s.val)}  test ${f(s.test)}`);
}

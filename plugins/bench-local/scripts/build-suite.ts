/** Builds (or checks) the data of every suite task, or of the tasks named: `npm run -w @datamaster/bench-local build-suite [names]`. */
import { ensureTask } from '../src/ensure.ts';
import { DEFAULT_DATA_DIR } from '../src/plugin.ts';
import { SUITE } from '../src/suite/index.ts';

const dataDir = process.env.BENCH_LOCAL_DATA ?? DEFAULT_DATA_DIR;
const names = process.argv.slice(2).length ? process.argv.slice(2) : SUITE.map((t) => t.name);
for (const name of names) {
  const t0 = performance.now();
  const files = await ensureTask(name, dataDir);
  console.log(`${name}: ${files.dir} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

/** Writes tasks/<name>.task.json for every suite task from its definition (run after changing a task). */
import { writeFileSync } from 'node:fs';
import { taskColumns } from '../src/plugin.ts';
import { SUITE } from '../src/suite/index.ts';

for (const spec of SUITE) {
  const task = {
    id: `bench-local-${spec.name}`,
    title: spec.title,
    description: spec.description,
    benchmark: { plugin: '@datamaster/bench-local', config: { task: spec.name } },
    metric: spec.metric,
    data: { label: spec.label.name, columns: taskColumns(spec) },
    sources: [{ plugin: '@datamaster/source-local', config: { catalog: `../data/${spec.name}/pool/catalog.json` } }],
    queries: spec.queries,
    budget: { nodes: 14, parallel: 2, seconds: 300 },
    seed: 0,
  };
  writeFileSync(new URL(`../tasks/${spec.name}.task.json`, import.meta.url), `${JSON.stringify(task, null, 2)}\n`);
}

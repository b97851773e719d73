import t from 'tap';
import { readFileSync } from 'node:fs';
import { EVENT_TYPES, schemas, SchemaError, validateEvent, type AnyEvent } from '../src/index.ts';
import { buildExampleRun } from '../src/testing/event-gen.ts';
import { generateSchemaTypes, typesFile } from '../../../scripts/schema-types.ts';

const example = buildExampleRun();
const events: AnyEvent[] = Array.isArray(example) ? example : (example as { events: AnyEvent[] }).events;

/** One required field of each event type's data, removed to make a bad fixture. */
const REQUIRED: Record<string, string> = {
  'run.started': 'task',
  'source.discovered': 'source',
  'source.profiled': 'profile',
  'source.rejected': 'reason',
  'node.proposed': 'recipeHash',
  'node.materialized': 'artifact',
  'node.evaluated': 'score',
  'node.failed': 'stage',
  'node.critiqued': 'verdict',
  'finding.recorded': 'text',
  'node.pruned': 'reason',
  'run.finished': 'reason',
  'run.graded': 'score',
};

for (const type of EVENT_TYPES) {
  t.test(`${type}: a good fixture passes, a bad one names type, path and reason`, async (t) => {
    const good = events.find((e) => e.type === type);
    t.ok(good, `the example run has a ${type}`);
    if (!good) return;
    t.doesNotThrow(() => validateEvent(good));
    const data = { ...(good.data as unknown as Record<string, unknown>) };
    delete data[REQUIRED[type]!];
    const err = t.throws(() => validateEvent({ ...good, data } as unknown as AnyEvent)) as unknown as SchemaError;
    t.ok(err instanceof SchemaError);
    t.match(err.message, type);
    t.match(err.message, `missing required property '${REQUIRED[type]}'`);
    t.match(err.message, '/data');
    const extra = t.throws(() => validateEvent({ ...good, data: { ...good.data, surprise: 1 } } as unknown as AnyEvent)) as unknown as SchemaError;
    t.match(extra.message, "unknown property 'surprise'");
  });
}

t.test('the envelope: bad id, unknown type, wrong version', async (t) => {
  const good = events[0]!;
  t.throws(() => validateEvent({ ...good, id: 'not-a-ulid' }), { code: 'E_SCHEMA' });
  t.throws(() => validateEvent({ ...good, type: 'node.exploded' } as unknown as AnyEvent), /must be one of/);
  t.throws(() => validateEvent({ ...good, v: 2 } as unknown as AnyEvent), /must be 1/);
  t.throws(() => validateEvent({ ...good, run: 'has.dot' }), /\/run/, 'run ids are safe NATS tokens');
});

t.test('task, recipe, manifest and config files: good and bad', async (t) => {
  const reg = schemas();
  const task = JSON.parse(readFileSync(new URL('../../../plugins/bench-local/tasks/seattle-weather.task.json', import.meta.url), 'utf8'));
  t.same(reg.check('task', task), []);
  t.match(reg.check('task', { ...task, metric: { name: 'acc', direction: 'up' } })[0], { path: '/metric/direction' });
  t.throws(() => reg.parseInput('task', { ...task, budget: { nodes: 0 } }, 'tasks/x.json'), /tasks\/x\.json.*\/budget\/nodes/);

  t.same(reg.check('recipe', { v: 1, base: 'task', steps: [{ op: 'dedupe' }, { op: 'sample', n: 10, seed: 1 }] }), []);
  t.same(reg.check('recipe', { v: 1, base: 'task', steps: [{ op: 'shuffle' }] }), [{ path: '/steps/0', message: 'unknown op "shuffle"' }], 'an unknown step op fails, once');
  t.same(reg.check('recipe', { v: 1, base: 'task', steps: [{ op: 'filter' }] }), [{ path: '/steps/0', message: "missing required property 'where'" }], 'a bad step reports its own op only');

  const manifest = JSON.parse(readFileSync(new URL('../../../plugins/source-local/datamaster-plugin.json', import.meta.url), 'utf8'));
  t.same(reg.check('plugin-manifest', manifest), []);
  t.match(reg.check('plugin-manifest', { ...manifest, kind: 'sink' })[0], { path: '/kind' });

  t.same(reg.check('config', { runsDir: '.datamaster/runs', nats: { servers: 'nats://127.0.0.1:4222' }, logLevel: 'warn' }), []);
  t.match(reg.check('config', { logLevel: 'loud' })[0], { path: '/logLevel' });

  t.same(reg.check('messages/job-train', { nodeId: 'n1', mode: 'evaluate', artifact: { path: 'a.parquet', format: 'parquet' }, seed: 0 }), []);
  t.match(reg.check('messages/job-train', { nodeId: 'n1', mode: 'evaluate', artifact: { path: 'a.parquet', format: 'csv' }, seed: 0 })[0], { path: '/artifact/format' });
});

t.test('the generated types are up to date with schemas/', async (t) => {
  t.equal(await generateSchemaTypes(), readFileSync(typesFile, 'utf8'), 'run `npm run gen:types` after changing a schema');
});

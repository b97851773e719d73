import t from 'tap';
import { makeEvent, recipeHash, schemas, SchemaError, validateEvent, canonicalJson } from '../src/index.ts';

t.test('a valid node.proposed event passes and a bad one names type, path and reason', async (t) => {
  const recipe = { v: 1 as const, base: 'task' as const, steps: [] };
  const good = makeEvent('r1', 'node.proposed', { nodeId: 'n0', parent: null, kind: 'root', recipe, recipeHash: recipeHash(recipe) }, { actor: 'planner' });
  t.same(validateEvent(good), good);
  const bad = { ...good, data: { ...good.data, kind: 'sideways' } };
  const err = t.throws(() => validateEvent(bad)) as unknown as SchemaError;
  t.ok(err instanceof SchemaError);
  t.match(err.message, /node\.proposed/);
  t.match(err.message, /\/kind/);
  t.match(err.message, /must be one of/);
});

t.test('recipe hash ignores key order', async (t) => {
  t.equal(canonicalJson({ b: 1, a: { d: 2, c: 3 } }), '{"a":{"c":3,"d":2},"b":1}');
  t.equal(
    recipeHash({ v: 1, base: 'task', steps: [{ op: 'dedupe', scope: 'all' }] }),
    recipeHash({ steps: [{ scope: 'all', op: 'dedupe' }], base: 'task', v: 1 } as never),
  );
});

t.test('task input gets defaults filled', async (t) => {
  const task = schemas().parseInput<{ budget: { nodes: number } }>(
    'task',
    { id: 't', description: 'd', benchmark: { plugin: 'x' }, metric: { name: 'acc', direction: 'max' }, budget: {} },
    'task.json',
  );
  t.equal(task.budget.nodes, 16);
});

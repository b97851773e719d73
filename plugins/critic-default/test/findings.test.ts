import t from 'tap';
import { schemas, type CriticInput } from '@datamaster/core';
import { judge } from '../src/judge.ts';
import { resolveCriticConfig } from '../src/config.ts';
import { addedSteps } from '../src/recipe-diff.ts';
import { stepKey } from '@datamaster/core';
import { TreeBuilder, emptyMemory, pool } from '@datamaster/core/testing';

const cfg = resolveCriticConfig({});

function judgeNode(b: TreeBuilder, id: string, bestId: string) {
  const node = b.node(id);
  const input: CriticInput = {
    node,
    parent: node.parent ? b.node(node.parent) : null,
    best: b.node(bestId),
    tree: b.tree,
    pool: pool([{ id: 'local:x', profile: { testOverlap: 0 } }]),
    memory: emptyMemory(),
    direction: b.tree.direction,
  };
  return judge(input, cfg);
}

t.test('source_effect names the source, the mapping, the parent and the branch', async (t) => {
  const b = new TreeBuilder('max');
  b.add('n1', null, [], 0.8);
  b.add('n3', 'n1', [{ op: 'dedupe' }], 0.801);
  b.add('n7', 'n3', [{ op: 'add_source', source: 'local:x', mapping: { y: 'label', temp: 'tmax' } }], 0.832);
  const v = judgeNode(b, 'n7', 'n3');
  t.equal(v.findings.length, 1);
  const f = v.findings[0];
  t.equal(f?.kind, 'source_effect');
  t.equal(f?.subject, 'local:x');
  t.ok(Math.abs((f?.delta ?? 0) - 0.031) < 1e-12);
  t.equal(f?.text, 'source local:x via mapping {"temp":"tmax","y":"label"}: +0.031 val vs parent n3 on branch n1>n3>n7');
  t.same(f?.evidence?.branch, ['n1', 'n3', 'n7']);
});

t.test('step_effect per refinement step, with the joint-effect caveat', async (t) => {
  const b = new TreeBuilder('min');
  b.add('n1', null, [], 2.0);
  b.add('n2', 'n1', [{ op: 'filter', where: '"y" IS NOT NULL', scope: 'all' }, { op: 'drop_outliers', columns: ['temp', 'hum'], z: 4, scope: 'added' }], 2.02);
  const v = judgeNode(b, 'n2', 'n1');
  t.equal(v.verdict, 'worse');
  t.same(v.findings.map((f) => [f.kind, f.subject]), [
    ['step_effect', 'filter:"y" IS NOT NULL'],
    ['step_effect', 'drop_outliers:hum,temp:z4'],
  ]);
  t.equal(v.findings[0]?.text, 'step filter:"y" IS NOT NULL (scope all): -0.02 val vs parent n1 on branch n1>n2 (jointly with 1 other step)');
  t.ok((v.findings[1]?.delta ?? 0) < 0, 'a min metric that rose is a negative delta');
});

t.test('findings and the verdict are valid event payloads', async (t) => {
  const b = new TreeBuilder('max');
  b.add('n1', null, [], 0.8);
  b.add('n2', 'n1', [{ op: 'add_source', source: 'local:x', mapping: { y: 'label' }, where: "city = 'Seattle'" }, { op: 'dedupe', scope: 'added' }], 0.99);
  const v = judgeNode(b, 'n2', 'n1');
  t.equal(v.verdict, 'suspect');
  t.ok(v.findings.length >= 3, 'two effects and an overfitting finding');
  const reg = schemas();
  v.findings.forEach((f, i) => {
    t.same(reg.check('events/finding.recorded', { findingId: `f${i}`, nodeId: 'n2', ...f }), [], `finding ${f.kind} fits finding.recorded`);
  });
  const { findings: _f, ...critiqued } = v;
  t.same(reg.check('events/node.critiqued', { nodeId: 'n2', ...critiqued }), [], 'verdict fits node.critiqued');
  t.match(v.findings.find((f) => f.kind === 'source_effect')?.text ?? '', /where city = 'Seattle'/);
});

t.test('addedSteps: prefix diff and the non-prefix fallback', async (t) => {
  const a = { op: 'dedupe' as const };
  const c = { op: 'filter' as const, where: 'x > 0' };
  const d = { op: 'sample' as const, n: 10, seed: 1 };
  t.same(addedSteps({ v: 1, base: 'task', steps: [a] }, { v: 1, base: 'task', steps: [a, c] }), [c]);
  t.same(addedSteps(null, { v: 1, base: 'task', steps: [a] }), [a]);
  t.same(addedSteps({ v: 1, base: 'task', steps: [a, c] }, { v: 1, base: 'task', steps: [c, d, a] }), [d], 'reordered: only what the parent lacks');
});

t.test('stepKey: op plus key parameters, not scope or seed', async (t) => {
  t.equal(stepKey({ op: 'dedupe', scope: 'added' }), 'dedupe');
  t.equal(stepKey({ op: 'dedupe', columns: ['b', 'a'] }), 'dedupe:a,b');
  t.equal(stepKey({ op: 'filter', where: 'y IS NOT NULL', scope: 'added' }), 'filter:y IS NOT NULL');
  t.equal(stepKey({ op: 'sample', n: 500, seed: 3, scope: 'local:x' }), 'sample:n500');
  t.equal(stepKey({ op: 'rebalance', label: 'y', strategy: 'undersample', seed: 0 }), 'rebalance:y:undersample');
  t.equal(stepKey({ op: 'map_columns', mapping: { t: 'x', a: 'b' }, scope: 'local:x' }), 'map_columns:a,t');
  t.equal(stepKey({ op: 'add_source', source: 'hf:ds', mapping: {} }), 'hf:ds');
  t.match(stepKey({ op: 'sql', query: 'SELECT * FROM data' }), /^sql:[0-9a-f]{12}$/);
});

import t from 'tap';
import type { CriticInput, DataPool, TreeNode } from '@datamaster/core';
import { judge } from '../src/judge.ts';
import { DEFAULT_CRITIC_CONFIG, resolveCriticConfig } from '../src/config.ts';
import { TreeBuilder, emptyMemory, pool } from '@datamaster/core/testing';

const cfg = resolveCriticConfig({});
const addX = { op: 'add_source' as const, source: 'local:x', mapping: { temp: 'tmax', y: 'label' } };

function input(b: TreeBuilder, id: string, bestId: string | null, p: DataPool = pool([])): CriticInput {
  const node = b.node(id);
  return {
    node,
    parent: node.parent ? b.node(node.parent) : null,
    best: bestId ? b.node(bestId) : null,
    tree: b.tree,
    pool: p,
    memory: emptyMemory(),
    direction: b.tree.direction,
  };
}

t.test('root is the baseline with the valid reward and no findings', async (t) => {
  const b = new TreeBuilder('max');
  b.add('n1', null, [], 0.8);
  const v = judge(input(b, 'n1', null), cfg);
  t.equal(v.verdict, 'baseline');
  t.equal(v.reward, 1);
  t.equal(v.deltaParent, undefined);
  t.same(v.findings, []);
});

t.test('deltas are oriented: positive = better for max and for min metrics', async (t) => {
  const up = new TreeBuilder('max');
  up.add('n1', null, [], 0.8);
  up.add('n2', 'n1', [addX], 0.85);
  const vu = judge(input(up, 'n2', 'n1'), cfg);
  t.ok(Math.abs((vu.deltaParent ?? 0) - 0.05) < 1e-12, 'max: 0.85 vs 0.80 is +0.05');
  t.ok(Math.abs((vu.deltaBest ?? 0) - 0.05) < 1e-12);
  t.equal(vu.verdict, 'new_best');
  t.equal(vu.reward, 2, 'valid +1 and new best +1');

  const down = new TreeBuilder('min');
  down.add('n1', null, [], 10);
  down.add('n2', 'n1', [addX], 9);
  const vd = judge(input(down, 'n2', 'n1'), cfg);
  t.equal(vd.deltaParent, 1, 'min: RMSE 9 vs 10 is +1 (better)');
  t.equal(vd.verdict, 'new_best');

  const worse = new TreeBuilder('min');
  worse.add('n1', null, [], 10);
  worse.add('n2', 'n1', [addX], 11);
  const vw = judge(input(worse, 'n2', 'n1'), cfg);
  t.equal(vw.deltaParent, -1);
  t.equal(vw.deltaBest, -1);
  t.equal(vw.verdict, 'worse');
  t.equal(vw.reward, 1, 'a worse but valid result still earns the valid reward (paper scheme)');
});

t.test('verdict thresholds: noise is relative to the reference score', async (t) => {
  // Parent 0.8, noise 0.5% -> threshold 0.004. Best elsewhere is 0.9 so new_best does not interfere.
  const b = new TreeBuilder('max');
  b.add('n1', null, [], 0.8);
  b.add('best', 'n1', [{ op: 'dedupe' }], 0.9);
  b.add('a', 'n1', [addX], 0.8039);
  b.add('c', 'n1', [{ op: 'filter', where: 'y IS NOT NULL' }], 0.8041);
  b.add('d', 'n1', [{ op: 'drop_outliers', columns: ['temp'], z: 4 }], 0.7961);
  b.add('e', 'n1', [{ op: 'drop_outliers', columns: ['temp'], z: 3 }], 0.7959);
  t.equal(judge(input(b, 'a', 'best'), cfg).verdict, 'neutral', '+0.0039 is inside the noise');
  t.equal(judge(input(b, 'c', 'best'), cfg).verdict, 'improved', '+0.0041 is above the noise');
  t.equal(judge(input(b, 'd', 'best'), cfg).verdict, 'neutral', '-0.0039 is inside the noise');
  t.equal(judge(input(b, 'e', 'best'), cfg).verdict, 'worse', '-0.0041 is below the noise');

  const strict = resolveCriticConfig({ noise: 0.0001 });
  t.equal(judge(input(b, 'a', 'best'), strict).verdict, 'improved', 'a smaller noise setting turns it into an improvement');
});

t.test('new best needs to beat the best by more than the noise', async (t) => {
  const b = new TreeBuilder('max');
  b.add('n1', null, [], 0.8);
  b.add('n2', 'n1', [addX], 0.85);
  b.add('n3', 'n1', [{ op: 'dedupe' }], 0.8501);
  const v = judge(input(b, 'n3', 'n2'), cfg);
  t.equal(v.verdict, 'improved', 'beats the parent, ties the best within noise');
  t.equal(v.reward, 1);
  const bonus = judge(input(b, 'n2', 'n1'), resolveCriticConfig({ newBestBonus: 3 }));
  t.equal(bonus.reward, 4, 'newBestBonus is configurable');
});

t.test('suspect on leakage: an added source overlapping the test inputs', async (t) => {
  const b = new TreeBuilder('max');
  b.add('n1', null, [], 0.8);
  b.add('n2', 'n1', [addX], 0.81);
  const leaky = pool([{ id: 'local:x', profile: { testOverlap: 12, quality: 0.9 } }]);
  const v = judge(input(b, 'n2', 'n1', leaky), cfg);
  t.equal(v.verdict, 'suspect');
  t.equal(v.reward, 0, 'suspect results get suspectReward, no bonus');
  const leak = v.findings.find((f) => f.kind === 'leakage');
  t.ok(leak, 'a leakage finding');
  t.equal(leak?.subject, 'local:x');
  t.match(leak?.text ?? '', /12 rows with the task's held-out test inputs/);
  t.ok(v.notes?.some((n) => /leakage/.test(n)));

  const clean = pool([{ id: 'local:x', profile: { testOverlap: 0 } }]);
  t.equal(judge(input(b, 'n2', 'n1', clean), cfg).verdict, 'new_best', 'testOverlap 0 is clean');
});

t.test('suspect on an implausible jump, with an overfitting finding', async (t) => {
  const b = new TreeBuilder('max');
  b.add('n1', null, [], 0.5);
  b.add('n2', 'n1', [addX], 0.75); // +50% relative
  b.add('n3', 'n1', [{ op: 'dedupe' }], 0.59); // +18% relative
  const v = judge(input(b, 'n2', 'n1'), cfg);
  t.equal(v.verdict, 'suspect');
  const over = v.findings.find((f) => f.kind === 'overfitting');
  t.match(over?.text ?? '', /node n2 gains \+0\.25 val over parent n1 \(50\.0% of its score, above suspectDelta 20\.0%\)/);
  t.equal(judge(input(b, 'n3', 'n1'), cfg).verdict, 'new_best', '18% is below suspectDelta 20%');
  t.equal(judge(input(b, 'n2', 'n1'), resolveCriticConfig({ suspectDelta: 0.6 })).verdict, 'new_best', 'suspectDelta is configurable');
  t.equal(judge(input(b, 'n2', 'n1'), resolveCriticConfig({ suspectReward: -2 })).reward, -2);
});

t.test('reward shaping and the reward band', async (t) => {
  const b = new TreeBuilder('max');
  b.add('n1', null, [], 0.8);
  b.add('best', 'n1', [{ op: 'dedupe' }], 0.95);
  b.add('n2', 'n1', [addX], 0.76); // -5% relative
  const shaped = judge(input(b, 'n2', 'best'), resolveCriticConfig({ deltaWeight: 10 }));
  t.equal(shaped.verdict, 'worse');
  t.ok(Math.abs(shaped.reward - 0.5) < 1e-12, '1 + clamp(10 * -0.05) = 0.5');
  const big = judge(input(b, 'best', 'n1'), resolveCriticConfig({ validReward: 10, newBestBonus: 9 }));
  t.equal(big.reward, 10, 'clamped to the [-10, 10] band');
});

t.test('a node without a score is refused with a coded error', async (t) => {
  const b = new TreeBuilder('max');
  b.add('n1', null, [], 0.8);
  b.add('n2', 'n1', [addX]);
  t.throws(() => judge(input(b, 'n2', 'n1'), cfg), { code: 'E_CRITIC_NO_SCORE', message: /node n2 has no finite validation score/ });
});

t.test('parent without a score: compared with the best only', async (t) => {
  const b = new TreeBuilder('max');
  b.add('n1', null, [], 0.8);
  b.add('n2', 'n1', [addX]);
  b.add('n3', 'n2', [{ op: 'dedupe' }], 0.7);
  const v = judge(input(b, 'n3', 'n1'), cfg);
  t.equal(v.deltaParent, undefined);
  t.equal(v.verdict, 'worse');
  t.equal(v.findings[0]?.delta, undefined, 'no delta to record');
  t.match(v.findings[0]?.text ?? '', /no parent score to compare vs parent n2/);
});

t.test('config: defaults, unknown keys and out-of-range values', async (t) => {
  t.same(resolveCriticConfig(undefined), DEFAULT_CRITIC_CONFIG);
  t.equal(resolveCriticConfig({ noise: 0.01 }).noise, 0.01);
  t.throws(() => resolveCriticConfig({ nosie: 0.01 }), { code: 'E_CRITIC_CONFIG', message: /unknown key \/nosie/ });
  t.throws(() => resolveCriticConfig({ suspectDelta: 0 }), { code: 'E_CRITIC_CONFIG', message: /\/suspectDelta must be a number in \(0/ });
  t.throws(() => resolveCriticConfig({ noise: 'x' }), { code: 'E_CRITIC_CONFIG' });
  t.throws(() => resolveCriticConfig([1]), { code: 'E_CRITIC_CONFIG' });
});

// Keeps the TreeNode import honest for readers: judge never mutates its input.
t.test('judge does not mutate the tree', async (t) => {
  const b = new TreeBuilder('max');
  b.add('n1', null, [], 0.8);
  b.add('n2', 'n1', [addX], 0.85);
  const before = JSON.stringify(b.tree);
  judge(input(b, 'n2', 'n1'), cfg);
  const after: TreeNode | undefined = b.tree.nodes.n2;
  t.equal(JSON.stringify(b.tree), before);
  t.equal(after?.reward, undefined);
});

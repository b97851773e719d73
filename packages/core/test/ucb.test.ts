import t from 'tap';
import {
  evaluatedCount,
  explorationConstant,
  mulberry32,
  nodeUcb,
  randomSelect,
  rankNodes,
  searchSettings,
  selectableNodes,
  selectNode,
  ucbScore,
} from '../src/search/index.ts';
import type { DataTree, NodeStatus, TreeNode } from '../src/state/index.ts';

/** A hand-built tree: [id, parent, status, visits, totalReward, seq]. */
function tree(rows: [string, string | null, NodeStatus, number, number, number][]): DataTree {
  const t: DataTree = { rootId: null, nodes: {}, order: [], byRecipe: {}, bestId: null, direction: 'max' };
  for (const [id, parent, status, visits, totalReward, seq] of rows) {
    const n: TreeNode = {
      id, parent, children: [], kind: parent === null ? 'root' : 'refine', depth: parent === null ? 0 : t.nodes[parent]!.depth + 1,
      recipe: { v: 1, base: 'task', steps: [] }, recipeHash: id.padEnd(64, '0'), status, visits, totalReward, seq,
    };
    t.nodes[id] = n;
    t.order.push(id);
    if (parent === null) t.rootId = id;
    else t.nodes[parent]!.children.push(id);
  }
  return t;
}

/** Equal up to float rounding (the expected values below were worked out with a calculator). */
const near = (actual: number, expected: number) => Math.abs(actual - expected) < 1e-12;

t.test('ucbScore: mean + c*sqrt(ln(parentVisits)/visits), by hand', async (t) => {
  const n = tree([['r', null, 'critiqued', 4, 3, 1], ['a', 'r', 'critiqued', 2, 3, 2], ['b', 'r', 'failed', 1, -1, 3]]);
  // ln 4 = 1.3862943611198906; sqrt(ln4/2) = 0.8325546111576977; sqrt(ln4/1) = 1.1774100225154747
  t.ok(near(ucbScore(n.nodes.a!, 4, 1), 1.5 + 0.8325546111576977));
  t.ok(near(ucbScore(n.nodes.a!, 4, 2), 1.5 + 2 * 0.8325546111576977));
  t.ok(near(ucbScore(n.nodes.a!, 4, 0), 1.5), 'c = 0 is pure exploitation');
  t.ok(near(ucbScore(n.nodes.b!, 4, 1), -1 + 1.1774100225154747 - 1), 'failed: default penalty 1');
  t.ok(near(ucbScore(n.nodes.b!, 4, 1, { failedPenalty: 0.25 }), -1 + 1.1774100225154747 - 0.25));
  t.ok(near(ucbScore(n.nodes.a!, 1, 1), 1.5), 'ln 1 = 0: no bonus');
  t.ok(near(nodeUcb(n, n.nodes.r!, 1), 0.75 + 0.5887050112577373), 'the root uses its own visits: sqrt(ln4/4)');
});

t.test('unvisited first; in-flight and pruned never', async (t) => {
  for (const s of ['proposed', 'materialized', 'evaluated', 'pruned'] as const) {
    const n = tree([['r', null, s, 3, 3, 1]]);
    t.equal(ucbScore(n.nodes.r!, 3, 1), -Infinity, s);
  }
  const n = tree([['r', null, 'critiqued', 0, 0, 1]]);
  t.equal(ucbScore(n.nodes.r!, 5, 1), Infinity);
});

/** ln 5 = 1.6094379124341003, sqrt(ln5/2) = 0.8970612889970507, sqrt(ln2/1) = 0.8325546111576977 */
const deep = () =>
  tree([
    ['r', null, 'critiqued', 5, 1, 1],
    ['x', 'r', 'critiqued', 2, 2, 2],
    ['y', 'r', 'critiqued', 2, 1, 3],
    ['x1', 'x', 'critiqued', 1, 1, 4],
    ['y1', 'y', 'critiqued', 1, 3, 5],
    ['z', 'r', 'evaluated', 0, 0, 6],
  ]);

t.test('global mode: the highest UCB anywhere (parentVisits = the parent\'s visits)', async (t) => {
  const n = deep();
  const ranked = rankNodes(n, { c: 1, mode: 'global' });
  t.same(ranked.map((r) => r.node.id), ['y1', 'x', 'x1', 'y', 'r'], 'z is in flight');
  t.ok(near(ranked[0]!.ucb, 3 + 0.8325546111576977), 'y1');
  t.ok(near(ranked[1]!.ucb, 1 + 0.8970612889970507), 'x');
  t.ok(near(ranked[3]!.ucb, 0.5 + 0.8970612889970507), 'y');
  t.ok(near(ranked[4]!.ucb, 0.2 + 0.5673513747994448), 'r: 1/5 + sqrt(ln5/5)');
  t.equal(selectNode(n, { c: 1, mode: 'global' })?.id, 'y1');
});

t.test('uct mode: walk down while a child beats the node itself', async (t) => {
  const n = deep();
  // At r: x (1.897) beats y (1.397) and r (0.767). At x: x itself (1.897) beats x1 (1 + sqrt(ln2/1) = 1.833).
  t.equal(selectNode(n, { c: 1 })?.id, 'x');
  // With c = 0 only means count: at r, x (1.0) beats y (0.5) and r (0.2); at x, x (1.0) ties x1 (1.0): stay.
  t.equal(selectNode(n, { c: 0 })?.id, 'x');
  // Make x1 better: descend.
  n.nodes.x1!.totalReward = 2;
  t.equal(selectNode(n, { c: 0 })?.id, 'x1');
});

t.test('ties: earlier seq, then id', async (t) => {
  const n = tree([['r', null, 'critiqued', 3, 3, 1], ['b', 'r', 'critiqued', 1, 1, 2], ['a', 'r', 'critiqued', 1, 1, 3]]);
  t.equal(selectNode(n, { c: 1, mode: 'global' })?.id, 'b', 'same UCB: the earlier-proposed b');
  n.nodes.a!.seq = 2;
  t.equal(selectNode(n, { c: 1, mode: 'global' })?.id, 'a', 'same UCB and seq: the smaller id');
  t.equal(selectNode(n, { c: 1 })?.id, 'a');
  const unvisited = tree([['r', null, 'critiqued', 1, 1, 1], ['u2', 'r', 'critiqued', 0, 0, 3], ['u1', 'r', 'critiqued', 0, 0, 2]]);
  t.equal(selectNode(unvisited, { c: 1, mode: 'global' })?.id, 'u1', 'unvisited first, earlier first');
  t.equal(selectNode(unvisited, { c: 1 })?.id, 'u1');
});

t.test('pruned branches and failed nodes', async (t) => {
  const n = tree([
    ['r', null, 'critiqued', 4, 2, 1],
    ['p', 'r', 'pruned', 2, 4, 2],
    ['p1', 'p', 'critiqued', 0, 0, 3],
    ['f', 'r', 'failed', 1, -1, 4],
  ]);
  t.same(selectableNodes(n).map((x) => x.id), ['r', 'f'], 'nothing under a pruned node');
  // r: 0.5 + sqrt(ln4/4) = 1.0887; f: -1 + sqrt(ln4) - 1 = -0.8226
  t.equal(selectNode(n, { c: 1, mode: 'global' })?.id, 'r');
  t.equal(selectNode(n, { c: 1 })?.id, 'r');
  // With no penalty and a big c, the failed node's exploration bonus wins: -1 + 10 * 1.1774 = 10.77 > 0.5 + 5.887.
  t.equal(selectNode(n, { c: 10, failedPenalty: 0, mode: 'global' })?.id, 'f');
  t.equal(selectNode(n, { c: 10, failedPenalty: 0 })?.id, 'f');
});

t.test('nothing selectable gives null', async (t) => {
  t.equal(selectNode(tree([]), { c: 1 }), null);
  t.equal(selectNode(tree([['r', null, 'evaluated', 0, 0, 1]]), { c: 1 }), null);
  t.equal(selectNode(tree([['r', null, 'pruned', 1, 1, 1]]), { c: 1, mode: 'global' }), null);
  t.equal(randomSelect(tree([['r', null, 'proposed', 0, 0, 1]]), mulberry32(1)), null);
});

t.test('explorationConstant decays geometrically to the floor', async (t) => {
  t.equal(explorationConstant(1.414, 0.5, 0.95, 0), 1.414);
  t.ok(near(explorationConstant(1.414, 0.5, 0.95, 10), 1.414 * 0.5987369392383787), '0.95^10');
  t.equal(explorationConstant(1.414, 0.5, 0.95, 30), 0.5, '1.414 * 0.95^30 = 0.3035 is below the floor');
  t.equal(explorationConstant(0.3, 0.5, 0.9, 5), 0.3, 'never raised above c0');
  t.equal(explorationConstant(2, 0.5, 1, 100), 2, 'decay 1 keeps c');
  for (const args of [[-1, 0.5, 0.9, 1], [1, 0.5, 1.5, 1], [1, 0.5, 0.9, Number.NaN]] as const) {
    const err = t.throws(() => explorationConstant(args[0], args[1], args[2], args[3])) as { code?: string };
    t.equal(err.code, 'E_SEARCH_CONFIG');
  }
});

t.test('evaluatedCount and searchSettings defaults', async (t) => {
  const n = deep();
  t.equal(evaluatedCount(n), 0);
  n.nodes.x!.score = 0.4;
  n.nodes.y!.score = 0.1;
  t.equal(evaluatedCount(n), 2);
  t.same(searchSettings(undefined), { c: 1.414, cMin: 0.5, cDecay: 0.95, failedPenalty: 1, selection: 'ucb' });
  t.same(searchSettings({ budget: {}, search: { c: 2, selection: 'random' }, seed: 1 }), { c: 2, cMin: 0.5, cDecay: 0.95, failedPenalty: 1, selection: 'random' });
});

t.test('mulberry32 is seeded and reproducible; randomSelect maps it onto the selectable nodes', async (t) => {
  const a = mulberry32(42);
  const b = mulberry32(42);
  const xs = Array.from({ length: 5 }, () => a());
  t.same(xs, Array.from({ length: 5 }, () => b()));
  t.notSame(xs, Array.from({ length: 5 }, mulberry32(43)));
  t.ok(xs.every((x) => x >= 0 && x < 1));
  const n = deep();
  t.equal(randomSelect(n, () => 0)?.id, 'r');
  t.equal(randomSelect(n, () => 0.999)?.id, 'y1', 'tree order r, x, x1, y, y1: the last');
  const rng = mulberry32(7);
  const counts: Record<string, number> = {};
  for (let i = 0; i < 5000; i++) {
    const id = randomSelect(n, rng)!.id;
    counts[id] = (counts[id] ?? 0) + 1;
  }
  t.same(Object.keys(counts).sort(), ['r', 'x', 'x1', 'y', 'y1'], 'z is in flight, never drawn');
  t.ok(Object.values(counts).every((c) => c > 800 && c < 1200), `about uniform: ${JSON.stringify(counts)}`);
});

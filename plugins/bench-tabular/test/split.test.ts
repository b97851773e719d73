import t from 'tap';
import fc from 'fast-check';
import { splitRng, splitRows, type Part } from '../src/split.ts';

const rowsOf = (parts: readonly Part[], p: Part) => parts.flatMap((x, i) => (x === p ? [i] : []));

t.test('Prng: same seed same stream, nearby seeds differ', async (t) => {
  const a = splitRng(7);
  const b = splitRng(7);
  const c = splitRng(8);
  const xs = Array.from({ length: 5 }, () => a.next());
  t.same(xs, Array.from({ length: 5 }, () => b.next()));
  t.not(xs[0], c.next());
  t.ok(xs.every((x) => x >= 0 && x < 1));
});

t.test('random stratified split keeps each class share on every side', async (t) => {
  const strata = [...Array(60).fill('a'), ...Array(30).fill('b'), ...Array(10).fill('c')];
  const r = splitRows({ n: 100, method: 'random', valFraction: 0.2, testFraction: 0.1, seed: 3, strata });
  t.same(r.counts, { train: 70, val: 20, test: 10 });
  const share = (p: Part, cls: string) => rowsOf(r.parts, p).filter((i) => strata[i] === cls).length;
  t.equal(share('val', 'a'), 12);
  t.equal(share('val', 'b'), 6);
  t.equal(share('val', 'c'), 2);
  t.equal(share('test', 'c'), 1);
  const again = splitRows({ n: 100, method: 'random', valFraction: 0.2, testFraction: 0.1, seed: 3, strata });
  t.same(again.parts, r.parts, 'same seed, same split');
  const other = splitRows({ n: 100, method: 'random', valFraction: 0.2, testFraction: 0.1, seed: 4, strata });
  t.notSame(other.parts, r.parts, 'another seed, another split');
});

t.test('random split without strata (regression) and without a test part', async (t) => {
  const r = splitRows({ n: 50, method: 'random', valFraction: 0.2, testFraction: 0, seed: 0 });
  t.same(r.counts, { train: 40, val: 10, test: 0 });
});

t.test('group split: no group on two sides, every side non-empty (property)', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 30, maxLength: 200 }), fc.integer(), fc.boolean(), (gs, seed, withTest) => {
      const groups = gs.map(String);
      const distinct = new Set(groups).size;
      const need = withTest ? 3 : 2;
      const input = { n: groups.length, method: 'group' as const, valFraction: 0.2, testFraction: withTest ? 0.2 : 0, seed, groups, column: 'g' };
      if (distinct < need) {
        try {
          splitRows(input);
          return false;
        } catch (err) {
          return (err as { code?: string }).code === 'E_BENCH_SPLIT';
        }
      }
      const r = splitRows(input);
      const sideOf = new Map<string, Part>();
      for (let i = 0; i < groups.length; i++) {
        const prev = sideOf.get(groups[i]!);
        if (prev && prev !== r.parts[i]) return false;
        sideOf.set(groups[i]!, r.parts[i]!);
      }
      return r.counts.train > 0 && r.counts.val > 0 && (!withTest || r.counts.test > 0);
    }),
    { numRuns: 200 },
  );
  t.pass('200 random group columns and seeds');
});

t.test('time split: held-out rows are the latest; equal times stay together', async (t) => {
  // 40 rows, two per time step (two places measured the same day), shuffled file order.
  const times = Array.from({ length: 40 }, (_, i) => Math.floor(i / 2));
  const perm = splitRng(1).shuffle(times.map((_, i) => i));
  const fileTimes = perm.map((i) => times[i]!);
  const order = fileTimes.map((_, i) => i).sort((a, b) => fileTimes[a]! - fileTimes[b]! || a - b);
  const r = splitRows({ n: 40, method: 'time', valFraction: 0.25, testFraction: 0.15, seed: 0, time: { order, rank: fileTimes }, column: 'day' });
  const max = (p: Part) => Math.max(...rowsOf(r.parts, p).map((i) => fileTimes[i]!));
  const min = (p: Part) => Math.min(...rowsOf(r.parts, p).map((i) => fileTimes[i]!));
  t.ok(max('train') < min('val'), 'train before validation');
  t.ok(max('val') < min('test'), 'validation before test');
  t.ok(r.counts.test >= 6 && r.counts.val >= 10, JSON.stringify(r.counts));
  const again = splitRows({ n: 40, method: 'time', valFraction: 0.25, testFraction: 0.15, seed: 99, time: { order, rank: fileTimes }, column: 'day' });
  t.same(again.parts, r.parts, 'a time split does not depend on the seed');
});

t.test('time split with a single time value cannot keep training rows', async (t) => {
  const order = Array.from({ length: 10 }, (_, i) => i);
  t.throws(() => splitRows({ n: 10, method: 'time', valFraction: 0.2, testFraction: 0, seed: 0, time: { order, rank: order.map(() => 1) }, column: 'd' }), { code: 'E_BENCH_SPLIT' });
});

t.test('fractions that leave no training rows are refused', async (t) => {
  t.throws(() => splitRows({ n: 10, method: 'random', valFraction: 0.6, testFraction: 0.5, seed: 0 }), { code: 'E_BENCH_SPLIT', message: /below 1/ });
  t.throws(() => splitRows({ n: 3, method: 'random', valFraction: 0.1, testFraction: 0, seed: 0 }), { code: 'E_BENCH_SPLIT', message: /validation split is empty/ });
});

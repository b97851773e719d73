/**
 * The random forest that bench/learner.bench.ts times, in process and behind the learner protocol: the
 * library's `getLearner('random-forest')` from @datamaster/learners. Until the library part of the package
 * exports getLearner, bench-local's forest (the same CART-on-bootstrap code it was taken from) stands in,
 * wrapped as a LibraryLearner over numeric features. Both sides of the benchmark import this module, so
 * they always run the same code.
 */
import * as learners from '@datamaster/learners';
import type { LibraryLearner, Predictions, Row } from '@datamaster/learners';
import { forestClassify, forestRegress } from '../../plugins/bench-local/src/learners/forest.ts';

const benchLocalForest: LibraryLearner = {
  name: 'random-forest',
  taskTypes: ['binary', 'multiclass', 'regression'],
  fitPredict(problem, train, predict, opts): Predictions {
    const p = (opts.params ?? {}) as { trees?: number; maxDepth?: number; maxFeatures?: number; minNumSamples?: number };
    const names = problem.features.filter((f) => f.kind === 'numeric').map((f) => f.name);
    const enc = (r: Row) => names.map((n) => (typeof r[n] === 'number' && Number.isFinite(r[n]) ? (r[n] as number) : 0));
    const o = { trees: p.trees ?? 100, maxDepth: p.maxDepth ?? 12, maxFeatures: p.maxFeatures ?? Math.max(1, Math.round(Math.sqrt(names.length))), minNumSamples: p.minNumSamples ?? 2, seed: opts.seed };
    const classes = problem.classes;
    const rows = train.filter((r) => (classes ? classes.includes(String(r[problem.label])) : Number.isFinite(Number(r[problem.label]))));
    const x = rows.map(enc);
    const test = predict.map(enc);
    if (classes) {
      const y = rows.map((r) => classes.indexOf(String(r[problem.label])));
      return { values: forestClassify(o, x, y, classes.length, test).map((k) => classes[k] as string) };
    }
    return { values: forestRegress(o, x, rows.map((r) => Number(r[problem.label])), test) };
  },
};

/** `getLearner('random-forest')` when the library has it, else bench-local's forest. */
export function randomForest(): { learner: LibraryLearner; source: string } {
  const getLearner = (learners as Record<string, unknown>).getLearner as ((n: string) => LibraryLearner) | undefined;
  if (typeof getLearner === 'function') return { learner: getLearner('random-forest'), source: "@datamaster/learners getLearner('random-forest')" };
  return { learner: benchLocalForest, source: 'plugins/bench-local forestClassify/forestRegress (the library exports no getLearner yet)' };
}

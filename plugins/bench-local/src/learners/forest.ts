/**
 * The forest moved to @datamaster/learners (getLearner('random-forest')); these names stay importable
 * from here for code that still reaches in (examples/learners/random-forest.ts).
 */
export { forestClassify, forestRegress, type ForestOptions } from '@datamaster/learners';

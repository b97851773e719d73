// The suite's seeded generator is the learners' (the same mulberry32 the fixed learners use).
export { Prng } from '@datamaster/learners';

export * from './types.ts';
export { initialRunState } from './initial.ts';
export { applyEvent, applyEventInPlace, foldEvents, sourcesAddedBy } from './fold.ts';
export {
  FAILURE_REWARD,
  ancestorsOf,
  eligibleForBest,
  meanReward,
  recomputeBest,
  scoreBeats,
} from './tree.ts';
export { replay, replayEvents, type ReplayOptions } from './replay.ts';
export { eventsToJsonl, parseEventsJsonl } from './jsonl.ts';
export { formatScore, renderTreeText, replaySummary, type ReplaySummary } from './render.ts';

export type { AppendResult, EventLog, IndexedEventLog, ReadRange } from './types.ts';
export { type IndexName, INDEX_NAMES, indexEntriesOf } from './indexes.ts';
export { BaseEventLog } from './base.ts';
export { MemoryEventLog } from './memory.ts';
export { LevelEventLog, LOG_DIR_NAME, type LevelEventLogOptions } from './level.ts';
export { LOG_FORMAT, seqKey, idKey } from './keys.ts';

import type {
  EventEnvelope,
  EventType,
  FindingRecordedData,
  NodeCritiquedData,
  NodeEvaluatedData,
  NodeFailedData,
  NodeMaterializedData,
  NodeProposedData,
  NodePrunedData,
  RunFinishedData,
  RunGradedData,
  RunStartedData,
  SourceDiscoveredData,
  SourceProfiledData,
  SourceRejectedData,
} from '../schema/types.ts';

export type { EventType };

/** Event type -> the schema-generated type of its `data`. */
export interface EventDataMap {
  'run.started': RunStartedData;
  'source.discovered': SourceDiscoveredData;
  'source.profiled': SourceProfiledData;
  'source.rejected': SourceRejectedData;
  'node.proposed': NodeProposedData;
  'node.materialized': NodeMaterializedData;
  'node.evaluated': NodeEvaluatedData;
  'node.failed': NodeFailedData;
  'node.critiqued': NodeCritiquedData;
  'finding.recorded': FindingRecordedData;
  'node.pruned': NodePrunedData;
  'run.finished': RunFinishedData;
  'run.graded': RunGradedData;
}

export const EVENT_TYPES = [
  'run.started',
  'source.discovered',
  'source.profiled',
  'source.rejected',
  'node.proposed',
  'node.materialized',
  'node.evaluated',
  'node.failed',
  'node.critiqued',
  'finding.recorded',
  'node.pruned',
  'run.finished',
  'run.graded',
] as const satisfies readonly EventType[];

/** One event of a given type: the envelope with its typed data. */
export type DmEvent<T extends EventType = EventType> = Omit<EventEnvelope, 'type' | 'data'> & {
  type: T;
  data: EventDataMap[T];
};

/** The discriminated union of all events (narrow on `type`). */
export type AnyEvent = { [K in EventType]: DmEvent<K> }[EventType];

/** An event as stored in the log: `seq` is always set. */
export type StoredEvent = AnyEvent & { seq: number };

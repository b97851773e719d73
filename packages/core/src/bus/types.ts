import type { AnyEvent } from '../events/types.ts';

/** Subjects, as in docs/ARCHITECTURE.md: dm.<run>.evt.<type>, dm.<run>.job.<role>, dm.<run>.q.<name>, dm.ctl.<verb>. */
export const subjects = {
  event: (run: string, type: string) => `dm.${run}.evt.${type}`,
  events: (run: string) => `dm.${run}.evt.>`,
  job: (run: string, role: string) => `dm.${run}.job.${role}`,
  query: (run: string, name: string) => `dm.${run}.q.${name}`,
  ctl: (verb: string) => `dm.ctl.${verb}`,
};

export interface BusMessage<T = unknown> {
  subject: string;
  data: T;
  headers?: Record<string, string>;
}

export interface Subscription {
  readonly subject: string;
  /** Stops delivery; waits for handlers in progress. */
  unsubscribe(): Promise<void>;
}

export interface SubscribeOptions {
  /** Queue group: each message goes to one member of the group. */
  queue?: string;
}

export interface EventSubscribeOptions extends SubscribeOptions {
  /**
   * A durable name: delivery survives a restart of the subscriber (at least once, in order);
   * without it the subscription sees events published from now on.
   */
  durable?: string;
  /** Start from this stream position (replay) instead of new events. */
  fromStart?: boolean;
  /** Durable only: redeliver an event whose handler has not finished within this time (default 30 s). */
  ackWaitMs?: number;
}

/** One delivery of a durable job. Exactly one of ack / nak / term settles it. */
export interface Job<T = unknown> {
  /** The job id given at enqueue (also the dedupe key). */
  id: string;
  subject: string;
  data: T;
  /** 1 on first delivery, 2 on the first redelivery, ... */
  attempt: number;
  ack(): Promise<void>;
  /** Ask for redelivery after `delayMs` (default at once). */
  nak(delayMs?: number): Promise<void>;
  /** Give up on this job: never redelivered. */
  term(reason?: string): Promise<void>;
  /** Still working: pushes the ack deadline out. */
  working(): Promise<void>;
}

export interface JobConsumeOptions {
  /** Jobs handled at once by this consumer. */
  concurrency?: number;
  /** Redeliver when not acked within this time. */
  ackWaitMs?: number;
  /** Deliveries before the job is dropped. */
  maxDeliver?: number;
  /** When a handler throws without settling, the job is nak'ed with this delay (default 1000 ms). */
  retryDelayMs?: number;
}

export type Handler<T> = (msg: BusMessage<T>) => void | Promise<void>;

/**
 * The transport between agents. MemoryBus (in-process) and NatsBus (NATS + JetStream) implement it
 * and pass the same conformance suite (@datamaster/core/testing).
 */
export interface Bus {
  /** Publishes an event to dm.<run>.evt.<type>; a repeated event id is dropped. */
  publishEvent(event: AnyEvent): Promise<{ duplicate: boolean }>;
  /** Events of a run whose type matches `typePattern` (NATS wildcards over the type tokens, '>' for all). */
  subscribeEvents(run: string, typePattern: string, handler: Handler<AnyEvent>, opts?: EventSubscribeOptions): Promise<Subscription>;
  /** Plain publish (no persistence). */
  publish<T>(subject: string, data: T, headers?: Record<string, string>): Promise<void>;
  /** Plain subscribe with NATS wildcards `*` and `>`. */
  subscribe<T>(pattern: string, handler: Handler<T>, opts?: SubscribeOptions): Promise<Subscription>;
  /** Request/reply; rejects with a BusError code E_TIMEOUT or E_NO_RESPONDERS. */
  request<Q, R>(subject: string, data: Q, opts?: { timeoutMs?: number }): Promise<R>;
  /** Answers requests on `subject`; a thrown error goes back to the requester as an error. */
  respond<Q, R>(subject: string, handler: (data: Q) => Promise<R> | R, opts?: SubscribeOptions): Promise<Subscription>;
  /** Enqueues a durable job for one worker of `role` (at least once); `id` dedupes. */
  enqueueJob<T>(run: string, role: string, id: string, data: T): Promise<{ duplicate: boolean }>;
  /** Takes jobs of `role`; a job not acked by its deadline goes to another consumer. */
  consumeJobs<T>(run: string, role: string, handler: (job: Job<T>) => Promise<void>, opts?: JobConsumeOptions): Promise<Subscription>;
  /** Stops taking new messages, lets handlers in flight finish, flushes publishes. */
  drain(): Promise<void>;
  /** Drains, then releases the connection. */
  close(): Promise<void>;
}

/**
 * A bus that can also die abruptly, as a crashed process would: the connection goes away at once,
 * handlers in flight are abandoned and their late acks are ignored, so unacked jobs and durable
 * events are redelivered to other consumers after their ack deadline. Used by the conformance suite.
 */
export interface AbortableBus extends Bus {
  abort(): Promise<void>;
}

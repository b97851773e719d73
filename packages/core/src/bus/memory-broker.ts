import { MemoryConsumer, MemoryStream, type MemoryConsumerOptions } from './memory-stream.ts';
import { BusError } from './errors.ts';
import { subjectMatches } from './subject.ts';

/** A core (non-persistent) message inside the broker. */
export interface WireMessage {
  subject: string;
  payload: string;
  headers?: Record<string, string>;
  reply?: string;
}

export interface CoreSubscriber {
  pattern: string;
  queue?: string;
  deliver(m: WireMessage): void;
}

export interface MemoryBrokerOptions {
  /** JetStream's duplicate_window: a repeated event or job id inside it is dropped (default 2 minutes). */
  duplicateWindowMs?: number;
}

/**
 * The in-process stand-in for a NATS server with JetStream: core routing with queue groups, an event
 * stream (all runs) and a work-queue stream for jobs, and named durable consumers. Several MemoryBus
 * clients can share one broker, as processes share a server.
 */
export class MemoryBroker {
  readonly events: MemoryStream;
  readonly jobs: MemoryStream;
  private readonly subs = new Set<CoreSubscriber>();
  private readonly rr = new Map<string, number>();
  private readonly consumers = new Map<string, MemoryConsumer>();

  constructor(opts: MemoryBrokerOptions = {}) {
    const duplicateWindowMs = opts.duplicateWindowMs ?? 120_000;
    this.events = new MemoryStream({ retention: 'limits', duplicateWindowMs });
    this.jobs = new MemoryStream({ retention: 'workqueue', duplicateWindowMs });
  }

  subscribe(sub: CoreSubscriber): () => void {
    this.subs.add(sub);
    return () => this.subs.delete(sub);
  }

  /** Routes a message like nats-server: every plain subscriber, and one member per queue group. Returns the count. */
  route(m: WireMessage): number {
    let n = 0;
    const groups = new Map<string, CoreSubscriber[]>();
    for (const s of this.subs) {
      if (!subjectMatches(s.pattern, m.subject)) continue;
      if (s.queue === undefined) {
        s.deliver(m);
        n++;
      } else {
        const key = `${s.queue}\u0000${s.pattern}`;
        const list = groups.get(key);
        if (list) list.push(s);
        else groups.set(key, [s]);
      }
    }
    for (const [key, members] of groups) {
      const i = (this.rr.get(key) ?? 0) % members.length;
      this.rr.set(key, i + 1);
      members[i]!.deliver(m);
      n++;
    }
    return n;
  }

  /**
   * Gets or creates a named durable consumer (idempotent, as JetStream's consumer create is).
   * A later caller's ack wait and max deliver win, like a consumer update.
   */
  consumer(stream: MemoryStream, name: string, opts: Omit<MemoryConsumerOptions, 'startSeq'> & { fromStart: boolean }): MemoryConsumer {
    const found = this.consumers.get(name);
    if (found) {
      if (found.filter !== opts.filter) {
        throw new BusError('E_BUS_CONFIG', opts.filter, `durable consumer '${name}' already exists with filter '${found.filter}', not '${opts.filter}': use another durable name for another subject pattern`);
      }
      found.opts = { ...found.opts, ackWaitMs: opts.ackWaitMs, maxDeliver: opts.maxDeliver };
      return found;
    }
    const c = new MemoryConsumer(stream, {
      filter: opts.filter,
      ackWaitMs: opts.ackWaitMs,
      maxDeliver: opts.maxDeliver,
      startSeq: opts.fromStart ? 1 : stream.lastSeq + 1,
    });
    this.consumers.set(name, c);
    return c;
  }
}

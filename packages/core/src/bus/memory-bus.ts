import { newId, validateEvent } from '../events/make.ts';
import type { AnyEvent } from '../events/types.ts';
import { decodeJson, encodeJson } from './codec.ts';
import { BusError, ERROR_HEADER } from './errors.ts';
import { makeJob, runJobHandler } from './job.ts';
import { InFlight, Mailbox } from './mailbox.ts';
import { MemoryBroker, type WireMessage } from './memory-broker.ts';
import type { ConsumerMember, Delivery } from './memory-stream.ts';
import { errorReply, remoteError } from './reply.ts';
import { assertPattern, assertPublishSubject, assertToken, subjectMatches } from './subject.ts';
import {
  subjects,
  type AbortableBus,
  type BusMessage,
  type EventSubscribeOptions,
  type Handler,
  type Job,
  type JobConsumeOptions,
  type SubscribeOptions,
  type Subscription,
} from './types.ts';
import { consumerNames, DEFAULTS, type BusErrorSink, logBusError } from './defaults.ts';

export interface MemoryBusOptions {
  /** Share one broker between several buses to model several processes on one server. */
  broker?: MemoryBroker;
  /** Where handler failures go (they never reach the publisher); default: stderr. */
  onError?: BusErrorSink;
}

/** A subscription this bus holds: stopped gracefully by drain, dropped at once by abort. */
interface Held {
  stop(): Promise<void>;
  kill(): void;
}

/**
 * The in-process bus: no server, same semantics as NatsBus (JSON payloads, queue groups, durable
 * consumers with ack deadlines and redelivery, dedupe window, awaited drain). The embedded default.
 */
export class MemoryBus implements AbortableBus {
  readonly broker: MemoryBroker;
  private readonly onError: BusErrorSink;
  private readonly held = new Set<Held>();
  private closed = false;

  constructor(opts: MemoryBusOptions = {}) {
    this.broker = opts.broker ?? new MemoryBroker();
    this.onError = opts.onError ?? logBusError;
  }

  async publishEvent(event: AnyEvent): Promise<{ duplicate: boolean }> {
    this.assertOpen('publishEvent');
    assertToken('run id', String((event as { run?: unknown })?.run ?? ''));
    const subject = subjects.event(event.run, event.type);
    validateEvent(event, `event ${event.type} ${event.id} on ${subject}`);
    const { duplicate } = this.broker.events.append(subject, event.id, encodeJson(subject, event));
    return { duplicate };
  }

  async subscribeEvents(run: string, typePattern: string, handler: Handler<AnyEvent>, opts: EventSubscribeOptions = {}): Promise<Subscription> {
    this.assertOpen('subscribeEvents');
    assertToken('run id', run);
    const filter = subjects.event(run, typePattern);
    assertPattern(filter);
    const durable = opts.durable ?? opts.queue;
    const box = new Mailbox((err) => this.onError(err, `event handler on ${filter}`));
    const toMessage = (subject: string, payload: string): BusMessage<AnyEvent> => ({ subject, data: decodeJson<AnyEvent>(subject, payload) });

    if (durable === undefined) {
      const take = (m: { subject: string; payload: string }) => {
        if (subjectMatches(filter, m.subject)) box.push(() => handler(toMessage(m.subject, m.payload)));
      };
      if (opts.fromStart) for (const m of this.broker.events.from(1, filter)) take(m);
      const off = this.broker.events.onAppend(take);
      return this.hold(filter, {
        stop: async () => {
          off();
          await box.idle();
        },
        kill: () => {
          off();
          box.close();
        },
      });
    }

    assertToken('durable name', durable);
    const consumer = this.broker.consumer(this.broker.events, consumerNames.events(run, durable), {
      filter,
      ackWaitMs: opts.ackWaitMs ?? DEFAULTS.eventAckWaitMs,
      maxDeliver: Number.POSITIVE_INFINITY,
      fromStart: opts.fromStart ?? false,
    });
    let dead = false;
    // one event at a time, acked after its handler: in order, at least once
    const member: ConsumerMember = {
      capacity: 1,
      inFlight: 0,
      deliver: (d: Delivery) =>
        box.push(async () => {
          try {
            await handler(toMessage(d.message.subject, d.message.payload));
            if (!dead) d.ack();
          } catch (err) {
            this.onError(err, `event handler on ${filter}`);
            if (!dead) d.nak(DEFAULTS.retryDelayMs);
          }
        }),
    };
    const leave = consumer.join(member);
    return this.hold(filter, {
      stop: async () => {
        leave();
        await box.idle();
      },
      kill: () => {
        dead = true;
        leave();
        box.close();
      },
    });
  }

  async publish<T>(subject: string, data: T, headers?: Record<string, string>): Promise<void> {
    this.assertOpen('publish');
    assertPublishSubject(subject);
    this.broker.route({ subject, payload: encodeJson(subject, data), ...(headers ? { headers } : {}) });
  }

  async subscribe<T>(pattern: string, handler: Handler<T>, opts: SubscribeOptions = {}): Promise<Subscription> {
    this.assertOpen('subscribe');
    assertPattern(pattern);
    const box = new Mailbox((err) => this.onError(err, `handler on ${pattern}`));
    const off = this.broker.subscribe({
      pattern,
      ...(opts.queue !== undefined ? { queue: opts.queue } : {}),
      deliver: (m) =>
        box.push(() => handler({ subject: m.subject, data: decodeJson<T>(m.subject, m.payload), ...(m.headers ? { headers: { ...m.headers } } : {}) })),
    });
    return this.hold(pattern, {
      stop: async () => {
        off();
        await box.idle();
      },
      kill: () => {
        off();
        box.close();
      },
    });
  }

  async request<Q, R>(subject: string, data: Q, opts: { timeoutMs?: number } = {}): Promise<R> {
    this.assertOpen('request');
    assertPublishSubject(subject);
    const timeoutMs = opts.timeoutMs ?? DEFAULTS.requestTimeoutMs;
    const payload = encodeJson(subject, data);
    const inbox = `_INBOX.${newId()}`;
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new BusError('E_TIMEOUT', subject, `request on '${subject}' got no reply within ${timeoutMs} ms: the responder is slow or stuck; raise timeoutMs or check the responder`));
      }, timeoutMs);
      const off = this.broker.subscribe({
        pattern: inbox,
        deliver: (m: WireMessage) => {
          clearTimeout(timer);
          off();
          const code = m.headers?.[ERROR_HEADER];
          try {
            const body = decodeJson<unknown>(subject, m.payload);
            if (code) reject(remoteError(subject, code, body));
            else resolve(body as R);
          } catch (err) {
            reject(err);
          }
        },
      });
      if (this.broker.route({ subject, payload, reply: inbox }) === 0) {
        clearTimeout(timer);
        off();
        reject(new BusError('E_NO_RESPONDERS', subject, `no responder is subscribed to '${subject}': start the service that answers it (respond) before requesting`));
      }
    });
  }

  async respond<Q, R>(subject: string, handler: (data: Q) => Promise<R> | R, opts: SubscribeOptions = {}): Promise<Subscription> {
    this.assertOpen('respond');
    assertPattern(subject);
    const running = new InFlight();
    let dead = false;
    const answer = async (m: WireMessage) => {
      let reply: WireMessage;
      try {
        const result = await handler(decodeJson<Q>(m.subject, m.payload));
        reply = { subject: m.reply!, payload: encodeJson(m.subject, result) };
      } catch (err) {
        const e = errorReply(err);
        reply = { subject: m.reply!, payload: encodeJson(m.subject, e.body), headers: e.headers };
      }
      if (!dead) this.broker.route(reply);
    };
    const off = this.broker.subscribe({
      pattern: subject,
      ...(opts.queue !== undefined ? { queue: opts.queue } : {}),
      // requests are independent: answered concurrently, so one slow query does not hold up the rest
      deliver: (m) => {
        if (m.reply) running.track(Promise.resolve().then(() => answer(m))).catch((err) => this.onError(err, `responder on ${subject}`));
      },
    });
    return this.hold(subject, {
      stop: async () => {
        off();
        await running.settled();
      },
      kill: () => {
        dead = true;
        off();
      },
    });
  }

  async enqueueJob<T>(run: string, role: string, id: string, data: T): Promise<{ duplicate: boolean }> {
    this.assertOpen('enqueueJob');
    assertToken('run id', run);
    assertToken('role', role);
    const subject = subjects.job(run, role);
    if (!id) throw new BusError('E_BUS_PAYLOAD', subject, `job on '${subject}' has an empty id: give each job a stable id (it is the dedupe key)`);
    const { duplicate } = this.broker.jobs.append(subject, id, encodeJson(subject, data));
    return { duplicate };
  }

  async consumeJobs<T>(run: string, role: string, handler: (job: Job<T>) => Promise<void>, opts: JobConsumeOptions = {}): Promise<Subscription> {
    this.assertOpen('consumeJobs');
    assertToken('run id', run);
    assertToken('role', role);
    const subject = subjects.job(run, role);
    const consumer = this.broker.consumer(this.broker.jobs, consumerNames.jobs(run, role), {
      filter: subject,
      ackWaitMs: opts.ackWaitMs ?? DEFAULTS.jobAckWaitMs,
      maxDeliver: opts.maxDeliver ?? DEFAULTS.jobMaxDeliver,
      fromStart: true,
    });
    const retryDelayMs = opts.retryDelayMs ?? DEFAULTS.retryDelayMs;
    const running = new InFlight();
    let dead = false;
    const member: ConsumerMember = {
      capacity: Math.max(1, opts.concurrency ?? 1),
      inFlight: 0,
      deliver: (d: Delivery) => {
        const job = makeJob<T>(d.message.id, d.message.subject, decodeJson<T>(subject, d.message.payload), d.attempt, {
          // an aborted bus is a dead process: whatever its handlers still do is never heard by the broker
          ack: async () => void (dead || d.ack()),
          nak: async (ms) => void (dead || d.nak(ms)),
          term: async () => void (dead || d.term()),
          working: async () => void (dead || d.working()),
        });
        running.track(Promise.resolve().then(() => runJobHandler(job, handler, retryDelayMs, (err) => this.onError(err, `job handler on ${subject}`))));
      },
    };
    const leave = consumer.join(member);
    return this.hold(subject, {
      stop: async () => {
        leave();
        await running.settled();
      },
      kill: () => {
        dead = true;
        leave();
      },
    });
  }

  async drain(): Promise<void> {
    const all = [...this.held];
    this.held.clear();
    await Promise.all(all.map((h) => h.stop()));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.drain();
    this.closed = true;
  }

  async abort(): Promise<void> {
    this.closed = true;
    for (const h of this.held) h.kill();
    this.held.clear();
  }

  private hold(subject: string, h: Held): Subscription {
    this.held.add(h);
    return {
      subject,
      unsubscribe: async () => {
        if (!this.held.delete(h)) return;
        await h.stop();
      },
    };
  }

  private assertOpen(op: string): void {
    if (this.closed) throw new BusError('E_BUS_CLOSED', '', `${op}() on a closed MemoryBus: create a new bus (close() is final)`);
  }
}

import { readFileSync } from 'node:fs';
import { credsAuthenticator } from '@nats-io/nats-core';
import {
  DeliverPolicy,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type Consumer,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import {
  ClosedConnectionError,
  headers as natsHeaders,
  InvalidArgumentError,
  InvalidSubjectError,
  RequestError,
  TimeoutError,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
} from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { validateEvent } from '../events/make.ts';
import type { AnyEvent } from '../events/types.ts';
import { decodeJson, encodeJsonBytes } from './codec.ts';
import { consumerNames, DEFAULTS, logBusError, type BusErrorSink } from './defaults.ts';
import { BusError, ERROR_HEADER } from './errors.ts';
import { makeJob, runJobHandler } from './job.ts';
import { InFlight } from './mailbox.ts';
import { DEFAULT_STREAMS, ensureDurable, ensureStream, streamConfigs, type StreamNames } from './nats-setup.ts';
import { errorReply, remoteError } from './reply.ts';
import { assertPattern, assertPublishSubject, assertToken } from './subject.ts';
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

export interface NatsBusOptions {
  /** nats://host:port (or several). */
  servers: string | string[];
  /** Connection name shown by the server (e.g. 'trainer@gpu-2'). */
  name?: string;
  /** Credentials, when the server requires them (see deploy/nats/nats-server.conf): user and password, a token, or a .creds file. */
  user?: string;
  pass?: string;
  token?: string;
  credsFile?: string;
  /** Stream storage; 'file' (default) survives server restarts. */
  storage?: 'file' | 'memory';
  /** A repeated event or job id within this window is dropped by the server (default 2 minutes). */
  duplicateWindowMs?: number;
  /** How long publishEvent / enqueueJob keep retrying through a disconnect before failing (default 60 s). */
  publishRetryMs?: number;
  /** Wait for the JetStream acknowledgement of one publish attempt (default 5 s). */
  publishTimeoutMs?: number;
  streams?: StreamNames;
  onError?: BusErrorSink;
}

interface Held {
  stop(): Promise<void>;
}

const MSG_ID = 'Nats-Msg-Id';

/**
 * The bus over NATS: events in a JetStream stream deduplicated by event id, jobs in a work-queue
 * stream with a durable consumer per run and role, queries as core request/reply.
 * The connection reconnects forever; publishes retry with the same message id until acknowledged.
 */
export class NatsBus implements AbortableBus {
  private readonly held = new Set<Held>();
  private readonly publishing = new InFlight();
  private closed = false;
  private readonly onError: BusErrorSink;
  private readonly publishRetryMs: number;
  private readonly publishTimeoutMs: number;

  private constructor(
    readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly streams: StreamNames,
    opts: NatsBusOptions,
  ) {
    this.onError = opts.onError ?? logBusError;
    this.publishRetryMs = opts.publishRetryMs ?? 60_000;
    this.publishTimeoutMs = opts.publishTimeoutMs ?? 5_000;
  }

  /** Connects and creates the streams if they do not exist yet (idempotent). */
  static async connect(opts: NatsBusOptions): Promise<NatsBus> {
    const servers = opts.servers;
    let nc: NatsConnection;
    try {
      nc = await connect({
        servers,
        ...(opts.name ? { name: opts.name } : {}),
        ...(opts.user ? { user: opts.user, pass: opts.pass ?? '' } : {}),
        ...(opts.token ? { token: opts.token } : {}),
        ...(opts.credsFile ? { authenticator: credsAuthenticator(readFileSync(opts.credsFile)) } : {}),
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
      });
    } catch (err) {
      throw new BusError('E_BUS_CONNECT', '', `cannot connect to NATS at ${String(servers)}: ${(err as Error).message}. Is nats-server running with -js?`, { cause: err });
    }
    try {
      const jsm = await jetstreamManager(nc);
      const streams = opts.streams ?? DEFAULT_STREAMS;
      for (const cfg of streamConfigs(streams, { storage: opts.storage ?? 'file', duplicateWindowMs: opts.duplicateWindowMs ?? 120_000 })) {
        await ensureStream(jsm, cfg);
      }
      return new NatsBus(nc, jetstream(nc), jsm, streams, opts);
    } catch (err) {
      await nc.close().catch(() => undefined);
      if (err instanceof BusError) throw err;
      throw new BusError('E_BUS_CONNECT', '', `NATS at ${String(servers)} has no usable JetStream: ${(err as Error).message}. Start nats-server with -js`, { cause: err });
    }
  }

  async publishEvent(event: AnyEvent): Promise<{ duplicate: boolean }> {
    this.assertOpen('publishEvent');
    assertToken('run id', String((event as { run?: unknown })?.run ?? ''));
    const subject = subjects.event(event.run, event.type);
    validateEvent(event, `event ${event.type} ${event.id} on ${subject}`);
    return this.publishDurable(subject, event.id, encodeJsonBytes(subject, event));
  }

  async subscribeEvents(run: string, typePattern: string, handler: Handler<AnyEvent>, opts: EventSubscribeOptions = {}): Promise<Subscription> {
    this.assertOpen('subscribeEvents');
    assertToken('run id', run);
    const filter = subjects.event(run, typePattern);
    assertPattern(filter);
    const durable = opts.durable ?? opts.queue;
    const where = `event handler on ${filter}`;
    const toMessage = (m: JsMsg): BusMessage<AnyEvent> => ({ subject: m.subject, data: decodeJson<AnyEvent>(m.subject, m.data) });

    if (durable === undefined) {
      // ordered consumer: in order, recreated by the client after a reconnect from the last seen seq
      const start = opts.fromStart
        ? { deliver_policy: DeliverPolicy.All }
        : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: (await this.jsm.streams.info(this.streams.events)).state.last_seq + 1 };
      const consumer = await this.js.consumers.get(this.streams.events, { filter_subjects: filter, ...start });
      const messages = await consumer.consume({ max_messages: 256, expires: 5_000 });
      let stopping = false;
      const loop = (async () => {
        for await (const m of messages) {
          if (stopping) continue;
          try {
            await handler(toMessage(m));
          } catch (err) {
            this.onError(err, where);
          }
        }
      })();
      return this.hold(filter, async () => {
        stopping = true;
        messages.stop();
        await loop;
      });
    }

    assertToken('durable name', durable);
    const name = consumerNames.events(run, durable);
    await ensureDurable(this.jsm, {
      stream: this.streams.events,
      name,
      filter,
      ackWaitMs: opts.ackWaitMs ?? DEFAULTS.eventAckWaitMs,
      maxDeliver: Number.POSITIVE_INFINITY,
      fromStart: opts.fromStart ?? false,
    });
    const consumer = await this.js.consumers.get(this.streams.events, name);
    // one event at a time, acked after its handler: in stream order, at least once
    const puller = this.pullLoop(consumer, where, () => 64, async (m) => {
      try {
        await handler(toMessage(m));
        m.ack();
      } catch (err) {
        this.onError(err, where);
        m.nak(DEFAULTS.retryDelayMs);
      }
    });
    return this.hold(filter, () => puller.stop());
  }

  async publish<T>(subject: string, data: T, headers?: Record<string, string>): Promise<void> {
    this.assertOpen('publish');
    assertPublishSubject(subject);
    this.nc.publish(subject, encodeJsonBytes(subject, data), headers ? { headers: toHeaders(headers) } : undefined);
  }

  async subscribe<T>(pattern: string, handler: Handler<T>, opts: SubscribeOptions = {}): Promise<Subscription> {
    this.assertOpen('subscribe');
    assertPattern(pattern);
    const sub = this.nc.subscribe(pattern, opts.queue !== undefined ? { queue: opts.queue } : {});
    const loop = (async () => {
      for await (const m of sub) {
        try {
          await handler({ subject: m.subject, data: decodeJson<T>(m.subject, m.data), ...(m.headers ? { headers: fromHeaders(m.headers) } : {}) });
        } catch (err) {
          this.onError(err, `handler on ${pattern}`);
        }
      }
    })();
    // the server knows the subscription once flush returns: a publish after this is seen
    await this.nc.flush();
    return this.hold(pattern, async () => {
      if (!sub.isClosed()) await sub.drain().catch(() => undefined);
      await loop;
    });
  }

  async request<Q, R>(subject: string, data: Q, opts: { timeoutMs?: number } = {}): Promise<R> {
    this.assertOpen('request');
    assertPublishSubject(subject);
    const timeoutMs = opts.timeoutMs ?? DEFAULTS.requestTimeoutMs;
    let reply: Msg;
    try {
      reply = await this.nc.request(subject, encodeJsonBytes(subject, data), { timeout: timeoutMs });
    } catch (err) {
      if (err instanceof TimeoutError) {
        throw new BusError('E_TIMEOUT', subject, `request on '${subject}' got no reply within ${timeoutMs} ms: the responder is slow or stuck; raise timeoutMs or check the responder`, { cause: err });
      }
      if (err instanceof RequestError && err.isNoResponders()) {
        throw new BusError('E_NO_RESPONDERS', subject, `no responder is subscribed to '${subject}': start the service that answers it (respond) before requesting`, { cause: err });
      }
      throw new BusError('E_BUS_CONNECT', subject, `request on '${subject}' failed: ${(err as Error).message}`, { cause: err });
    }
    const code = reply.headers?.get(ERROR_HEADER);
    const body = decodeJson<unknown>(subject, reply.data);
    if (code) throw remoteError(subject, code, body);
    return body as R;
  }

  async respond<Q, R>(subject: string, handler: (data: Q) => Promise<R> | R, opts: SubscribeOptions = {}): Promise<Subscription> {
    this.assertOpen('respond');
    assertPattern(subject);
    const running = new InFlight();
    const answer = async (m: Msg) => {
      try {
        const result = await handler(decodeJson<Q>(m.subject, m.data));
        m.respond(encodeJsonBytes(m.subject, result));
      } catch (err) {
        const e = errorReply(err);
        m.respond(encodeJsonBytes(m.subject, e.body), { headers: toHeaders(e.headers) });
      }
    };
    // requests are independent: answered concurrently, so one slow query does not hold up the rest
    const sub = this.nc.subscribe(subject, {
      ...(opts.queue !== undefined ? { queue: opts.queue } : {}),
      callback: (err, m) => {
        if (err) return this.onError(err, `responder on ${subject}`);
        if (m.reply) running.track(answer(m)).catch((e: unknown) => this.onError(e, `responder on ${subject}`));
      },
    });
    await this.nc.flush();
    return this.hold(subject, async () => {
      if (!sub.isClosed()) await sub.drain().catch(() => undefined);
      await running.settled();
    });
  }

  async enqueueJob<T>(run: string, role: string, id: string, data: T): Promise<{ duplicate: boolean }> {
    this.assertOpen('enqueueJob');
    assertToken('run id', run);
    assertToken('role', role);
    const subject = subjects.job(run, role);
    if (!id) throw new BusError('E_BUS_PAYLOAD', subject, `job on '${subject}' has an empty id: give each job a stable id (it is the dedupe key)`);
    return this.publishDurable(subject, id, encodeJsonBytes(subject, data));
  }

  async consumeJobs<T>(run: string, role: string, handler: (job: Job<T>) => Promise<void>, opts: JobConsumeOptions = {}): Promise<Subscription> {
    this.assertOpen('consumeJobs');
    assertToken('run id', run);
    assertToken('role', role);
    const subject = subjects.job(run, role);
    const name = consumerNames.jobs(run, role);
    await ensureDurable(this.jsm, {
      stream: this.streams.jobs,
      name,
      filter: subject,
      ackWaitMs: opts.ackWaitMs ?? DEFAULTS.jobAckWaitMs,
      maxDeliver: opts.maxDeliver ?? DEFAULTS.jobMaxDeliver,
      fromStart: true,
    });
    const consumer = await this.js.consumers.get(this.streams.jobs, name);
    const capacity = Math.max(1, opts.concurrency ?? 1);
    const retryDelayMs = opts.retryDelayMs ?? DEFAULTS.retryDelayMs;
    const running = new InFlight();
    const where = `job handler on ${subject}`;
    // Pull only as many jobs as there are free slots: a job never waits in a local buffer while its
    // ack deadline runs, so a busy worker does not cause redeliveries to idle ones.
    const puller = this.pullLoop(consumer, where, () => capacity - running.size, (m) => {
      const id = m.headers?.get(MSG_ID) || `${subject}#${m.seq}`;
      const job = makeJob<T>(id, m.subject, decodeJson<T>(subject, m.data), m.info.deliveryCount, {
        // ackAck: the job counts as done only once the server has the ack
        ack: async () => void (await m.ackAck()),
        nak: async (ms) => m.nak(ms),
        term: async (reason) => m.term(reason),
        working: async () => m.working(),
      });
      running.track(runJobHandler(job, handler, retryDelayMs, (err) => this.onError(err, where))).finally(puller.wake);
    });
    return this.hold(subject, async () => {
      await puller.stop();
      await running.settled();
    });
  }

  /**
   * Pulls from a durable consumer in short fetches (1 s expiry) of up to `room()` messages. Stopping lets
   * the current fetch run out and naks whatever still arrives for it: a pull request cannot be withdrawn,
   * and a message delivered to an abandoned pull would otherwise wait a whole ack wait before redelivery.
   * Disconnects end a fetch with an error; the loop retries, so pulls resume after a reconnect.
   */
  private pullLoop(consumer: Consumer, where: string, room: () => number, take: (m: JsMsg) => void | Promise<void>): { stop(): Promise<void>; wake: () => void } {
    let stopping = false;
    let wakeUp: () => void = () => undefined;
    const wake = () => wakeUp();
    const loop = (async () => {
      while (!stopping) {
        const n = room();
        if (n <= 0) {
          await new Promise<void>((r) => (wakeUp = r));
          continue;
        }
        try {
          const batch = await consumer.fetch({ max_messages: n, expires: 1_000 });
          for await (const m of batch) {
            if (stopping) m.nak();
            else await take(m);
          }
        } catch (err) {
          if (stopping || this.nc.isClosed()) break;
          this.onError(err, `${where} (pull; retrying)`);
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    })();
    return {
      wake,
      stop: async () => {
        stopping = true;
        wake();
        await loop;
      },
    };
  }

  async drain(): Promise<void> {
    const all = [...this.held];
    this.held.clear();
    await Promise.all(all.map((h) => h.stop()));
    await this.publishing.settled();
    if (!this.nc.isClosed()) await this.nc.flush();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.drain();
    this.closed = true;
    if (!this.nc.isClosed()) await this.nc.drain();
  }

  /** Drops the connection at once, as a crashed process would: nothing in flight is acked. */
  async abort(): Promise<void> {
    this.closed = true;
    this.held.clear();
    await this.nc.close();
  }

  /** JetStream publish with a message id; retried through disconnects (the id makes retries safe). */
  private publishDurable(subject: string, msgID: string, payload: Uint8Array): Promise<{ duplicate: boolean }> {
    const attempt = async (): Promise<{ duplicate: boolean }> => {
      const deadline = Date.now() + this.publishRetryMs;
      for (let tries = 1; ; tries++) {
        try {
          const ack = await this.js.publish(subject, payload, { msgID, timeout: this.publishTimeoutMs });
          // after a retry, "duplicate" may be our own earlier attempt that was stored but whose ack was lost
          return { duplicate: tries === 1 ? ack.duplicate : false };
        } catch (err) {
          const permanent = err instanceof JetStreamApiError || err instanceof InvalidSubjectError || err instanceof InvalidArgumentError || err instanceof ClosedConnectionError;
          if (permanent || Date.now() > deadline || this.nc.isClosed()) {
            throw new BusError('E_PUBLISH_FAILED', subject, `JetStream publish of ${msgID} on '${subject}' failed after ${tries} attempt(s): ${(err as Error).message}. Check that nats-server is up with -js and the stream captures the subject`, { cause: err });
          }
          await new Promise((r) => setTimeout(r, Math.min(1_000, 50 * tries)));
        }
      }
    };
    return this.publishing.track(attempt());
  }

  private hold(subject: string, stop: () => Promise<void>): Subscription {
    const h: Held = { stop };
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
    if (this.closed || this.nc.isClosed()) throw new BusError('E_BUS_CLOSED', '', `${op}() on a closed NatsBus: connect a new one (close() is final)`);
  }
}

function toHeaders(h: Record<string, string>): MsgHdrs {
  const out = natsHeaders();
  for (const [k, v] of Object.entries(h)) out.set(k, v);
  return out;
}

function fromHeaders(h: MsgHdrs): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of h.keys()) out[k] = h.get(k);
  return out;
}

import {
  applyEvent,
  DataMasterError,
  errorInfo,
  replay,
  subjects,
  validateEvent,
  type AnyEvent,
  type Bus,
  type EventLog,
  type Logger,
  type RunState,
  type StoredEvent,
  type Subscription,
} from '@datamaster/core';

export interface StateQuery {
  /** Answer only once these event ids are in the log (bounded by timeoutMs). */
  waitFor?: string[];
  timeoutMs?: number;
}

export interface EventsQuery {
  from?: number;
  limit?: number;
}

export const QUERIES = ['state', 'tree', 'pool', 'memory', 'events'] as const;

export interface RecorderOptions {
  bus: Bus;
  log: EventLog;
  logger: Logger;
  /** Called after each newly stored event has been folded (progress output, tests). */
  onRecorded?: (event: StoredEvent, state: RunState) => void;
}

/**
 * The one writer of a run's log. It persists every event from the bus exactly once (the log dedupes by id), folds
 * each stored event into the live RunState, and answers queries over request/reply:
 * dm.<run>.q.state | tree | pool | memory | events.
 */
export class Recorder {
  private state!: RunState;
  private readonly subs: Subscription[] = [];
  private readonly waiters = new Map<string, (() => void)[]>();
  private chain: Promise<unknown> = Promise.resolve();
  readonly run: string;

  private constructor(private readonly opts: RecorderOptions) {
    this.run = opts.log.run;
  }

  static async start(opts: RecorderOptions): Promise<Recorder> {
    const r = new Recorder(opts);
    r.state = await replay(opts.log);
    const { bus } = opts;
    r.subs.push(
      await bus.subscribeEvents(r.run, '>', (msg) => r.record(msg.data), { durable: 'recorder', fromStart: true }),
      await bus.respond<StateQuery, RunState>(subjects.query(r.run, 'state'), (q) => r.answerState(q ?? {})),
      await bus.respond<StateQuery, RunState['tree']>(subjects.query(r.run, 'tree'), async (q) => (await r.answerState(q ?? {})).tree),
      await bus.respond<StateQuery, RunState['pool']>(subjects.query(r.run, 'pool'), async (q) => (await r.answerState(q ?? {})).pool),
      await bus.respond<StateQuery, RunState['memory']>(subjects.query(r.run, 'memory'), async (q) => (await r.answerState(q ?? {})).memory),
      await bus.respond<EventsQuery, StoredEvent[]>(subjects.query(r.run, 'events'), (q) => r.answerEvents(q ?? {})),
    );
    return r;
  }

  /** The live state: the fold of every stored event so far. */
  current(): RunState {
    return this.state;
  }

  /** Appends (idempotently) and folds. Appends are chained so the fold follows the log's order. */
  record(event: AnyEvent): Promise<void> {
    const next = this.chain.then(async () => {
      let checked: AnyEvent;
      try {
        checked = validateEvent(event, `event on ${event?.type ? `dm.${this.run}.evt.${event.type}` : 'the bus'}`);
      } catch (err) {
        this.opts.logger.error(`recorder: rejected ${errorInfo(err).message}`);
        return;
      }
      if (checked.run !== this.run) {
        this.opts.logger.error(`recorder: rejected event ${checked.id} of run '${checked.run}' on run '${this.run}'`);
        return;
      }
      const { events, written } = await this.opts.log.append(checked);
      const stored = events[0];
      if (written && stored) {
        this.state = applyEvent(this.state, stored);
        this.opts.onRecorded?.(stored, this.state);
      }
      const ws = this.waiters.get(checked.id);
      if (ws) {
        this.waiters.delete(checked.id);
        for (const w of ws) w();
      }
    });
    this.chain = next.catch((err) => this.opts.logger.error(`recorder: ${errorInfo(err).message}`));
    return next;
  }

  private async answerState(q: StateQuery): Promise<RunState> {
    const ids = q.waitFor ?? [];
    if (ids.length) {
      const timeoutMs = q.timeoutMs ?? 10_000;
      await Promise.all(ids.map((id) => this.waitFor(id, timeoutMs)));
    }
    return this.state;
  }

  private async waitFor(id: string, timeoutMs: number): Promise<void> {
    // Register first, then look in the log: an event stored between the two steps still wakes the waiter.
    let done!: () => void;
    const arrived = new Promise<void>((resolve) => (done = resolve));
    const list = this.waiters.get(id) ?? [];
    list.push(done);
    this.waiters.set(id, list);
    if ((await this.opts.log.seqOf(id)) !== undefined) done();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DataMasterError('E_TIMEOUT', `recorder: event ${id} not recorded within ${timeoutMs} ms on run ${this.run}`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([arrived, expired]);
    } finally {
      clearTimeout(timer);
      const rest = this.waiters.get(id)?.filter((w) => w !== done) ?? [];
      if (rest.length) this.waiters.set(id, rest);
      else this.waiters.delete(id);
    }
  }

  private async answerEvents(q: EventsQuery): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    for await (const e of this.opts.log.read({ from: q.from ?? 1, limit: Math.min(q.limit ?? 1000, 10_000) })) out.push(e);
    return out;
  }

  /** Stops taking events and waits until every received event is stored. The log stays open (its owner closes it). */
  async stop(): Promise<void> {
    await Promise.all(this.subs.splice(0).map((s) => s.unsubscribe().catch(() => undefined)));
    await this.chain;
  }
}

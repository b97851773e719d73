import { createActor, fromPromise, type Actor } from 'xstate';
import { DataMasterError, errorInfo, type AnyEvent, type Bus, type Logger, type Subscription } from '@datamaster/core';
import type { WorkerEmitted, WorkerInput, WorkerMachine, WorkInput } from './worker-machine.ts';

export type Outcome<Result> =
  | { status: 'done'; result: Result; attempts: number }
  | { status: 'failed'; error: { code: string; message: string }; attempts: number }
  | { status: 'cancelled' };

export interface ActorHostOptions<Item, Result> {
  /** Role name: the `actor` field of what it publishes. */
  name: string;
  bus: Bus;
  machine: WorkerMachine<Item, Result>;
  /** The effect: runs one attempt. `signal` aborts when the attempt times out or is cancelled. */
  work: (input: WorkInput<Item> & { signal: AbortSignal }) => Promise<Result>;
  /** Events to publish when an item is done / has failed every attempt. */
  onDone: (item: Item, result: Result, attempts: number) => AnyEvent[];
  onFailed: (item: Item, error: { code: string; message: string }, attempts: number) => AnyEvent[];
  concurrency?: number;
  retry?: Partial<WorkerInput>;
  logger: Logger;
}

/** What a subscription needs from a host: the bind helpers take this, whatever the result type. */
export interface WorkSink<Item> {
  readonly name: string;
  handle(item: Item): Promise<{ status: string }>;
  spawn(item: Item): void;
  track(sub: Subscription): void;
}

interface Slot<Item, Result> {
  actor: Actor<WorkerMachine<Item, Result>>;
  busy: boolean;
}

/**
 * Runs a worker machine on a bus: each of `concurrency` slots is one started actor; `handle(item)` waits for a free
 * slot, sends WORK, waits for the machine's verdict, publishes the resulting events (validated by the bus before
 * they leave) and frees the slot. `drain()` stops taking work and waits for what is in flight.
 */
export class ActorHost<Item, Result> implements WorkSink<Item> {
  private readonly slots: Slot<Item, Result>[] = [];
  private readonly waiting: ((slot: Slot<Item, Result>) => void)[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly subs: Subscription[] = [];
  private draining = false;
  readonly name: string;

  constructor(private readonly opts: ActorHostOptions<Item, Result>) {
    this.name = opts.name;
    const input: WorkerInput = { maxAttempts: 3, timeoutMs: 120_000, backoffMs: 200, ...opts.retry };
    // fromPromise passes an AbortSignal that fires when the invoking state is left (timeout, cancel).
    const machine = opts.machine.provide({ actors: { work: fromWork(opts.work) } } as never);
    for (let i = 0; i < Math.max(1, opts.concurrency ?? 1); i++) {
      const actor = createActor(machine as WorkerMachine<Item, Result>, { input });
      actor.start();
      this.slots.push({ actor, busy: false });
    }
  }

  /** Items being worked on now. */
  get busy(): number {
    return this.slots.filter((s) => s.busy).length;
  }

  /** Works one item to its end and publishes the outcome. Never throws for a failing item. */
  handle(item: Item): Promise<Outcome<Result>> {
    if (this.draining) return Promise.reject(new DataMasterError('E_DRAINING', `${this.name}: draining, not taking new work`));
    const p = this.run(item);
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
    return p;
  }

  /** Like handle, without waiting: for event-driven work that must not block the subscription. */
  spawn(item: Item): void {
    this.handle(item).catch((err) => this.opts.logger.warn(`${this.name}: ${errorInfo(err).message}`));
  }

  /** Remembers a subscription so drain() can close it first. */
  track(sub: Subscription): void {
    this.subs.push(sub);
  }

  private async run(item: Item): Promise<Outcome<Result>> {
    const slot = await this.acquire();
    try {
      const outcome = await new Promise<Outcome<Result>>((resolve) => {
        const subs = [
          slot.actor.on('done', (e: Extract<WorkerEmitted<Item, Result>, { type: 'done' }>) => finish({ status: 'done', result: e.result, attempts: e.attempts })),
          slot.actor.on('failed', (e: Extract<WorkerEmitted<Item, Result>, { type: 'failed' }>) => finish({ status: 'failed', error: e.error, attempts: e.attempts })),
          slot.actor.on('cancelled', () => finish({ status: 'cancelled' })),
        ];
        function finish(o: Outcome<Result>) {
          for (const s of subs) s.unsubscribe();
          resolve(o);
        }
        slot.actor.send({ type: 'WORK', item });
      });
      const events =
        outcome.status === 'done'
          ? this.opts.onDone(item, outcome.result, outcome.attempts)
          : outcome.status === 'failed'
            ? this.opts.onFailed(item, outcome.error, outcome.attempts)
            : [];
      if (outcome.status === 'failed') this.opts.logger.warn(`${this.name}: failed after ${outcome.attempts} attempt(s): ${outcome.error.message}`);
      for (const e of events) {
        try {
          await this.opts.bus.publishEvent(e);
        } catch (err) {
          // An event that fails its schema never leaves; the agent keeps running.
          this.opts.logger.error(`${this.name}: refused to publish ${e.type}: ${errorInfo(err).message}`);
        }
      }
      return outcome;
    } finally {
      this.release(slot);
    }
  }

  private acquire(): Promise<Slot<Item, Result>> {
    const free = this.slots.find((s) => !s.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot<Item, Result>): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  }

  /** Cancels the work in progress (the attempt's AbortSignal fires). */
  cancelAll(): void {
    for (const s of this.slots) if (s.busy) s.actor.send({ type: 'CANCEL' });
  }

  /** Stops subscriptions, waits for work in flight, stops the actors. */
  async drain(): Promise<void> {
    this.draining = true;
    await Promise.all(this.subs.splice(0).map((s) => s.unsubscribe().catch(() => undefined)));
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
    for (const s of this.slots) s.actor.stop();
  }
}

function fromWork<Item, Result>(work: (input: WorkInput<Item> & { signal: AbortSignal }) => Promise<Result>) {
  return fromPromise<Result, WorkInput<Item>>(({ input, signal }) => work({ ...input, signal }));
}

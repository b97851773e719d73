/**
 * Runs handlers one after another in arrival order (per subscription ordering), and can be awaited
 * until everything pushed so far has run: that is what drain waits on.
 */
export class Mailbox {
  private queue: Array<() => void | Promise<void>> = [];
  private head = 0;
  private running: Promise<void> | undefined;
  private open = true;

  constructor(private readonly onError: (err: unknown) => void) {}

  push(task: () => void | Promise<void>): void {
    if (!this.open) return;
    this.queue.push(task);
    // start on a later tick: a handler never runs inside the publish call that routed its message
    this.running ??= Promise.resolve().then(() => this.run());
  }

  /** Resolves when every task pushed so far has finished. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /** Drops tasks not started yet (an aborted subscriber); a task already running is abandoned. */
  close(): void {
    this.open = false;
    this.queue = [];
    this.head = 0;
  }

  private async run(): Promise<void> {
    while (this.open && this.head < this.queue.length) {
      const task = this.queue[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      try {
        const r = task();
        // only a handler that returns a promise costs a turn of the event loop
        if (r && typeof (r as Promise<void>).then === 'function') await r;
      } catch (err) {
        this.onError(err);
      }
    }
    this.queue = [];
    this.head = 0;
    this.running = undefined;
  }
}

/** Tracks promises in flight so a stop can await them all (concurrent handlers, pending publishes). */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  track<T>(p: Promise<T>): Promise<T> {
    this.running.add(p);
    const done = () => this.running.delete(p);
    p.then(done, done);
    return p;
  }

  get size(): number {
    return this.running.size;
  }

  /** Waits until nothing is in flight, including work started while waiting. */
  async settled(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}

/**
 * Runs handlers one after another in arrival order (per subscription ordering), and can be awaited
 * until everything pushed so far has run: that is what drain waits on.
 */
export class Mailbox {
  private tail: Promise<void> = Promise.resolve();
  private open = true;

  constructor(private readonly onError: (err: unknown) => void) {}

  push(task: () => void | Promise<void>): void {
    if (!this.open) return;
    this.tail = this.tail.then(() => (this.open ? task() : undefined)).catch(this.onError);
  }

  /** Resolves when every task pushed so far has finished. */
  idle(): Promise<void> {
    return this.tail;
  }

  /** Drops tasks not started yet (an aborted subscriber); a task already running is abandoned. */
  close(): void {
    this.open = false;
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

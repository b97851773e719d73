import { subjectMatches } from './subject.ts';

/** One stored message of a MemoryStream (payload kept as JSON text: each delivery parses its own copy). */
export interface StoredMessage {
  seq: number;
  subject: string;
  id: string;
  payload: string;
}

export interface MemoryStreamOptions {
  /** 'workqueue': a message is removed once acked or terminated (like a JetStream WorkQueue stream). */
  retention: 'limits' | 'workqueue';
  /** Same id within this window is a duplicate (JetStream's duplicate_window, default 2 minutes). */
  duplicateWindowMs: number;
}

/** An in-process JetStream-like stream: ordered by seq, deduplicated by message id within a window. */
export class MemoryStream {
  readonly messages = new Map<number, StoredMessage>();
  lastSeq = 0;
  private readonly seen = new Map<string, number>();
  private readonly listeners = new Set<(m: StoredMessage) => void>();

  constructor(readonly opts: MemoryStreamOptions) {}

  append(subject: string, id: string, payload: string, now = Date.now()): { seq: number; duplicate: boolean } {
    this.forgetOlderThan(now - this.opts.duplicateWindowMs);
    const prior = this.seen.get(id);
    if (prior !== undefined) return { seq: 0, duplicate: true };
    const m: StoredMessage = { seq: ++this.lastSeq, subject, id, payload };
    this.messages.set(m.seq, m);
    this.seen.set(id, now);
    for (const l of this.listeners) l(m);
    return { seq: m.seq, duplicate: false };
  }

  /** Messages at or after `fromSeq` whose subject matches `filter`, in order. */
  *from(fromSeq: number, filter: string): Generator<StoredMessage> {
    for (let s = Math.max(1, fromSeq); s <= this.lastSeq; s++) {
      const m = this.messages.get(s);
      if (m && subjectMatches(filter, m.subject)) yield m;
    }
  }

  remove(seq: number): void {
    if (this.opts.retention === 'workqueue') this.messages.delete(seq);
  }

  onAppend(listener: (m: StoredMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private forgetOlderThan(cutoff: number): void {
    // Map keeps insertion order, which is time order here: stop at the first id still inside the window
    for (const [id, at] of this.seen) {
      if (at >= cutoff) break;
      this.seen.delete(id);
    }
  }
}

/** One delivery handed to a consumer member. Settling a stale delivery (already redelivered) is a no-op. */
export interface Delivery {
  message: StoredMessage;
  attempt: number;
  ack(): void;
  nak(delayMs: number): void;
  term(): void;
  working(): void;
}

export interface ConsumerMember {
  /** How many unsettled deliveries this member takes at once. */
  capacity: number;
  inFlight: number;
  deliver(d: Delivery): void;
}

export interface MemoryConsumerOptions {
  filter: string;
  ackWaitMs: number;
  maxDeliver: number;
  /** First sequence to deliver. */
  startSeq: number;
}

interface Pending {
  token: number;
  timer: NodeJS.Timeout | undefined;
  member: ConsumerMember;
}

/**
 * A durable, explicit-ack consumer over a MemoryStream, shared by any number of members (round-robin),
 * mirroring a JetStream pull consumer: ack deadline, redelivery first, nak with delay, maxDeliver, term.
 */
export class MemoryConsumer {
  private cursor: number;
  private readonly ready: number[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly attempts = new Map<number, number>();
  private readonly members: ConsumerMember[] = [];
  private nextMember = 0;
  private tokens = 0;
  private pumping = false;
  private readonly unlisten: () => void;

  constructor(private readonly stream: MemoryStream, public opts: MemoryConsumerOptions) {
    this.cursor = opts.startSeq;
    this.unlisten = stream.onAppend(() => this.pump());
  }

  get filter(): string {
    return this.opts.filter;
  }

  join(member: ConsumerMember): () => void {
    this.members.push(member);
    queueMicrotask(() => this.pump());
    return () => {
      const i = this.members.indexOf(member);
      if (i >= 0) this.members.splice(i, 1);
    };
  }

  dispose(): void {
    this.unlisten();
    for (const p of this.pending.values()) clearTimeout(p.timer);
  }

  /** Hands out messages while some member has room: redeliveries first, then new messages in order. */
  pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const member = this.freeMember();
        if (!member) return;
        const seq = this.take();
        if (seq === undefined) return;
        this.deliver(seq, member);
      }
    } finally {
      this.pumping = false;
    }
  }

  private freeMember(): ConsumerMember | undefined {
    for (let k = 0; k < this.members.length; k++) {
      const i = (this.nextMember + k) % this.members.length;
      const m = this.members[i]!;
      if (m.inFlight < m.capacity) {
        this.nextMember = i + 1;
        return m;
      }
    }
    return undefined;
  }

  private take(): number | undefined {
    while (this.ready.length) {
      const seq = this.ready.shift()!;
      if (this.stream.messages.has(seq) && !this.pending.has(seq)) return seq;
    }
    while (this.cursor <= this.stream.lastSeq) {
      const seq = this.cursor++;
      const m = this.stream.messages.get(seq);
      if (m && !this.pending.has(seq) && subjectMatches(this.opts.filter, m.subject)) return seq;
    }
    return undefined;
  }

  private deliver(seq: number, member: ConsumerMember): void {
    const message = this.stream.messages.get(seq)!;
    const attempt = (this.attempts.get(seq) ?? 0) + 1;
    this.attempts.set(seq, attempt);
    const token = ++this.tokens;
    const p: Pending = { token, timer: undefined, member };
    this.pending.set(seq, p);
    member.inFlight++;
    const current = () => this.pending.get(seq)?.token === token;
    const arm = () => {
      clearTimeout(p.timer);
      p.timer = setTimeout(() => current() && this.release(seq, 0), this.opts.ackWaitMs);
      p.timer.unref();
    };
    arm();
    member.deliver({
      message,
      attempt,
      ack: () => current() && this.settle(seq, true),
      term: () => current() && this.settle(seq, true),
      nak: (delayMs) => current() && this.release(seq, delayMs),
      working: () => current() && arm(),
    });
  }

  /** Done with a message for good (acked or terminated). */
  private settle(seq: number, remove: boolean): void {
    this.finish(seq);
    this.attempts.delete(seq);
    if (remove) this.stream.remove(seq);
    this.pump();
  }

  /** Back to the ready queue (after `delayMs`), unless it has been delivered maxDeliver times. */
  private release(seq: number, delayMs: number): void {
    this.finish(seq);
    if ((this.attempts.get(seq) ?? 0) >= this.opts.maxDeliver) {
      this.attempts.delete(seq);
      this.pump();
      return;
    }
    const requeue = () => {
      this.ready.push(seq);
      this.pump();
    };
    if (delayMs > 0) setTimeout(requeue, delayMs).unref();
    else requeue();
  }

  private finish(seq: number): void {
    const p = this.pending.get(seq);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(seq);
    p.member.inFlight--;
  }
}

import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { TailBuffer } from './tail.ts';

/**
 * Starts the learner through `/bin/sh`, which lowers RLIMIT_DATA (`ulimit -d`) and then `exec`s the
 * learner, so the learner keeps the shell's pid and is the leader of its own process group.
 *
 * Why RLIMIT_DATA and not RLIMIT_AS: V8 reserves address space it never touches (a 4 GiB pointer cage,
 * the code range), so node cannot even start under `ulimit -v` of a few hundred MiB, while RLIMIT_DATA
 * (Linux >= 4.7) counts private writable memory (heap, anonymous mmap) and leaves PROT_NONE reservations
 * alone. Measured on Node 20 and CPython 3.11: under `ulimit -d` a python learner that allocates past the
 * limit gets MemoryError, node gets a RangeError (Buffers) or dies with SIGSEGV/SIGTRAP (heap), and both
 * start fine with 256 MiB. The limit is per process (each child process inherits it), not per group.
 */
const LIMIT_SCRIPT = 'ulimit -d "$1" || { echo "datamaster: cannot set the memory limit (ulimit -d $1)" >&2; exit 125; }; shift; exec "$@"';

export interface ProcessOptions {
  /** Resolved argv: argv[0] is an absolute path. */
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  memoryMb: number;
  timeoutMs: number;
  /** Between SIGTERM and SIGKILL when the learner is stopped. */
  killGraceMs: number;
  tailBytes: number;
  signal?: AbortSignal;
}

export interface ProcessOutcome {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  /** Seconds from spawn to the learner's exit. */
  seconds: number;
  stdoutTail: string;
  stderrTail: string;
  /** Members of the process group still alive at the end (0 unless a member escaped SIGKILL). */
  survivors: number[];
}

/**
 * Live (non-zombie) members of process group `pgid`. On Linux this reads /proc, because a zombie
 * still counts for kill(-pgid, 0) and an orphaned zombie may never be reaped inside a container.
 */
export function groupMembers(pgid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    try {
      process.kill(-pgid, 0);
      return [pgid];
    } catch {
      return [];
    }
  }
  const out: number[] = [];
  for (const e of entries) {
    if (e.charCodeAt(0) < 48 || e.charCodeAt(0) > 57) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${e}/stat`, 'latin1');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so split after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(rest[2]) === pgid && rest[0] !== 'Z' && rest[0] !== 'X') out.push(Number(e));
  }
  return out;
}

function killGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    // ESRCH: the group is gone.
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function runProcess(o: ProcessOptions): Promise<ProcessOutcome> {
  const memKb = Math.max(1, Math.floor(o.memoryMb * 1024));
  const child = spawn('/bin/sh', ['-c', LIMIT_SCRIPT, 'datamaster-learner', String(memKb), ...o.argv], {
    cwd: o.cwd,
    env: o.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started = performance.now();
  const out = new TailBuffer(o.tailBytes);
  const err = new TailBuffer(o.tailBytes);
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));

  return new Promise<ProcessOutcome>((resolve, reject) => {
    let timedOut = false;
    let aborted = false;
    let exited: { code: number | null; signal: NodeJS.Signals | null; seconds: number } | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    let closeTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const pid = child.pid;

    const stop = () => {
      if (pid === undefined || exited) return;
      killGroup(pid, 'SIGTERM');
      graceTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), o.killGraceMs);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, o.timeoutMs);
    const onAbort = () => {
      aborted = true;
      stop();
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = async () => {
      if (settled || !exited || pid === undefined) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(graceTimer);
      clearTimeout(closeTimer);
      o.signal?.removeEventListener('abort', onAbort);
      // Nothing of the group outlives the run: wait (bounded) until every member is gone.
      let survivors = groupMembers(pid);
      for (let k = 0; k < 100 && survivors.length > 0; k++) {
        killGroup(pid, 'SIGKILL');
        await sleep(20);
        survivors = groupMembers(pid);
      }
      resolve({ pid, ...exited, timedOut, aborted, stdoutTail: out.text(), stderrTail: err.text(), survivors });
    };

    child.on('error', (e) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      exited = { code, signal, seconds: (performance.now() - started) / 1000 };
      // The learner is done: whatever it left running in its group goes with it.
      if (pid !== undefined) killGroup(pid, 'SIGKILL');
      // A process that left the group (setsid) may still hold the pipes: do not wait for it forever.
      closeTimer = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        void finish();
      }, 2000);
    });
    child.on('close', () => void finish());
    if (o.signal?.aborted) onAbort();
  });
}

/**
 * Runs the user's solution command: in its own process group (killed as a whole on timeout or abort), with
 * a small environment that carries none of the parent's secrets, a memory limit (RLIMIT_DATA through the
 * shell's ulimit), and the last few KiB of stdout and stderr kept for the report.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { DataMasterError } from '@datamaster/sdk';

export interface SolutionSpec {
  /** argv; the first element is looked up on PATH. */
  command: string[];
  /** Killed (the whole process group) after this many seconds; default 3600. */
  timeoutSeconds?: number;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Data-segment limit in MiB (ulimit -d); 0 = no limit. Default 16384. */
  memoryMb?: number;
}

export interface RunResult {
  seconds: number;
  stdoutTail: string;
  stderrTail: string;
}

export const DEFAULT_TIMEOUT_SECONDS = 3600;
export const DEFAULT_MEMORY_MB = 16384;
const TAIL_BYTES = 8192;

/** Variables passed through from the parent: where programs and their libraries are, locale, GPU selection. */
const PASS_THROUGH = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TZ',
  'TMPDIR',
  'LD_LIBRARY_PATH',
  'VIRTUAL_ENV',
  'CONDA_PREFIX',
  'CONDA_DEFAULT_ENV',
  'PYTHONPATH',
  'CUDA_VISIBLE_DEVICES',
  'CUDA_HOME',
  'NVIDIA_VISIBLE_DEVICES',
  'HF_HOME',
  'TORCH_HOME',
  'XDG_CACHE_HOME',
];

/** The environment a solution sees: the pass-through list, then the config's env, then `extra`. */
export function solutionEnv(spec: SolutionSpec, extra: Record<string, string>, parent: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of PASS_THROUGH) {
    const v = parent[k];
    if (v !== undefined) env[k] = v;
  }
  return { ...env, ...(spec.env ?? {}), ...extra };
}

/**
 * argv with paths made absolute: an element that names an existing file or folder relative to `baseDir`
 * (the task file's folder) is resolved there, because the command runs in a fresh working folder.
 */
export function resolveCommand(command: readonly string[], baseDir: string): string[] {
  return command.map((arg, i) => {
    if (arg === '' || isAbsolute(arg) || arg.startsWith('-')) return arg;
    if (i === 0 && !arg.includes('/')) return arg; // a program name: looked up on PATH
    const p = resolve(baseDir, arg);
    return existsSync(p) ? p : arg;
  });
}

class Tail {
  private buf = '';
  add(chunk: Buffer): void {
    this.buf += chunk.toString('utf8');
    if (this.buf.length > TAIL_BYTES * 2) this.buf = this.buf.slice(-TAIL_BYTES);
  }
  get text(): string {
    return this.buf.length > TAIL_BYTES ? this.buf.slice(-TAIL_BYTES) : this.buf;
  }
}

function tailLines(s: string, n = 20): string {
  const lines = s.trimEnd().split('\n');
  return lines.slice(-n).join('\n');
}

/** Runs `spec.command` in `cwd`; resolves when it exits with code 0, otherwise throws with the stderr tail. */
export function runSolution(spec: SolutionSpec, opts: { cwd: string; baseDir: string; env: Record<string, string>; signal?: AbortSignal; what: string }): Promise<RunResult> {
  if (!Array.isArray(spec.command) || spec.command.length === 0) {
    return Promise.reject(new DataMasterError('E_MLEBENCH_CONFIG', 'solution.command is empty; give the command as an argv list, e.g. ["python", "solution.py"]'));
  }
  const argv = resolveCommand(spec.command, opts.baseDir);
  const timeoutS = spec.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const memoryMb = spec.memoryMb ?? DEFAULT_MEMORY_MB;
  // The shell applies the limit, then execs the command so that the group leader is the solution itself.
  const script = memoryMb > 0 ? `ulimit -d ${Math.floor(memoryMb * 1024)} && exec "$@"` : 'exec "$@"';
  const started = performance.now();
  const shown = argv.join(' ');
  return new Promise<RunResult>((resolvePromise, reject) => {
    const child = spawn('/bin/sh', ['-c', script, 'solution', ...argv], { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = new Tail();
    const err = new Tail();
    child.stdout.on('data', (c: Buffer) => out.add(c));
    child.stderr.on('data', (c: Buffer) => err.add(c));
    let timedOut = false;
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      killTimer = setTimeout(() => {
        try {
          process.kill(-(child.pid as number), 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, 3000);
      killTimer.unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutS * 1000);
    const onAbort = () => {
      aborted = true;
      killGroup();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      reject(new DataMasterError('E_MLEBENCH_SOLUTION_START', `${opts.what}: cannot start the solution command '${shown}' (${e.message})`, { command: argv }));
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      // Whatever the leader did, leave no child of it behind.
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* group already empty */
        }
      }
      const seconds = (performance.now() - started) / 1000;
      const result = { seconds, stdoutTail: out.text, stderrTail: err.text };
      const stderrShown = tailLines(err.text) || tailLines(out.text) || '(no output)';
      if (timedOut) {
        reject(
          new DataMasterError('E_MLEBENCH_SOLUTION_TIMEOUT', `${opts.what}: the solution '${shown}' ran past solution.timeoutSeconds (${timeoutS} s) and was killed; raise the limit or make it faster. Last output:\n${stderrShown}`, { command: argv, ...result }),
        );
        return;
      }
      if (aborted) {
        reject(new DataMasterError('E_MLEBENCH_SOLUTION_ABORTED', `${opts.what}: the solution '${shown}' was stopped (the run was cancelled)`, { command: argv, ...result }));
        return;
      }
      if (code === 127 && /not found/i.test(err.text)) {
        reject(new DataMasterError('E_MLEBENCH_SOLUTION_START', `${opts.what}: the solution command '${argv[0]}' was not found on PATH (${PATH_HINT}): ${tailLines(err.text, 3)}`, { command: argv, ...result }));
        return;
      }
      if (code !== 0) {
        const why = sig ? `was killed by ${sig}${sig === 'SIGKILL' || sig === 'SIGSEGV' || sig === 'SIGABRT' ? ' (out of memory? solution.memoryMb is ' + memoryMb + ')' : ''}` : `exited with code ${code}`;
        reject(new DataMasterError('E_MLEBENCH_SOLUTION_FAILED', `${opts.what}: the solution '${shown}' ${why}. Last stderr:\n${stderrShown}`, { command: argv, code, signal: sig, ...result }));
        return;
      }
      resolvePromise(result);
    });
  });
}

const PATH_HINT = 'give an absolute path or put it on PATH';

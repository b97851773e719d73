import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { DataMasterError } from '../errors.ts';

export interface NatsServerOptions {
  /** Default: a free port on 127.0.0.1 (never the system server's 4222 by accident). */
  port?: number;
  /** JetStream store directory (-sd). Default: a temp dir, removed by stop(). */
  storeDir?: string;
  /** The binary; default NATS_SERVER_BIN, then nats-server on PATH, then /usr/sbin/nats-server. */
  bin?: string;
  /** Guard for the server to say it is ready (default 20 s). */
  readyTimeoutMs?: number;
}

export interface NatsServer {
  readonly url: string;
  readonly port: number;
  /** The pid of the current process (it changes on restart). */
  readonly pid: number;
  readonly storeDir: string;
  /** Stops the server (SIGTERM, SIGKILL if it lingers) and removes a store dir it created. */
  stop(): Promise<void>;
  /**
   * Stops and starts it again on the SAME port and store, as an operator's restart would.
   * `hard` kills it with SIGKILL first (a crash) instead of SIGTERM.
   */
  restart(opts?: { hard?: boolean }): Promise<void>;
}

/** Finds the nats-server binary, or throws saying how to provide one. */
export function findNatsServer(bin?: string): string {
  const candidates = [bin, process.env.NATS_SERVER_BIN, ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'nats-server')), '/usr/sbin/nats-server'];
  for (const c of candidates) {
    if (!c) continue;
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // next candidate
    }
  }
  throw new DataMasterError('E_NATS_SERVER_MISSING', 'nats-server not found (NATS_SERVER_BIN, PATH, /usr/sbin/nats-server): install it (apt install nats-server) or set NATS_SERVER_BIN to its path', {});
}

/** A free TCP port on 127.0.0.1, picked by the OS. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts a private nats-server with JetStream (-js) on loopback for tests and benchmarks.
 * Stop it with stop(); a process exit handler kills it too, so a crashed test leaves nothing behind.
 */
export async function startNatsServer(opts: NatsServerOptions = {}): Promise<NatsServer> {
  const bin = findNatsServer(opts.bin);
  const port = opts.port ?? (await freePort());
  const ownStore = opts.storeDir === undefined;
  const storeDir = opts.storeDir ?? mkdtempSync(join(tmpdir(), 'dm-nats-'));
  const readyTimeoutMs = opts.readyTimeoutMs ?? 20_000;
  let child: ChildProcess | undefined;
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const launch = async (): Promise<ChildProcess> => {
    const args = ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir];
    const proc = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    await new Promise<void>((resolve, reject) => {
      const guard = setTimeout(() => fail(`did not report ready within ${readyTimeoutMs} ms`), readyTimeoutMs);
      const fail = (why: string) => {
        clearTimeout(guard);
        proc.kill('SIGKILL');
        reject(new DataMasterError('E_NATS_SERVER_START', `nats-server ${args.join(' ')} ${why}; its log ends: ${log.slice(-800)}`, { port, storeDir }));
      };
      proc.stderr!.on('data', (chunk: Buffer) => {
        // keep only the tail: the pipe must be read for the whole life of the server
        log = (log + chunk.toString()).slice(-4000);
        if (log.includes('Server is ready')) {
          clearTimeout(guard);
          resolve();
        }
      });
      proc.once('error', (err) => fail(`could not be spawned: ${err.message}`));
      proc.once('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
    });
    proc.removeAllListeners('exit');
    return proc;
  };

  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill(signal);
    const lingering = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(lingering);
  };

  child = await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    get pid() {
      return child?.pid ?? -1;
    },
    async stop() {
      await halt('SIGTERM');
      process.removeListener('exit', killOnExit);
      if (ownStore) rmSync(storeDir, { recursive: true, force: true });
    },
    async restart(r = {}) {
      await halt(r.hard ? 'SIGKILL' : 'SIGTERM');
      child = await launch();
    },
  };
}

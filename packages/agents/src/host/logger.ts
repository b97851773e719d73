import type { Logger } from '@datamaster/core';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** A plain logger to stderr (stdout is kept for progress and --json results). */
export function createLogger(prefix: string, level: LogLevel = 'info', sink: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Logger {
  const at = ORDER[level];
  const write = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < at) return;
    const extra = fields && Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : '';
    sink(`[${prefix}] ${lvl}: ${msg}${extra}`);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

import { redactDeep, type Redactor } from './redact.ts';
import type { Logger } from './types.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export interface LogEntry {
  level: LogLevel;
  msg: string;
  fields?: Record<string, unknown>;
}

const LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** A logger that keeps every entry in memory (tests, and the conformance suite's checks on redaction). */
export function createMemoryLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    entries.push(fields ? { level, msg, fields } : { level, msg });
  };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** One JSON line per entry on stderr, at `min` level and above. */
export function createStderrLogger(min: LogLevel = 'info'): Logger {
  const floor = LEVELS.indexOf(min);
  const at = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS.indexOf(level) < floor) return;
    process.stderr.write(`${JSON.stringify({ level, at: new Date().toISOString(), msg, ...(fields ?? {}) })}\n`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * What a plugin gets: every message prefixed with the plugin's name, every secret value it could know replaced
 * in the message and in every field (at any depth), before the host's logger sees it.
 */
export function pluginLogger(base: Logger, plugin: string, redact: Redactor): Logger {
  const at = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    const safeMsg = `[${plugin}] ${redact(String(msg))}`;
    if (fields === undefined) base[level](safeMsg);
    else base[level](safeMsg, { plugin, ...(redactDeep(fields, redact) as Record<string, unknown>) });
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

import { monotonicFactory } from 'ulid';
import { schemas } from '../schema/registry.ts';
import type { AnyEvent, DmEvent, EventDataMap, EventType } from './types.ts';

const nextUlid = monotonicFactory();

/** A new ULID: sortable by creation time, unique, used as the event's dedupe key. */
export function newId(): string {
  return nextUlid();
}

export interface MakeEventOptions {
  actor: string;
  cause?: string;
  /** Fixed id (for tests and deterministic fixtures); default a new ULID. */
  id?: string;
  /** Fixed timestamp (ISO 8601); default now. */
  at?: string;
}

/** Builds an envelope. It is not validated here: the log and the bus validate before anything leaves. */
export function makeEvent<T extends EventType>(
  run: string,
  type: T,
  data: EventDataMap[T],
  opts: MakeEventOptions,
): DmEvent<T> {
  const e: DmEvent<T> = { id: opts.id ?? newId(), run, type, v: 1, actor: opts.actor, at: opts.at ?? new Date().toISOString(), data };
  if (opts.cause) e.cause = opts.cause;
  return e;
}

/**
 * Checks an event's envelope and then its data against schemas/events/<type>.schema.json.
 * Throws a SchemaError naming the event type, the JSON path and the reason.
 */
export function validateEvent(value: unknown, where?: string): AnyEvent {
  const reg = schemas();
  const label = where ?? describe(value);
  reg.assert('event', value, label);
  const e = value as AnyEvent;
  const issues = reg.check(`events/${e.type}`, e.data);
  if (issues.length) {
    reg.assert(`events/${e.type}`, e.data, `${label} /data`);
  }
  return e;
}

function describe(value: unknown): string {
  if (value && typeof value === 'object') {
    const v = value as { type?: unknown; id?: unknown };
    return `event ${typeof v.type === 'string' ? v.type : '(no type)'}${typeof v.id === 'string' ? ` ${v.id}` : ''}`;
  }
  return 'event';
}

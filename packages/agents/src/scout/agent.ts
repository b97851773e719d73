import { makeEvent, type AnyEvent, type Bus, type DmEvent, type Logger, type Source, type SourceQuery } from '@datamaster/core';
import { ActorHost } from '../host/actor-host.ts';
import { bindEvents } from '../host/bind.ts';
import type { WorkerInput } from '../host/worker-machine.ts';
import { scoutMachine, type Discovery } from './machine.ts';

export interface ScoutSearcher {
  name: string;
  /** Candidates that passed the contract check, and what was dropped with why. */
  search(query: SourceQuery, signal: AbortSignal): Promise<{ sources: Source[]; dropped: { reason: string }[] }>;
}

export interface ScoutOptions {
  bus: Bus;
  run: string;
  searchers: ScoutSearcher[];
  logger: Logger;
  actor?: string;
  limit?: number;
  retry?: Partial<WorkerInput>;
}

/** Queries from the task: its own list, else its title and description. */
export function queriesOf(e: DmEvent<'run.started'>): string[] {
  const t = e.data.task;
  if (t.queries?.length) return t.queries;
  return [t.title ?? t.description];
}

/** Dedupes candidates by id and by uri, keeping the first seen. */
export function dedupeSources(found: { source: Source; query: string }[]): { source: Source; query: string }[] {
  const ids = new Set<string>();
  const uris = new Set<string>();
  const out: { source: Source; query: string }[] = [];
  for (const f of found) {
    if (ids.has(f.source.id) || uris.has(f.source.uri)) continue;
    ids.add(f.source.id);
    uris.add(f.source.uri);
    out.push(f);
  }
  return out;
}

export async function startScout(o: ScoutOptions) {
  const actor = o.actor ?? 'scout';
  const host = new ActorHost<DmEvent<'run.started'>, Discovery>({
    name: actor,
    bus: o.bus,
    machine: scoutMachine,
    concurrency: 1,
    retry: { maxAttempts: 1, timeoutMs: 120_000, ...o.retry },
    logger: o.logger,
    work: async ({ item, signal }) => {
      const task = item.data.task;
      const found: { source: Source; query: string }[] = [];
      for (const text of queriesOf(item)) {
        const query: SourceQuery = {
          text,
          task: { id: task.id, description: task.description, ...(task.title ? { title: task.title } : {}), ...(task.data?.label ? { label: task.data.label } : {}), ...(task.data?.columns ? { columns: task.data.columns } : {}) },
          limit: o.limit ?? 20,
        };
        const results = await Promise.all(
          o.searchers.map(async (s) => {
            try {
              const r = await s.search(query, signal);
              for (const d of r.dropped) o.logger.warn(`${actor}: dropped a candidate from ${s.name}: ${d.reason}`);
              return r.sources;
            } catch (err) {
              o.logger.warn(`${actor}: source plugin ${s.name} failed on '${text}': ${(err as Error).message}`);
              return [];
            }
          }),
        );
        for (const list of results) for (const source of list) found.push({ source, query: text });
      }
      return { sources: dedupeSources(found) };
    },
    onDone: (e, d): AnyEvent[] => d.sources.map(({ source, query }) => makeEvent(o.run, 'source.discovered', { source, query }, { actor, cause: e.id })),
    onFailed: () => [],
  });
  await bindEvents(host, { bus: o.bus, run: o.run, types: ['run.started'], queue: 'scout', logger: o.logger });
  return host;
}

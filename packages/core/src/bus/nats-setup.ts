import {
  AckPolicy,
  DeliverPolicy,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type ConsumerInfo,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { BusError } from './errors.ts';

export interface StreamNames {
  /** All runs' events: subjects dm.*.evt.> */
  events: string;
  /** All runs' jobs, a work queue: subjects dm.*.job.> */
  jobs: string;
}

export const DEFAULT_STREAMS: StreamNames = { events: 'DM_EVT', jobs: 'DM_JOB' };

export interface StreamSetup {
  storage: 'file' | 'memory';
  duplicateWindowMs: number;
}

/** The two streams NatsBus uses; the config each gets when it does not exist yet. */
export function streamConfigs(names: StreamNames, s: StreamSetup): Array<Partial<StreamConfig> & { name: string; subjects: string[] }> {
  const storage = s.storage === 'memory' ? StorageType.Memory : StorageType.File;
  const duplicate_window = nanos(s.duplicateWindowMs);
  return [
    { name: names.events, subjects: ['dm.*.evt.>'], retention: RetentionPolicy.Limits, storage, duplicate_window },
    { name: names.jobs, subjects: ['dm.*.job.>'], retention: RetentionPolicy.Workqueue, storage, duplicate_window },
  ];
}

/**
 * Creates a stream unless it exists (idempotent, and safe when several processes start at once).
 * An existing stream is kept as it is, as long as it captures the subjects we publish on.
 */
export async function ensureStream(jsm: JetStreamManager, cfg: Partial<StreamConfig> & { name: string; subjects: string[] }): Promise<void> {
  const existing = await jsm.streams.info(cfg.name).catch(() => null);
  if (!existing) {
    try {
      await jsm.streams.add(cfg);
      return;
    } catch (err) {
      // another process may have created it between our info and add
      const again = await jsm.streams.info(cfg.name).catch(() => null);
      if (!again) throw new BusError('E_BUS_CONFIG', cfg.subjects.join(','), `cannot create JetStream stream ${cfg.name} for ${cfg.subjects.join(', ')}: ${(err as Error).message}`, { cause: err });
      return checkSubjects(again.config.subjects ?? [], cfg);
    }
  }
  checkSubjects(existing.config.subjects ?? [], cfg);
}

function checkSubjects(have: string[], cfg: { name: string; subjects: string[] }): void {
  const missing = cfg.subjects.filter((s) => !have.includes(s));
  if (missing.length) {
    throw new BusError('E_BUS_CONFIG', missing.join(','), `JetStream stream ${cfg.name} exists with subjects [${have.join(', ')}] but needs [${cfg.subjects.join(', ')}]: delete or fix the stream (nats stream edit ${cfg.name}), or configure other stream names`);
  }
}

export interface DurableSpec {
  stream: string;
  name: string;
  filter: string;
  ackWaitMs: number;
  maxDeliver: number;
  fromStart: boolean;
  maxAckPending?: number;
}

/**
 * Creates an explicit-ack durable pull consumer, or reuses it. The filter must match (another filter
 * under the same name is a mistake); ack wait and max deliver follow the latest caller (an update).
 */
export async function ensureDurable(jsm: JetStreamManager, d: DurableSpec): Promise<ConsumerInfo> {
  const want: Partial<ConsumerConfig> = {
    durable_name: d.name,
    filter_subject: d.filter,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: d.fromStart ? DeliverPolicy.All : DeliverPolicy.New,
    ack_wait: nanos(d.ackWaitMs),
    max_deliver: Number.isFinite(d.maxDeliver) ? d.maxDeliver : -1,
    ...(d.maxAckPending ? { max_ack_pending: d.maxAckPending } : {}),
  };
  const existing = await jsm.consumers.info(d.stream, d.name).catch(() => null);
  if (!existing) {
    try {
      return await jsm.consumers.add(d.stream, want);
    } catch (err) {
      const again = await jsm.consumers.info(d.stream, d.name).catch(() => null);
      if (!again) throw new BusError('E_BUS_CONFIG', d.filter, `cannot create durable consumer ${d.name} on stream ${d.stream} for ${d.filter}: ${(err as Error).message}`, { cause: err });
      return reuse(jsm, again, want, d);
    }
  }
  return reuse(jsm, existing, want, d);
}

async function reuse(jsm: JetStreamManager, ci: ConsumerInfo, want: Partial<ConsumerConfig>, d: DurableSpec): Promise<ConsumerInfo> {
  if (ci.config.filter_subject !== d.filter) {
    throw new BusError('E_BUS_CONFIG', d.filter, `durable consumer ${d.name} on stream ${d.stream} already exists with filter '${ci.config.filter_subject}', not '${d.filter}': use another durable name for another subject pattern`);
  }
  if (ci.config.ack_wait !== want.ack_wait || ci.config.max_deliver !== want.max_deliver) {
    return jsm.consumers.update(d.stream, d.name, { ack_wait: want.ack_wait!, max_deliver: want.max_deliver! });
  }
  return ci;
}

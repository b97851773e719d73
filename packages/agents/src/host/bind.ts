import { errorInfo, schemas, validateEvent, type AnyEvent, type Bus, type EventType, type Logger, type SchemaName } from '@datamaster/core';
import type { WorkSink } from './actor-host.ts';

/**
 * Feeds durable jobs of `role` to a host. The payload is checked against its schema first: a bad job is
 * terminated with a logged reason (subject, JSON path) and never reaches the machine.
 * While an item is worked on, the job's ack deadline is pushed out so slow training is not redelivered.
 */
export async function bindJobs<Item>(
  host: WorkSink<Item>,
  o: { bus: Bus; run: string; role: string; schema: SchemaName; logger: Logger; concurrency?: number; ackWaitMs?: number; maxDeliver?: number },
): Promise<void> {
  const ackWaitMs = o.ackWaitMs ?? 30_000;
  const sub = await o.bus.consumeJobs<unknown>(
    o.run,
    o.role,
    async (job) => {
      let item: Item;
      try {
        item = schemas().assert<Item>(o.schema, job.data, `job ${job.id} on ${job.subject}`);
      } catch (err) {
        o.logger.error(`${host.name}: ${errorInfo(err).message}`);
        await job.term('invalid payload');
        return;
      }
      const beat = setInterval(() => void job.working().catch(() => undefined), Math.max(100, Math.floor(ackWaitMs / 3)));
      try {
        const outcome = await host.handle(item);
        if (outcome.status === 'cancelled') await job.nak();
        else await job.ack();
      } catch (err) {
        o.logger.warn(`${host.name}: ${errorInfo(err).message}`);
        await job.nak(1000).catch(() => undefined);
      } finally {
        clearInterval(beat);
      }
    },
    { concurrency: o.concurrency ?? 1, ackWaitMs, maxDeliver: o.maxDeliver ?? 5 },
  );
  host.track(sub);
}

/**
 * Feeds events of the given types to a host without blocking the subscription (event-driven work runs
 * concurrently up to the host's slots). With a queue group, one member of the group takes each event.
 */
export async function bindEvents<T extends EventType>(
  host: WorkSink<Extract<AnyEvent, { type: T }>>,
  o: { bus: Bus; run: string; types: T[]; queue?: string; logger: Logger },
): Promise<void> {
  for (const type of o.types) {
    const sub = await o.bus.subscribeEvents(
      o.run,
      type,
      (msg) => {
        // Only events that match their schema reach a machine; anything else is logged with subject, type and path.
        let event: AnyEvent;
        try {
          event = validateEvent(msg.data, `event on ${msg.subject}`);
        } catch (err) {
          o.logger.error(`${host.name}: rejected ${errorInfo(err).message}`);
          return;
        }
        if (event.run !== o.run || event.type !== type) {
          o.logger.error(`${host.name}: rejected event on ${msg.subject}: run '${event.run}', type '${event.type}' do not match the subject`);
          return;
        }
        host.spawn(event as Extract<AnyEvent, { type: T }>);
      },
      // A queue group is a durable consumer shared by the role's processes; created from the start of the run's
      // events, so a role that joins late still sees what was published before it (each event once per group).
      o.queue ? { queue: o.queue, fromStart: true } : {},
    );
    host.track(sub);
  }
}

/** Defaults shared by both buses, so MemoryBus and NatsBus behave alike out of the box. */
export const DEFAULTS = {
  requestTimeoutMs: 5_000,
  /** Like JetStream's default ack_wait. */
  eventAckWaitMs: 30_000,
  jobAckWaitMs: 30_000,
  jobMaxDeliver: 5,
  retryDelayMs: 1_000,
};

/**
 * Durable consumer names. The event and job streams hold every run, so a name carries its run;
 * names are one token each (no '.', '*', '>', spaces), checked before use.
 */
export const consumerNames = {
  events: (run: string, durable: string) => `E_${run}_${durable}`,
  jobs: (run: string, role: string) => `J_${run}_${role}`,
};

/** Failures inside subscribers: they never reach the publisher, so they go to a sink. */
export type BusErrorSink = (err: unknown, where: string) => void;

export const logBusError: BusErrorSink = (err, where) => {
  console.error(`[datamaster bus] ${where}:`, err instanceof Error ? err.message : err);
};

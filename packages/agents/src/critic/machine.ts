import type { AnyEvent, DmEvent } from '@datamaster/core';
import { createWorkerMachine } from '../host/worker-machine.ts';

/**
 * Critic: per evaluated node
 *   idle --WORK(node.evaluated)--> working [invoke: read the tree as of that event, call the critic plugin,
 *                                           check its answer against the event schemas] --> idle
 * emits node.critiqued and finding.recorded; a critic that keeps failing marks the node failed (stage critique).
 */
export const criticMachine = createWorkerMachine<DmEvent<'node.evaluated'>, AnyEvent[]>('critic');

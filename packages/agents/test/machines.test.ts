import t from 'tap';
import { createActor, fromPromise, type AnyStateMachine, type EventObject } from 'xstate';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import { makeEvent } from '@datamaster/core';
import { trainerMachine } from '../src/trainer/machine.ts';
import { profilerMachine, materializerMachine } from '../src/curator/machine.ts';
import { scoutMachine } from '../src/scout/machine.ts';
import { criticMachine } from '../src/critic/machine.ts';
import { plannerMachine } from '../src/planner/machine.ts';

/** Fake effects that never settle on their own: every outcome comes from the path's events. */
const pending = fromPromise(() => new Promise<never>(() => undefined));

/** Walks every path with a live actor on fake actors and checks it lands where the graph says. */
function walk(t: { same: (...args: never[]) => unknown }, machine: AnyStateMachine, input: unknown, paths: ReturnType<typeof getShortestPaths>, fakes: Record<string, unknown>) {
  for (const path of paths) {
    const actor = createActor(machine.provide({ actors: fakes } as never), { input });
    actor.start();
    for (const step of path.steps.slice(1)) actor.send(step.event);
    (t.same as (a: unknown, b: unknown, m: string) => void)(actor.getSnapshot().value, path.state.value, `path ${path.steps.map((s) => s.event.type).join(' > ')} ends in ${JSON.stringify(path.state.value)}`);
    actor.stop();
  }
}


const workerEvents = (id: string): EventObject[] => [
  { type: 'WORK', item: { nodeId: 'n1' } } as EventObject,
  { type: 'CANCEL' },
  { type: 'xstate.done.actor.work', output: { score: 1 } } as EventObject,
  { type: 'xstate.error.actor.work', error: new Error('boom') } as EventObject,
  { type: `xstate.after.timeout.${id}.working` },
  { type: `xstate.after.backoff.${id}.backoff` },
];

for (const [id, machine] of [
  ['trainer', trainerMachine],
  ['curator.profile', profilerMachine],
  ['curator.materialize', materializerMachine],
  ['scout', scoutMachine],
  ['critic', criticMachine],
] as const) {
  t.test(`${id}: every state is reachable and every path walks on fake actors`, async (t) => {
    const input = { maxAttempts: 2, timeoutMs: 3_600_000, backoffMs: 3_600_000 };
    const paths = getShortestPaths(machine as AnyStateMachine, { events: workerEvents(id), input });
    const reached = new Set(paths.map((p) => JSON.stringify(p.state.value)));
    t.same([...reached].sort(), ['"backoff"', '"idle"', '"working"'], 'idle, working and backoff are reachable');
    walk(t, machine as AnyStateMachine, input, paths, { work: pending });

    // The retry path: error, backoff, error again -> back to idle with a 'failed' verdict after maxAttempts.
    const simple = getSimplePaths(machine as AnyStateMachine, { events: workerEvents(id), input });
    t.ok(simple.some((p) => p.steps.filter((s) => s.event.type === 'xstate.error.actor.work').length === 2 && JSON.stringify(p.state.value) === '"idle"'), 'a path fails twice and gives up');

    const actor = createActor((machine as AnyStateMachine).provide({ actors: { work: pending } } as never), { input });
    const emitted: string[] = [];
    for (const type of ['done', 'failed', 'cancelled']) actor.on(type, (e: EventObject) => emitted.push(e.type));
    actor.start();
    actor.send({ type: 'WORK', item: { x: 1 } } as EventObject);
    actor.send({ type: 'xstate.error.actor.work', error: new Error('a') } as EventObject);
    actor.send({ type: `xstate.after.backoff.${id}.backoff` });
    actor.send({ type: 'xstate.error.actor.work', error: new Error('b') } as EventObject);
    t.same(emitted, ['failed'], 'gives up with one failed verdict');
    t.equal(actor.getSnapshot().context.attempt, 2);
    t.same(actor.getSnapshot().context.lastError, { code: 'E_INTERNAL', message: 'b' });
    actor.send({ type: 'WORK', item: { x: 2 } } as EventObject);
    actor.send({ type: 'xstate.done.actor.work', output: 7 } as EventObject);
    t.same(emitted, ['failed', 'done']);
    actor.stop();
  });
}

t.test('worker: a real timeout fails the attempt and retries, and the effect sees its signal abort', async (t) => {
  let aborted = 0;
  let calls = 0;
  const slow = fromPromise(({ signal }) => {
    calls++;
    signal.addEventListener('abort', () => aborted++);
    return new Promise<never>(() => undefined);
  });
  const actor = createActor(trainerMachine.provide({ actors: { work: slow as never } }), { input: { maxAttempts: 2, timeoutMs: 20, backoffMs: 5 } });
  const failed = new Promise<unknown>((resolve) => actor.on('failed', resolve));
  actor.start();
  actor.send({ type: 'WORK', item: { nodeId: 'n1', mode: 'evaluate', artifact: { path: 'a', format: 'parquet' }, seed: 0 } });
  const f = (await failed) as { error: { code: string }; attempts: number };
  t.equal(f.error.code, 'E_TIMEOUT');
  t.equal(f.attempts, 2);
  t.equal(calls, 2, 'retried once');
  t.equal(aborted, 2, 'each timed-out attempt was aborted');
  actor.stop();
});

t.test('planner: every state is reachable and every path walks on fake actors', async (t) => {
  const graded = makeEvent('r', 'run.graded', { nodeId: 'n0', split: 'test', score: 1, role: 'best' }, { actor: 't' });
  const other = makeEvent('r', 'node.pruned', { nodeId: 'n1', reason: 'x' }, { actor: 't' });
  const events: EventObject[] = [
    { type: 'xstate.done.actor.boot' },
    { type: 'xstate.error.actor.boot', error: new Error('x') } as EventObject,
    { type: 'xstate.done.actor.decide', output: { finished: null } } as EventObject,
    { type: 'xstate.done.actor.decide', output: { finished: 'budget' } } as EventObject,
    { type: 'xstate.error.actor.decide', error: new Error('x') } as EventObject,
    { type: 'EVENT', event: other } as EventObject,
    { type: 'EVENT', event: graded } as EventObject,
    { type: 'STOP' },
    { type: 'xstate.after.deadline.planner.searching' },
    { type: 'xstate.done.actor.finish', output: { grades: 1 } } as EventObject,
    { type: 'xstate.after.gradeTimeout.planner.grading' },
  ];
  const input = { deadlineMs: 3_600_000, gradeTimeoutMs: 3_600_000 };
  const paths = getShortestPaths(plannerMachine, { events: events as never, input });
  const reached = new Set(paths.map((p) => JSON.stringify(p.state.value)));
  for (const s of ['"booting"', '{"searching":"deciding"}', '{"searching":"waiting"}', '"finishing"', '"grading"', '"done"']) {
    t.ok(reached.has(s), `${s} reachable`);
  }
  walk(t, plannerMachine, input, paths, { boot: pending, decide: pending, finish: pending });

  // Finishing by time records the reason; a grade that arrives early still counts.
  const actor = createActor(plannerMachine.provide({ actors: { boot: pending as never, decide: pending as never, finish: pending as never } }), { input });
  actor.start();
  actor.send({ type: 'xstate.done.actor.boot' } as EventObject as never);
  actor.send({ type: 'xstate.after.deadline.planner.searching' } as EventObject as never);
  t.equal(actor.getSnapshot().context.finishReason, 'time');
  actor.send({ type: 'EVENT', event: graded });
  actor.send({ type: 'xstate.done.actor.finish', output: { grades: 1 } } as EventObject as never);
  t.equal(actor.getSnapshot().status, 'done', 'one expected grade already in: done');
  actor.stop();
});

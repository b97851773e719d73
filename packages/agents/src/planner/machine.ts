import { assign, fromPromise, setup } from 'xstate';
import type { AnyEvent } from '@datamaster/core';

export type FinishReason = 'budget' | 'time' | 'exhausted' | 'stopped' | 'error' | 'root_failed';

export interface PlannerInput {
  /** Wall-clock budget left for the search, in ms. */
  deadlineMs: number;
  /** How long to wait for final grading before giving up. */
  gradeTimeoutMs: number;
}

export interface PlannerContext extends PlannerInput {
  /** Events arrived while a decision was running: decide again right after. */
  dirty: boolean;
  finishReason: FinishReason | null;
  expectGrades: number;
  graded: string[];
}

export type PlannerEvent = { type: 'EVENT'; event: AnyEvent } | { type: 'STOP' };

/**
 * Planner statechart:
 *
 *   booting [invoke boot: read the tree; start the run or resume it]
 *     -> searching
 *          deciding [invoke decide: enqueue due jobs, prune, select by UCB, ask the policy, propose]
 *             -> finishing        when the budget is spent or nothing is left, with nothing in flight
 *             -> deciding         when events came in meanwhile
 *             -> waiting          otherwise
 *          waiting --EVENT--> deciding
 *          retrying (decide failed) --EVENT | after 1 s--> deciding
 *        --after deadline--> finishing (time)     --STOP--> finishing (stopped)
 *   finishing [invoke finish: run.finished; grade the best node and the baseline on test]
 *     -> grading --run.graded x N | after gradeTimeout--> done
 */
export const plannerMachine = setup({
  types: {
    context: {} as PlannerContext,
    events: {} as PlannerEvent,
    input: {} as PlannerInput,
  },
  actors: {
    boot: fromPromise<void, void>(async () => {
      throw new Error('planner: the host must supply boot');
    }),
    decide: fromPromise<{ finished: FinishReason | null }, void>(async () => {
      throw new Error('planner: the host must supply decide');
    }),
    finish: fromPromise<{ grades: number }, { reason: FinishReason }>(async () => {
      throw new Error('planner: the host must supply finish');
    }),
  },
  actions: {
    countGrade: assign({
      // Keyed by role: a redelivered grade of the same role counts once.
      graded: ({ context, event }) => {
        if (event.type !== 'EVENT' || event.event.type !== 'run.graded') return context.graded;
        const key = `${event.event.data.role ?? 'best'}:${event.event.data.nodeId}`;
        return context.graded.includes(key) ? context.graded : [...context.graded, key];
      },
    }),
  },
  delays: {
    deadline: ({ context }) => Math.max(0, context.deadlineMs),
    gradeTimeout: ({ context }) => context.gradeTimeoutMs,
    retryDecide: 1000,
  },
  guards: {
    finished: (_, params: { finished: FinishReason | null }) => params.finished !== null,
    dirty: ({ context }) => context.dirty,
    allGraded: ({ context }) => context.graded.length >= context.expectGrades,
    isGrade: ({ event }) => event.type === 'EVENT' && event.event.type === 'run.graded',
  },
}).createMachine({
  id: 'planner',
  context: ({ input }) => ({ ...input, dirty: false, finishReason: null, expectGrades: 0, graded: [] }),
  initial: 'booting',
  states: {
    booting: {
      invoke: {
        id: 'boot',
        src: 'boot',
        onDone: 'searching',
        onError: { target: 'finishing', actions: assign({ finishReason: 'error' }) },
      },
    },
    searching: {
      initial: 'deciding',
      after: { deadline: { target: 'finishing', actions: assign({ finishReason: 'time' }) } },
      on: { STOP: { target: 'finishing', actions: assign({ finishReason: 'stopped' }) } },
      states: {
        deciding: {
          entry: assign({ dirty: false }),
          invoke: {
            id: 'decide',
        src: 'decide',
            onDone: [
              {
                guard: { type: 'finished', params: ({ event }) => event.output },
                target: '#planner.finishing',
                actions: assign({ finishReason: ({ event }) => event.output.finished }),
              },
              { guard: 'dirty', target: 'deciding', reenter: true },
              { target: 'waiting' },
            ],
            // A failed decision (recorder slow, policy down) is retried on the next event, or after a pause.
            onError: 'retrying',
          },
          on: { EVENT: { actions: assign({ dirty: true }) } },
        },
        waiting: {
          on: { EVENT: 'deciding' },
        },
        retrying: {
          on: { EVENT: 'deciding' },
          after: { retryDecide: 'deciding' },
        },
      },
    },
    finishing: {
      invoke: {
        id: 'finish',
        src: 'finish',
        input: ({ context }) => ({ reason: context.finishReason ?? 'stopped' }),
        onDone: { target: 'grading', actions: assign({ expectGrades: ({ event }) => event.output.grades }) },
        onError: 'done',
      },
      // Grading can be quick: a grade may arrive before finish has returned.
      on: { EVENT: { guard: 'isGrade', actions: 'countGrade' } },
    },
    grading: {
      always: { guard: 'allGraded', target: 'done' },
      after: { gradeTimeout: 'done' },
      on: { EVENT: { guard: 'isGrade', actions: 'countGrade' } },
    },
    done: { type: 'final' },
  },
});

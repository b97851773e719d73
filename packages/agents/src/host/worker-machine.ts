import { assign, emit, fromPromise, setup } from 'xstate';
import { errorInfo } from '@datamaster/core';

/**
 * The statechart shared by the work-item agents (Scout, Curator, Trainer, Critic):
 *
 *   idle --WORK--> working --done--> idle            (emits 'done')
 *                  working --error | timeout--> attemptFailed
 *   attemptFailed --[attempts left]--> backoff --after backoff--> working
 *   attemptFailed --[none left]--> idle               (emits 'failed')
 *   working --CANCEL--> idle                          (emits 'cancelled'; the work's AbortSignal fires)
 *
 * The machine does no I/O: `work` is an invoked actor the host supplies with `machine.provide`.
 */
export interface WorkerInput {
  /** Attempts per item, the first included. */
  maxAttempts: number;
  /** Per-attempt time limit. */
  timeoutMs: number;
  /** First retry delay; doubles per attempt. */
  backoffMs: number;
}

export interface WorkerContext<Item = unknown> extends WorkerInput {
  item: Item | null;
  attempt: number;
  lastError: { code: string; message: string } | null;
}

export type WorkerEvent<Item = unknown> = { type: 'WORK'; item: Item } | { type: 'CANCEL' };

export type WorkerEmitted<Item = unknown, Result = unknown> =
  | { type: 'done'; item: Item; result: Result; attempts: number }
  | { type: 'failed'; item: Item; error: { code: string; message: string }; attempts: number }
  | { type: 'cancelled'; item: Item };

export interface WorkInput<Item = unknown> {
  item: Item;
  attempt: number;
}

export function createWorkerMachine<Item, Result>(id: string) {
  return setup({
    types: {
      context: {} as WorkerContext<Item>,
      events: {} as WorkerEvent<Item>,
      input: {} as WorkerInput,
      emitted: {} as WorkerEmitted<Item, Result>,
    },
    actors: {
      work: fromPromise<Result, WorkInput<Item>>(async () => {
        throw new Error(`${id}: the host must supply the 'work' actor`);
      }),
    },
    delays: {
      timeout: ({ context }) => context.timeoutMs,
      backoff: ({ context }) => context.backoffMs * 2 ** Math.max(0, context.attempt - 1),
    },
    guards: {
      attemptsLeft: ({ context }) => context.attempt < context.maxAttempts,
    },
  }).createMachine({
    id,
    context: ({ input }) => ({ ...input, item: null, attempt: 0, lastError: null }),
    initial: 'idle',
    states: {
      idle: {
        on: {
          WORK: { target: 'working', actions: assign({ item: ({ event }) => event.item, attempt: 1, lastError: null }) },
        },
      },
      working: {
        invoke: {
          id: 'work',
          src: 'work',
          input: ({ context }) => ({ item: context.item as Item, attempt: context.attempt }),
          onDone: {
            target: 'idle',
            actions: emit(({ context, event }) => ({
              type: 'done' as const,
              item: context.item as Item,
              result: event.output,
              attempts: context.attempt,
            })),
          },
          onError: { target: 'attemptFailed', actions: assign({ lastError: ({ event }) => errorInfo(event.error) }) },
        },
        after: {
          timeout: {
            target: 'attemptFailed',
            actions: assign({
              lastError: ({ context }) => ({ code: 'E_TIMEOUT', message: `${id}: attempt ${context.attempt} timed out after ${context.timeoutMs} ms` }),
            }),
          },
        },
        on: {
          CANCEL: { target: 'idle', actions: emit(({ context }) => ({ type: 'cancelled' as const, item: context.item as Item })) },
        },
      },
      attemptFailed: {
        always: [
          { guard: 'attemptsLeft', target: 'backoff' },
          {
            target: 'idle',
            actions: emit(({ context }) => ({
              type: 'failed' as const,
              item: context.item as Item,
              error: context.lastError ?? { code: 'E_INTERNAL', message: 'unknown failure' },
              attempts: context.attempt,
            })),
          },
        ],
      },
      backoff: {
        after: { backoff: { target: 'working', actions: assign({ attempt: ({ context }) => context.attempt + 1 }) } },
        on: {
          CANCEL: { target: 'idle', actions: emit(({ context }) => ({ type: 'cancelled' as const, item: context.item as Item })) },
        },
      },
    },
  });
}

export type WorkerMachine<Item, Result> = ReturnType<typeof createWorkerMachine<Item, Result>>;

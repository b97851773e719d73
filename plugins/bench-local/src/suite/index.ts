import { DataMasterError } from '@datamaster/core';
import { cars } from './cars.ts';
import { flights } from './flights.ts';
import { penguins } from './penguins.ts';
import { seattleWeather } from './seattle-weather.ts';
import { spam } from './spam.ts';
import type { TaskSpec } from './spec.ts';

/** Every task of the suite, by name. */
export const SUITE: readonly TaskSpec[] = [seattleWeather, penguins, cars, spam, flights];

export function taskSpec(name: string): TaskSpec {
  const spec = SUITE.find((t) => t.name === name);
  if (!spec) {
    throw new DataMasterError('E_BENCH_TASK', `bench-local has no task '${name}'; set config.task to one of: ${SUITE.map((t) => t.name).join(', ')}`, { task: name });
  }
  return spec;
}

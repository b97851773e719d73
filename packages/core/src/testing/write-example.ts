/**
 * Writes examples/runs/demo/events.jsonl from buildExampleRun().
 * Usage: npx tsx packages/core/src/testing/write-example.ts [out-dir]   (default examples/runs/demo)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateEvent } from '../events/make.ts';
import { eventsToJsonl } from '../state/jsonl.ts';
import { buildExampleRun } from './event-gen.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const EXAMPLE_DIR = join(repoRoot, 'examples/runs/demo');

export function exampleRunJsonl(): string {
  const events = buildExampleRun();
  events.forEach((e) => validateEvent(e, `example run seq ${e.seq}`));
  return eventsToJsonl(events);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = resolve(process.argv[2] ?? EXAMPLE_DIR);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'events.jsonl');
  const text = exampleRunJsonl();
  writeFileSync(file, text);
  console.log(`wrote ${text.split('\n').length - 1} events to ${file}`);
}

#!/usr/bin/env node
/**
 * Runs a learner of the @datamaster/learners library behind the learner protocol:
 *
 *   learner: { "command": ["node", "examples/learners/library.mjs", "random-forest", "{\"trees\": 50}"] }
 *
 * argv: the library learner's name, then optionally its parameters as JSON. This launcher registers tsx
 * (resolved from this file's folder: the learner's working directory has no node_modules) and runs
 * library-learner.ts, which does the work.
 */
import { register } from 'tsx/esm/api';

register();
await import('./library-learner.ts');

import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { DataMasterError, didYouMeanHint } from '@datamaster/sdk';
import type { CommandLearnerSpec } from '../types.ts';

export const DEFAULT_LEARNER_TIMEOUT_SECONDS = 600;
export const DEFAULT_LEARNER_MEMORY_MB = 4096;
export const LEARNER_INPUT_FORMATS = ['csv', 'parquet', 'jsonl'] as const;
const SPEC_FIELDS = ['command', 'timeoutSeconds', 'env', 'memoryMb', 'format'];

/** didYouMeanHint, plus a known field that starts with the name (timeout -> timeoutSeconds, memory -> memoryMb). */
function fieldHint(name: string): string {
  const near = didYouMeanHint(name, SPEC_FIELDS);
  if (near) return near;
  const prefixed = SPEC_FIELDS.find((f) => f.toLowerCase().startsWith(name.toLowerCase()));
  return prefixed && name.length >= 3 ? ` (did you mean '${prefixed}'?)` : '';
}

/**
 * Checks a `learner: { command, ... }` value. `where` names it in messages (e.g. 'task.json: learner').
 * Throws E_LEARNER_SPEC naming the field and what to write instead.
 */
export function validateCommandSpec(spec: unknown, where = 'learner'): CommandLearnerSpec {
  const fail = (field: string, message: string): never => {
    throw new DataMasterError('E_LEARNER_SPEC', `${where}${field ? `.${field}` : ''}: ${message}`, { where, field });
  };
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return fail('', 'must be an object like { "command": ["node", "learner.mjs"] }');
  const s = spec as Record<string, unknown>;
  for (const k of Object.keys(s)) if (!SPEC_FIELDS.includes(k)) fail(k, `unknown field${fieldHint(k)}; fields are ${SPEC_FIELDS.join(', ')}`);
  const cmd = s.command;
  if (!Array.isArray(cmd) || cmd.length === 0 || !cmd.every((a) => typeof a === 'string')) {
    fail('command', 'must be a non-empty array of strings (argv), e.g. ["/usr/bin/python3", "learner.py"]');
  }
  if ((cmd as string[])[0] === '') fail('command', 'the first element (the program) is empty');
  if (s.timeoutSeconds !== undefined && !(typeof s.timeoutSeconds === 'number' && Number.isFinite(s.timeoutSeconds) && s.timeoutSeconds > 0)) {
    fail('timeoutSeconds', `must be a number of seconds above 0 (got ${JSON.stringify(s.timeoutSeconds)})`);
  }
  if (s.memoryMb !== undefined && !(typeof s.memoryMb === 'number' && Number.isFinite(s.memoryMb) && s.memoryMb >= 16)) {
    fail('memoryMb', `must be a number of MiB, at least 16 (got ${JSON.stringify(s.memoryMb)})`);
  }
  if (s.format !== undefined && !LEARNER_INPUT_FORMATS.includes(s.format as never)) {
    fail('format', `must be one of ${LEARNER_INPUT_FORMATS.join(', ')} (got ${JSON.stringify(s.format)})${typeof s.format === 'string' ? didYouMeanHint(s.format, LEARNER_INPUT_FORMATS) : ''}`);
  }
  if (s.env !== undefined) {
    if (typeof s.env !== 'object' || s.env === null || Array.isArray(s.env)) fail('env', 'must be an object of string values');
    for (const [k, v] of Object.entries(s.env as object)) {
      if (typeof v !== 'string') fail(`env.${k}`, `must be a string (got ${JSON.stringify(v)})`);
      if (k.startsWith('DM_')) fail(`env.${k}`, 'DM_* variables are set by the runner (the protocol); use another name');
      if (k === '' || k.includes('=')) fail(`env.${k}`, 'is not a valid environment variable name');
    }
  }
  return s as unknown as CommandLearnerSpec;
}

function isExecutableFile(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * The argv the learner is started with. The program: a bare name is looked up on `path` (the learner's
 * PATH); a name with a '/' resolves against `baseDir`. Each later argument that names an existing file
 * relative to `baseDir` (and does not start with '-') becomes an absolute path, since the learner runs in
 * its own working directory.
 */
export function resolveLearnerCommand(command: readonly string[], baseDir: string, path: string, where = 'learner.command'): string[] {
  const [program, ...args] = command as [string, ...string[]];
  let exe: string | undefined;
  if (program.includes('/')) {
    exe = resolve(baseDir, program);
    if (!isFile(exe)) {
      throw new DataMasterError('E_LEARNER_COMMAND', `${where}[0]: '${program}' does not exist (resolved against ${baseDir} to ${exe})`, { program, resolved: exe });
    }
    if (!isExecutableFile(exe)) {
      throw new DataMasterError(
        'E_LEARNER_COMMAND',
        `${where}[0]: '${exe}' is not executable; run 'chmod +x ${exe}', or name its interpreter first (e.g. ["/usr/bin/python3", "${program}"])`,
        { program, resolved: exe },
      );
    }
  } else {
    for (const dir of path.split(delimiter)) {
      if (!dir || !isAbsolute(dir)) continue;
      const p = join(dir, program);
      if (isExecutableFile(p)) {
        exe = p;
        break;
      }
    }
    if (!exe) {
      const local = isFile(resolve(baseDir, program)) ? `; to run the file in ${baseDir} write './${program}'` : '';
      throw new DataMasterError('E_LEARNER_COMMAND', `${where}[0]: '${program}' is not found on the learner's PATH (${path})${local}`, { program, path });
    }
  }
  const out = [exe];
  for (const a of args) {
    if (a !== '' && !a.startsWith('-') && !isAbsolute(a) && isFile(resolve(baseDir, a))) out.push(resolve(baseDir, a));
    else out.push(a);
  }
  return out;
}

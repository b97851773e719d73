import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DataMasterError, type PluginKind } from '@datamaster/core';
import { checkPlugin, formatCheckReport, scaffoldPlugin } from './plugin-commands.ts';

const KINDS = ['source', 'benchmark', 'critic', 'policy'];

/** `datamaster plugin new <kind> <name> [--dir DIR]` and `datamaster plugin check <path>`. */
export async function pluginCommand(args: string[], out: (line: string) => void): Promise<number> {
  const [verb, ...rest] = args;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { dir: { type: 'string' }, query: { type: 'string' }, task: { type: 'string' } } });
  if (verb === 'new') {
    const [kind, name] = positionals;
    if (!kind || !KINDS.includes(kind) || !name) {
      throw new DataMasterError('E_USAGE', `usage: datamaster plugin new <${KINDS.join('|')}> <name> [--dir DIR]${kind && !KINDS.includes(kind) ? ` (unknown kind '${kind}')` : ''}`);
    }
    const dir = resolve(values.dir ?? name.replace(/^@[^/]+\//, ''));
    const made = scaffoldPlugin({ kind: kind as PluginKind, name, dir });
    out(`created ${made.dir}:`);
    for (const f of made.files) out(`  ${f}`);
    out(`next: datamaster plugin check ${made.dir}`);
    return 0;
  }
  if (verb === 'check') {
    const [path] = positionals;
    if (!path) throw new DataMasterError('E_USAGE', 'usage: datamaster plugin check <path> [--query TEXT] [--task task.json]');
    const report = await checkPlugin(resolve(path), { ...(values.query ? { query: values.query } : {}), ...(values.task ? { task: values.task } : {}) });
    out(formatCheckReport(report));
    return report.ok ? 0 : 1;
  }
  throw new DataMasterError('E_USAGE', `unknown plugin command '${verb ?? ''}': use 'plugin new' or 'plugin check'`);
}

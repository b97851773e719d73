import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPluginContext } from '../src/plugin/context.ts';
import { sourcePluginSuite } from '@datamaster/sdk/testing';
import csvSource from './fixtures/plugins/csv-source/src/index.ts';

// The kit run against the fixture CSV source, the way a plugin package runs it in its own tests.
const fixtures = fileURLToPath(new URL('./fixtures/plugins/csv-source/', import.meta.url));
const runDir = mkdtempSync(join(tmpdir(), 'dm-source-suite-test-'));
t.teardown(() => rmSync(runDir, { recursive: true, force: true }));

sourcePluginSuite(t, {
  plugin: csvSource,
  makeContext: () =>
    createPluginContext({ name: 'fixture-csv-source', config: { folder: 'data' }, runDir, baseDir: fixtures, secrets: ['FIXTURE_TOKEN'], env: {} }),
  query: 'housing prices',
});

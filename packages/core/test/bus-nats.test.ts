import t from 'tap';
import { NatsBus } from '../src/bus/nats-bus.ts';
import { busSuite } from '../src/testing/bus-suite.ts';
import { startNatsServer } from '../src/testing/nats-server.ts';

const server = await startNatsServer();
t.teardown(() => server.stop());

busSuite(t, 'NatsBus', () => NatsBus.connect({ servers: server.url, onError: () => undefined }));

t.test('NatsBus: connecting twice leaves one stream each (idempotent setup)', async (t) => {
  const a = await NatsBus.connect({ servers: server.url });
  const b = await NatsBus.connect({ servers: server.url });
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const jsm = await jetstreamManager(a.nc);
  const names: string[] = [];
  for await (const n of jsm.streams.names()) names.push(n);
  t.same(names.filter((n) => n.startsWith('DM_')).sort(), ['DM_EVT', 'DM_JOB']);
  await Promise.all([a.close(), b.close()]);
});

t.test('NatsBus: no server gives E_BUS_CONNECT', async (t) => {
  await t.rejects(NatsBus.connect({ servers: 'nats://127.0.0.1:1' }), { code: 'E_BUS_CONNECT' });
});

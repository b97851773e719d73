import t from 'tap';
import { MemoryBroker } from '../src/bus/memory-broker.ts';
import { MemoryBus } from '../src/bus/memory-bus.ts';
import { busSuite } from '../src/testing/bus-suite.ts';

const broker = new MemoryBroker();
busSuite(t, 'MemoryBus', () => new MemoryBus({ broker, onError: () => undefined }));

t.test('MemoryBus: a bus of its own needs no broker argument, and close is final', async (t) => {
  const bus = new MemoryBus();
  const got: string[] = [];
  await bus.subscribe<string>('a.b', (m) => void got.push(m.data));
  await bus.publish('a.b', 'hi');
  await bus.close();
  t.same(got, ['hi'], 'close drained the queued message');
  await t.rejects(bus.publish('a.b', 'x'), { code: 'E_BUS_CLOSED' });
});

t.test('MemoryBus: payloads are copied as JSON, like on the wire', async (t) => {
  const bus = new MemoryBus();
  const sent = { n: 1, when: new Date(0), gone: undefined as unknown };
  let got: unknown;
  await bus.subscribe('copy', (m) => void (got = m.data));
  await bus.publish('copy', sent);
  await bus.close();
  t.same(got, { n: 1, when: '1970-01-01T00:00:00.000Z' }, 'a JSON copy');
  t.not(got, sent, 'not the same object');
});

t.test('MemoryBus: invalid subjects and tokens are refused with E_BUS_SUBJECT', async (t) => {
  const bus = new MemoryBus();
  await t.rejects(bus.publish('a.*', 1), { code: 'E_BUS_SUBJECT' }, 'no wildcard in a publish subject');
  await t.rejects(bus.subscribe('a.>.b', () => undefined), { code: 'E_BUS_SUBJECT' }, "'>' only last");
  await t.rejects(bus.enqueueJob('run.with.dots', 'train', 'j', {}), { code: 'E_BUS_SUBJECT' }, 'a run id is one token');
  await bus.close();
});

import t from 'tap';
import { existsSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';
import { startNatsServer } from '../src/testing/nats-server.ts';

t.test('startNatsServer: own port and store, restart on the same port, stop by pid', async (t) => {
  const srv = await startNatsServer();
  t.not(srv.port, 4222, 'not the system server port');
  t.ok(existsSync(srv.storeDir), 'a temp store dir');
  const firstPid = srv.pid;
  process.kill(firstPid, 0); // throws if not running
  const nc = await connect({ servers: srv.url });
  t.ok(nc.info?.jetstream, 'JetStream enabled');
  await nc.close();
  await srv.restart();
  t.not(srv.pid, firstPid, 'a new process');
  const nc2 = await connect({ servers: srv.url });
  t.equal(nc2.info?.port, srv.port, 'listening on the same port');
  await nc2.close();
  const lastPid = srv.pid;
  await srv.stop();
  t.throws(() => process.kill(lastPid, 0), 'the process is gone');
  t.notOk(existsSync(srv.storeDir), 'the temp store is removed');
});

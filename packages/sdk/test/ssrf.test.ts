import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataMasterError } from '../src/errors.ts';
import { buildPluginContext } from '../src/plugin/context.ts';
import { LimitedHttpClient, type HttpClientOptions } from '../src/plugin/http.ts';
import { createMemoryLogger } from '../src/plugin/logger.ts';
import { classifyAddress, HTTP_ALLOW_ENV, NetGuard, parseAllowList, type HostResolver, type ResolvedAddress } from '../src/plugin/net-guard.ts';
import { secretRedactor } from '../src/plugin/redact.ts';
import { startLoopback } from '../src/testing/loopback.ts';

// No test here reaches the internet: every host name goes through an injected resolver (or is `localhost`), and
// every connection that is let through goes to a loopback server of this file.

const waits: number[] = [];
const client = (o: HttpClientOptions = {}) =>
  new LimitedHttpClient({ backoffBaseMs: 1, sleep: async (ms) => void waits.push(ms), ...o });

async function refusal(p: Promise<unknown>): Promise<DataMasterError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DataMasterError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

/** A resolver from a table; records every name asked. Unknown names fail like getaddrinfo does. */
function resolver(table: Record<string, string[] | (() => string[])>): HostResolver & { asked: string[] } {
  const asked: string[] = [];
  const fn = async (host: string): Promise<ResolvedAddress[]> => {
    asked.push(host);
    const entry = table[host];
    if (!entry) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    const list = typeof entry === 'function' ? entry() : entry;
    return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(fn, { asked });
}

// The canary: a loopback server that answers everything. A refused request must never arrive here.
const canary = await startLoopback({
  '/ok': { body: { reached: true } },
  '/hop': { status: 302, headers: { location: '/ok' } },
});
t.teardown(() => canary.close());
const port = canary.port;
const canaryHost = `127.0.0.1:${port}`;

t.test('addresses: every internal class is recognised, public ones are not', async (t) => {
  const internal: [string, string][] = [
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'cgnat'],
    ['100.100.100.200', 'cgnat'], // Alibaba Cloud metadata
    ['169.254.169.254', 'link-local'], // AWS/GCP/Azure metadata
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd00:ec2::254', 'unique-local'], // AWS IPv6 metadata
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['::127.0.0.1', 'loopback'], // IPv4-compatible
    ['::7f00:1', 'loopback'],
    ['::8.8.8.8', 'reserved'], // IPv4-compatible forms are deprecated: refused whatever they embed
    ['64:ff9b::a9fe:a9fe', 'link-local'], // NAT64
    ['2002:7f00:1::', 'loopback'], // 6to4
    ['not-an-ip', 'invalid'],
  ];
  for (const [address, kind] of internal) t.equal(classifyAddress(address)?.kind, kind, `${address} is ${kind}`);
  for (const address of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '172.15.255.255', '100.128.0.1', '169.253.0.1', '93.184.216.34', '2606:4700:4700::1111', '2a00:1450:4001::200e', '::ffff:8.8.8.8']) {
    t.equal(classifyAddress(address), undefined, `${address} is public`);
  }
  t.match(classifyAddress('::ffff:7f00:1')?.what, /IPv4-mapped form of a loopback address \(127\.0\.0\.1\)/);
});

t.test('numeric host forms normalise to the loopback address and are refused before connecting', async (t) => {
  const forms = [
    `http://127.0.0.1:${port}/ok`,
    `http://2130706433:${port}/ok`,
    `http://0x7f000001:${port}/ok`,
    `http://0177.0.0.1:${port}/ok`,
    `http://127.1:${port}/ok`,
    `http://0x7f.0.0.1:${port}/ok`,
    `http://127.0.0.1.:${port}/ok`,
    `http://[::1]:${port}/ok`,
    `http://[::ffff:127.0.0.1]:${port}/ok`,
    `http://[::ffff:7f00:1]:${port}/ok`,
    `http://[0:0:0:0:0:ffff:127.0.0.1]:${port}/ok`,
    `http://[::127.0.0.1]:${port}/ok`,
    `http://0.0.0.0:${port}/ok`,
    `http://0:${port}/ok`,
    `http://[::]:${port}/ok`,
    `HTTP://LOCALHOST:${port}/ok`,
  ];
  const before = canary.requests.length;
  waits.length = 0;
  for (const url of forms) {
    const err = await refusal(client().request(url));
    t.equal(err.code, 'E_HTTP_BLOCKED', `${url} is refused`);
    t.match(err.message, /plugins may not reach internal addresses; allow it with DATAMASTER_HTTP_ALLOW=/, `${url}: the message says why and how to allow it`);
    t.match(String(err.details.kind), /^(loopback|unspecified|reserved)$/, `${url}: kind ${String(err.details.kind)}`);
  }
  t.equal(canary.requests.length, before, 'not one of them reached the server');
  t.same(waits, [], 'a refusal is final: no retry');
  // What the WHATWG parser does with the odd forms (the guard sees the normalised host):
  t.equal(new URL(`http://0x7f000001/`).hostname, '127.0.0.1');
  t.equal(new URL(`http://2130706433/`).hostname, '127.0.0.1');
  t.equal(new URL(`http://0177.0.0.1/`).hostname, '127.0.0.1');
  t.equal(new URL(`http://[::ffff:127.0.0.1]/`).hostname, '[::ffff:7f00:1]');
  const mapped = await refusal(client().request(`http://[::ffff:127.0.0.1]:${port}/ok`));
  t.match(mapped.message, /::ffff:7f00:1 is an IPv4-mapped form of a loopback address \(127\.0\.0\.1\)/);
});

t.test('metadata and private addresses are refused with the address, the reason and the allow hint', async (t) => {
  const err = await refusal(client().request('http://169.254.169.254/latest/meta-data/iam/security-credentials/'));
  t.equal(err.code, 'E_HTTP_BLOCKED');
  t.equal(
    err.message,
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/: refused: 169.254.169.254 is a link-local address; plugins may not reach internal addresses; allow it with DATAMASTER_HTTP_ALLOW=169.254.169.254 if this is a private mirror you trust',
  );
  t.same(err.details, {
    url: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
    address: '169.254.169.254',
    host: '169.254.169.254',
    port: 80,
    kind: 'link-local',
    allow: '169.254.169.254',
  });
  const cases: [string, string][] = [
    ['http://10.0.0.1/', 'private'],
    ['http://172.16.5.4:8080/', 'private'],
    ['https://192.168.0.1/', 'private'],
    ['http://100.100.100.200/latest/meta-data/', 'cgnat'],
    ['http://[fd00:ec2::254]/latest/meta-data/', 'unique-local'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://[ff02::1]/', 'multicast'],
    ['http://255.255.255.255/', 'broadcast'],
    ['http://[::ffff:a9fe:a9fe]/', 'link-local'],
  ];
  for (const [url, kind] of cases) {
    const e = await refusal(client().request(url, { retries: 0, timeoutMs: 1000 }));
    t.equal(e.code, 'E_HTTP_BLOCKED', url);
    t.equal(e.details.kind, kind, `${url} is ${kind}`);
  }
  const withPort = await refusal(client().request('http://172.16.5.4:8080/'));
  t.match(withPort.message, /DATAMASTER_HTTP_ALLOW=172\.16\.5\.4:8080 /, 'the hint names the port when the URL has one');
  const v6 = await refusal(client().request('http://[fd00:ec2::254]/'));
  t.match(v6.message, /DATAMASTER_HTTP_ALLOW=\[fd00:ec2::254\] /, 'IPv6 hints are bracketed');
});

t.test('a public-looking name that resolves to an internal address is refused; so is any mix', async (t) => {
  const resolve = resolver({
    'data.example.org': ['127.0.0.1'],
    'cdn.example.net': ['93.184.216.34', '10.20.30.40'],
    'v6.example.com': ['::ffff:169.254.169.254'],
  });
  const before = canary.requests.length;
  const err = await refusal(client({ resolve }).request(`http://data.example.org:${port}/ok`));
  t.equal(err.code, 'E_HTTP_BLOCKED');
  t.match(err.message, new RegExp(`^http://data\\.example\\.org:${port}/ok: refused: data\\.example\\.org resolves to 127\\.0\\.0\\.1, a loopback address; .*DATAMASTER_HTTP_ALLOW=data\\.example\\.org:${port} if`));
  const mixed = await refusal(client({ resolve }).request('https://cdn.example.net/file.csv'));
  t.equal(mixed.code, 'E_HTTP_BLOCKED', 'one internal address among public ones is enough to refuse');
  t.equal(mixed.details.address, '10.20.30.40');
  t.match(mixed.message, /cdn\.example\.net resolves to 10\.20\.30\.40, a private \(RFC 1918\) address/);
  const v6 = await refusal(client({ resolve }).request('http://v6.example.com/'));
  t.match(v6.message, /resolves to ::ffff:169\.254\.169\.254, an IPv4-mapped form of a link-local address/);
  t.equal(canary.requests.length, before, 'nothing reached the server');
  t.same(resolve.asked, ['data.example.org', 'cdn.example.net', 'v6.example.com'], 'one lookup each');
});

t.test('localhost through the system resolver is refused', async (t) => {
  const before = canary.requests.length;
  const err = await refusal(client().request(`http://localhost:${port}/ok`));
  t.equal(err.code, 'E_HTTP_BLOCKED');
  t.match(err.message, /localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
  t.equal(canary.requests.length, before);
});

t.test('a redirect from an allowed server to an internal address is refused at that hop', async (t) => {
  const other = await startLoopback({ '/secret': { body: { leaked: true } } });
  t.teardown(() => other.close());
  const hop = await startLoopback({
    '/to-metadata': { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } },
    '/to-other': { status: 307, headers: { location: `${other.url}/secret` } },
    '/to-name': { status: 301, headers: { location: `http://internal.example:${other.port}/secret` } },
    '/to-mapped': { status: 308, headers: { location: `http://[::ffff:127.0.0.1]:${other.port}/secret` } },
  });
  t.teardown(() => hop.close());
  const resolve = resolver({ 'internal.example': ['127.0.0.1'] });
  const c = client({ allow: [new URL(hop.url).host], resolve });

  const meta = await refusal(c.request(`${hop.url}/to-metadata?api_key=sekrit`));
  t.equal(meta.code, 'E_HTTP_BLOCKED');
  t.equal(meta.details.url, 'http://169.254.169.254/latest/meta-data/', 'the error names the hop that was refused');
  t.equal(meta.details.redirectedFrom, `${hop.url}/to-metadata?api_key=redacted`, 'and where the redirect came from, redacted');
  t.match(meta.message, /169\.254\.169\.254 is a link-local address \(reached by a redirect from http:\/\/127\.0\.0\.1:\d+\/to-metadata\?api_key=redacted\)/);
  t.notMatch(meta.message, /sekrit/);

  for (const path of ['/to-other', '/to-name', '/to-mapped']) {
    const err = await refusal(c.request(`${hop.url}${path}`));
    t.equal(err.code, 'E_HTTP_BLOCKED', `${path}: refused at the hop`);
    t.equal(err.details.kind, 'loopback');
  }
  t.equal(other.requests.length, 0, 'the internal server behind the redirects was never reached');
  t.equal(hop.requests.length, 4, 'the allowed server was asked once per request');
  t.same(resolve.asked, ['internal.example'], 'the redirect target name was resolved and checked');

  // The same redirects go through once the target is allowed too (an allow list is per host and port).
  const both = client({ allow: [new URL(hop.url).host, new URL(other.url).host], resolve });
  t.same(await both.json(`${hop.url}/to-other`), { leaked: true });
  t.equal(other.requests.length, 1);
});

t.test('allow-listed targets work: host:port, CIDR, host name (connected to the checked address)', async (t) => {
  const before = canary.requests.length;
  t.same(await client({ allow: [canaryHost] }).json(`${canary.url}/ok`), { reached: true }, 'exact IP and port');
  t.same(await client({ allow: ['127.0.0.0/8'] }).json(`${canary.url}/ok`), { reached: true }, 'a CIDR, any port');
  t.same(await client({ allow: ['::ffff:127.0.0.0/104'] }).json(`${canary.url}/ok`), { reached: true }, 'an IPv4-mapped CIDR covers IPv4');
  t.same(await client({ allow: [`127.0.0.1:${port}`] }).json(`http://0x7f000001:${port}/ok`), { reached: true }, 'numeric forms meet the same rule');
  // mirror.internal is unknown to the system resolver: the request only succeeds if the socket connects to the
  // address the guard checked (no second lookup).
  const resolve = resolver({ 'mirror.internal': ['127.0.0.1'] });
  t.same(await client({ allow: ['mirror.internal'], resolve }).json(`http://mirror.internal:${port}/ok`), { reached: true }, 'a host name');
  t.same(await client({ allow: ['*.internal'], resolve }).json(`http://mirror.internal:${port}/ok`), { reached: true }, 'a subdomain wildcard');
  t.equal(canary.requests.at(-1)?.headers.host, `mirror.internal:${port}`, 'the Host header keeps the name');
  t.equal(canary.requests.length - before, 6);

  // A port-bound rule lets through nothing else.
  const other = await refusal(client({ allow: ['127.0.0.1:1'] }).request(`${canary.url}/ok`));
  t.equal(other.code, 'E_HTTP_BLOCKED');
  const wrongName = await refusal(client({ allow: ['mirror.internal:1'], resolve }).request(`http://mirror.internal:${port}/ok`));
  t.equal(wrongName.code, 'E_HTTP_BLOCKED');
  const otherHost = await refusal(client({ allow: ['other.internal'], resolve }).request(`http://mirror.internal:${port}/ok`));
  t.equal(otherHost.code, 'E_HTTP_BLOCKED', 'allowing one name does not allow another that resolves alike');
  t.equal(canary.requests.length - before, 6, 'none of those arrived');
});

t.test('DNS rebinding: the connection uses the checked address; every request and every hop is checked again', async (t) => {
  // The first answer is the (allowed) loopback server, every later one the metadata address.
  let n = 0;
  const resolve = resolver({ 'rebind.example': () => (n++ === 0 ? ['127.0.0.1'] : ['169.254.169.254']) });
  const c = client({ allow: [canaryHost], resolve });
  const before = canary.requests.length;
  t.same(await c.json(`http://rebind.example:${port}/ok`), { reached: true }, 'connected to the address checked, without a second lookup');
  t.equal(resolve.asked.length, 1, 'one lookup for one request');
  const again = await refusal(c.request(`http://rebind.example:${port}/ok`));
  t.equal(again.code, 'E_HTTP_BLOCKED', 'the next request is checked again (a pooled connection is no way round)');
  t.match(again.message, /rebind\.example resolves to 169\.254\.169\.254, a link-local address/);

  // A same-host redirect is a new hop: resolved and checked again.
  n = 0;
  const hop = await refusal(c.request(`http://rebind.example:${port}/hop`));
  t.equal(hop.code, 'E_HTTP_BLOCKED');
  t.equal(hop.details.url, `http://rebind.example:${port}/ok`);
  t.equal(canary.requests.length - before, 2, 'the first request and the redirecting hop arrived; the rebound hop did not');
});

t.test('lookup failures are network errors (retried), not refusals', async (t) => {
  waits.length = 0;
  const err = await refusal(client({ resolve: resolver({}) }).request('http://no-such-host.example/', { retries: 2 }));
  t.equal(err.code, 'E_HTTP_NETWORK');
  t.match(err.message, /ENOTFOUND looking up no-such-host\.example/);
  t.same(waits, [1, 2]);
  const empty = await refusal(client({ resolve: async () => [] }).request('http://empty.example/', { retries: 0 }));
  t.equal(empty.code, 'E_HTTP_NETWORK');
});

t.test('only http(s) URLs without user info are fetched', async (t) => {
  for (const url of ['file:///etc/passwd', 'gopher://127.0.0.1:70/', 'ftp://example.org/x', 'not a url', `http://user:pw@127.0.0.1:${port}/ok`]) {
    const err = await refusal(client({ allow: [canaryHost] }).request(url));
    t.equal(err.code, 'E_HTTP_URL', url);
    t.notMatch(err.message, /pw@/, 'user info is redacted');
  }
});

t.test('refusals carry no secrets', async (t) => {
  const token = 'hf_TopSecretValue42';
  const c = client({ redact: secretRedactor([token]), resolve: resolver({ [`${token.toLowerCase()}.example`]: ['10.0.0.1'] }) });
  const err = await refusal(c.request(`http://10.0.0.1/path/${token}?token=${token}&q=1`));
  t.equal(err.code, 'E_HTTP_BLOCKED');
  t.notMatch(err.message, token);
  t.notMatch(JSON.stringify(err.details), token);
  t.match(err.message, /q=1/);
});

t.test('the allow list: forms, and errors that say what to write', async (t) => {
  const rules = parseAllowList('mirror.internal, *.corp.example:8443 10.0.0.0/8,127.0.0.1:8080,[::1]:9000,fd00::/8,::1,[fd00::/8]:443');
  t.same(
    rules.map((r) => [r.type, r.host ?? r.bits, r.port ?? null]),
    [
      ['host', 'mirror.internal', null],
      ['suffix', 'corp.example', 8443],
      ['net', 104, null],
      ['net', 128, 8080],
      ['net', 128, 9000],
      ['net', 8, null],
      ['net', 128, null],
      ['net', 8, 443],
    ],
  );
  for (const [bad, why] of [
    ['10.0.0.0/33', /invalid prefix length/],
    ['host:0', /invalid port '0'/],
    ['host:http', /invalid port 'http'/],
    ['[::1', /without '\]'/],
    ['[mirror]:80', /not an IPv6 address/],
    ['::1:80x', /not a valid IPv6 address/],
    ['bad_host!', /not a host name, IP address or CIDR/],
  ] as const) {
    const err = t.throws(() => parseAllowList(bad, HTTP_ALLOW_ENV)) as DataMasterError;
    t.equal(err.code, 'E_HTTP_ALLOW', bad);
    t.match(err.message, why, bad);
    t.match(err.message, new RegExp(`^${HTTP_ALLOW_ENV}: allow entry`), 'names where the entry came from');
  }
  const guard = new NetGuard({ allow: ['[::1]:9000'], resolve: resolver({}) });
  t.same(await guard.check(new URL('http://[::1]:9000/')), { ok: true, host: '::1', port: 9000, addresses: [{ address: '::1', family: 6 }], allowedBy: '[::1]:9000' });
  t.equal((await guard.check(new URL('http://[::1]:9001/'))).ok, false);
  const pub = new NetGuard({ resolve: resolver({ 'data.example.org': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'] }) });
  t.same(await pub.check(new URL('https://data.example.org/x.csv')), {
    ok: true,
    host: 'data.example.org',
    port: 443,
    addresses: [
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
    ],
  }, 'a public name passes with every address to pin');
});

t.test('the plugin context: DATAMASTER_HTTP_ALLOW and http.allow add up; a bad entry fails at build time', async (t) => {
  const runDir = mkdtempSync(join(tmpdir(), 'dm-ssrf-'));
  t.teardown(() => rmSync(runDir, { recursive: true, force: true }));
  const second = await startLoopback({ '/ok': { body: { second: true } } });
  t.teardown(() => second.close());

  const log = createMemoryLogger();
  const none = buildPluginContext({ name: 'p', config: {}, runDir, env: { KEY: 'sekrit-value' }, secrets: ['KEY'], logger: log }).ctx;
  t.equal((await refusal(none.http.request(`${canary.url}/ok?q=sekrit-value`))).code, 'E_HTTP_BLOCKED', 'no allow list: loopback refused');
  t.equal(log.entries.length, 1, 'the refusal is logged (a plugin may swallow the error)');
  t.equal(log.entries[0]?.level, 'warn');
  t.match(log.entries[0]?.msg, /^\[p\] http request refused: internal address/);
  t.match(log.entries[0]?.fields, { address: '127.0.0.1', kind: 'loopback', url: `${canary.url}/ok?q=[redacted]` });

  const both = buildPluginContext({ name: 'p', config: {}, runDir, env: { [HTTP_ALLOW_ENV]: canaryHost }, http: { allow: [new URL(second.url).host] } }).ctx;
  t.same(await both.http.json(`${canary.url}/ok`), { reached: true }, 'from the environment');
  t.same(await both.http.json(`${second.url}/ok`), { second: true }, 'from the option');
  t.equal((await refusal(both.http.request(`http://127.0.0.1:1/`))).code, 'E_HTTP_BLOCKED', 'nothing else');

  const bad = t.throws(() => buildPluginContext({ name: 'p', config: {}, runDir, env: { [HTTP_ALLOW_ENV]: '10.0.0.0/99' } })) as DataMasterError;
  t.equal(bad.code, 'E_HTTP_ALLOW');
  t.match(bad.message, /^DATAMASTER_HTTP_ALLOW: allow entry '10\.0\.0\.0\/99'/);
  const badOpt = t.throws(() => buildPluginContext({ name: 'p', config: {}, runDir, env: {}, http: { allow: ['a b c:x'] } })) as DataMasterError;
  t.match(badOpt.message, /^plugin p: http\.allow: allow entry 'c:x' has an invalid port/);
});

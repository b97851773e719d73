import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { DataMasterError } from '../errors.ts';

/**
 * The SSRF guard of the plugin HTTP client. Before every connection (and every redirect hop) the host is resolved,
 * every address it resolves to is classified, and the request is refused when any of them is internal (loopback,
 * private, link-local, ...) unless an explicit allow list lets it through. The checked addresses are then the only
 * ones the connection may use (see `pinnedLookup`), so a second DNS answer cannot swap in another address.
 */

/** The environment variable with extra allowed targets: comma-separated hosts, IPs, CIDRs, each optionally with :port. */
export const HTTP_ALLOW_ENV = 'DATAMASTER_HTTP_ALLOW';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (default: dns.lookup with all: true). Tests inject their own. */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: HostResolver = async (hostname) => {
  const found = await dnsLookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

// ---- addresses ----

/** An address as 16 bytes; IPv4 is stored IPv4-mapped (::ffff:a.b.c.d) so both families share one table. */
type Bytes = Uint8Array;

function parseIPv4(text: string): Bytes | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[12 + i] = n;
  }
  return out;
}

function parseIPv6(text: string): Bytes | undefined {
  let s = text;
  const zone = s.indexOf('%');
  if (zone !== -1) s = s.slice(0, zone);
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (isIP(s) !== 6) return undefined;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    // a dotted IPv4 tail (::ffff:127.0.0.1) becomes two hex groups
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (!v4) return undefined;
    s = `${s.slice(0, lastColon + 1)}${((v4[12]! << 8) | v4[13]!).toString(16)}:${((v4[14]! << 8) | v4[15]!).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === '' ? [] : h.split(':').map((g) => parseInt(g, 16)));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  const fill = 8 - head.length - rest.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return undefined;
  const all = [...head, ...new Array<number>(fill).fill(0), ...rest];
  if (all.length !== 8 || all.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff)) return undefined;
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/** Parses a literal IPv4 (dotted quad) or IPv6 address (brackets and zone allowed) to 16 bytes, else undefined. */
export function parseAddress(text: string): Bytes | undefined {
  return isIP(text) === 4 ? parseIPv4(text) : parseIPv6(text);
}

function v4Of(b: Bytes): string {
  return `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
}

function inPrefix(b: Bytes, net: Bytes, bits: number): boolean {
  for (let i = 0; i < 16; i++) {
    const take = Math.max(0, Math.min(8, bits - 8 * i));
    if (take === 0) return true;
    const mask = (0xff << (8 - take)) & 0xff;
    if ((b[i]! & mask) !== (net[i]! & mask)) return false;
  }
  return true;
}

interface Range {
  net: Bytes;
  bits: number;
  kind: string;
  /** "a loopback address" etc., for messages. */
  what: string;
}

const range = (cidr: string, kind: string, what: string): Range => {
  const [addr, len] = cidr.split('/') as [string, string];
  const v4 = isIP(addr) === 4;
  return { net: parseAddress(addr)!, bits: Number(len) + (v4 ? 96 : 0), kind, what };
};

/** Internal or otherwise not globally reachable IPv4 ranges (IANA special-purpose registry, the parts that matter). */
const V4_RANGES: Range[] = [
  range('0.0.0.0/8', 'unspecified', 'an unspecified ("this host") address'),
  range('127.0.0.0/8', 'loopback', 'a loopback address'),
  range('10.0.0.0/8', 'private', 'a private (RFC 1918) address'),
  range('172.16.0.0/12', 'private', 'a private (RFC 1918) address'),
  range('192.168.0.0/16', 'private', 'a private (RFC 1918) address'),
  range('100.64.0.0/10', 'cgnat', 'a carrier-grade NAT (shared, RFC 6598) address'),
  range('169.254.0.0/16', 'link-local', 'a link-local address'),
  range('192.0.0.0/24', 'reserved', 'an IETF protocol-assignment address'),
  range('198.18.0.0/15', 'reserved', 'a benchmarking-network address'),
  range('224.0.0.0/4', 'multicast', 'a multicast address'),
  range('255.255.255.255/32', 'broadcast', 'the broadcast address'),
  range('240.0.0.0/4', 'reserved', 'a reserved (240/4) address'),
];

const V6_RANGES: Range[] = [
  range('::/128', 'unspecified', 'the unspecified address'),
  range('::1/128', 'loopback', 'a loopback address'),
  range('fe80::/10', 'link-local', 'a link-local address'),
  range('fec0::/10', 'site-local', 'a site-local address'),
  range('fc00::/7', 'unique-local', 'a unique-local (private) address'),
  range('ff00::/8', 'multicast', 'a multicast address'),
  range('100::/64', 'reserved', 'a discard-only address'),
  range('64:ff9b:1::/48', 'reserved', 'a local-use NAT64 address'),
];

/** IPv6 forms that carry an IPv4 address: the embedded address is what gets reached. */
const EMBEDDED: { net: Bytes; bits: number; form: string; at: number }[] = [
  { ...range('::ffff:0:0/96', '', ''), form: 'an IPv4-mapped', at: 12 },
  { ...range('::/96', '', ''), form: 'an IPv4-compatible', at: 12 },
  { ...range('64:ff9b::/96', '', ''), form: 'a NAT64', at: 12 },
  { ...range('2002::/16', '', ''), form: 'a 6to4', at: 2 },
];

export interface AddressClass {
  /** loopback, private, link-local, unspecified, cgnat, unique-local, site-local, multicast, broadcast, reserved */
  kind: string;
  /** Words for a message: "a link-local address", "an IPv4-mapped form of a loopback address". */
  what: string;
}

function classifyBytes(b: Bytes, family: 4 | 6): AddressClass | undefined {
  const isMapped = inPrefix(b, EMBEDDED[0]!.net, 96);
  if (family === 4 || isMapped) {
    const hit = V4_RANGES.find((r) => inPrefix(b, r.net, r.bits));
    if (!hit) return undefined;
    return family === 4 ? { kind: hit.kind, what: hit.what } : { kind: hit.kind, what: `an IPv4-mapped form of ${hit.what} (${v4Of(b)})` };
  }
  const own = V6_RANGES.find((r) => inPrefix(b, r.net, r.bits));
  if (own) return { kind: own.kind, what: own.what };
  for (const e of EMBEDDED.slice(1)) {
    if (!inPrefix(b, e.net, e.bits)) continue;
    const inner = new Uint8Array(16);
    inner[10] = 0xff;
    inner[11] = 0xff;
    inner.set(b.subarray(e.at, e.at + 4), 12);
    const hit = V4_RANGES.find((r) => inPrefix(inner, r.net, r.bits));
    if (hit) return { kind: hit.kind, what: `${e.form} form of ${hit.what} (${v4Of(inner)})` };
    // IPv4-compatible addresses are deprecated (RFC 4291) and never legitimately used: refuse them all.
    if (e.form === 'an IPv4-compatible') return { kind: 'reserved', what: 'a deprecated IPv4-compatible IPv6 address' };
  }
  return undefined;
}

/**
 * Why an address may not be reached by default, or undefined for a public address. Anything that is not a
 * literal IP address is refused as unparseable (fail closed).
 */
export function classifyAddress(address: string): AddressClass | undefined {
  const family = isIP(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  const b = parseAddress(address);
  if (!b || family === 0) return { kind: 'invalid', what: 'not an IP address the guard can check' };
  return classifyBytes(b, family === 4 ? 4 : 6);
}

// ---- allow list ----

export interface AllowRule {
  /** The entry as written. */
  text: string;
  /** host: that host name; suffix: any subdomain of `host`; net: an address or CIDR. */
  type: 'host' | 'suffix' | 'net';
  host?: string;
  net?: Bytes;
  bits?: number;
  port?: number;
}

function badEntry(entry: string, origin: string, why: string): DataMasterError {
  return new DataMasterError(
    'E_HTTP_ALLOW',
    `${origin}: allow entry '${entry}' ${why}; write a host name (mirror.internal, *.corp.example), an IP (10.0.0.7, ::1), a CIDR (10.0.0.0/8, fd00::/8), each optionally with a port (mirror.internal:8080, 127.0.0.1:8080, [::1]:8080, [fd00::/8]:443), separated by commas`,
    { entry, origin },
  );
}

function parsePort(text: string, entry: string, origin: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) throw badEntry(entry, origin, `has an invalid port '${text}'`);
  return Number(text);
}

function parseNet(target: string, entry: string, origin: string): { net: Bytes; bits: number } | undefined {
  const slash = target.indexOf('/');
  const addr = slash === -1 ? target : target.slice(0, slash);
  const family = isIP(addr);
  if (family === 0) {
    if (slash !== -1) throw badEntry(entry, origin, `is not a CIDR: '${addr}' is not an IP address`);
    return undefined;
  }
  const net = parseAddress(addr)!;
  const max = family === 4 ? 32 : 128;
  let bits = max;
  if (slash !== -1) {
    const len = target.slice(slash + 1);
    if (!/^\d{1,3}$/.test(len) || Number(len) > max) throw badEntry(entry, origin, `has an invalid prefix length '/${len}' (0 to ${max})`);
    bits = Number(len);
  }
  return { net, bits: family === 4 ? bits + 96 : bits };
}

/** Parses allow entries (an array, or one comma/space-separated string). `origin` names where they came from in errors. */
export function parseAllowList(entries: string | readonly string[] | undefined, origin = 'allow list'): AllowRule[] {
  if (entries === undefined) return [];
  const list = (typeof entries === 'string' ? [entries] : entries).flatMap((e) => e.split(/[\s,]+/)).filter((e) => e !== '');
  return list.map((text): AllowRule => {
    let target = text;
    let port: number | undefined;
    if (target.startsWith('[')) {
      const close = target.indexOf(']');
      if (close === -1) throw badEntry(text, origin, "has '[' without ']'");
      const after = target.slice(close + 1);
      if (after !== '' && !after.startsWith(':')) throw badEntry(text, origin, `has '${after}' after ']'`);
      if (after !== '') port = parsePort(after.slice(1), text, origin);
      target = target.slice(1, close);
      const net = parseNet(target, text, origin);
      if (!net || isIP(target.split('/')[0]!) !== 6) throw badEntry(text, origin, 'has brackets around something that is not an IPv6 address or CIDR');
      return { text, type: 'net', ...net, ...(port !== undefined ? { port } : {}) };
    }
    const colons = (target.match(/:/g) ?? []).length;
    if (colons === 1) {
      port = parsePort(target.slice(target.indexOf(':') + 1), text, origin);
      target = target.slice(0, target.indexOf(':'));
    }
    const net = parseNet(target, text, origin);
    if (net) return { text, type: 'net', ...net, ...(port !== undefined ? { port } : {}) };
    if (colons > 1) throw badEntry(text, origin, 'is not a valid IPv6 address (put a port after brackets: [::1]:8080)');
    let host = target.toLowerCase().replace(/\.$/, '');
    let type: AllowRule['type'] = 'host';
    if (host.startsWith('*.')) {
      type = 'suffix';
      host = host.slice(2);
    }
    if (!/^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/.test(host)) {
      throw badEntry(text, origin, 'is not a host name, IP address or CIDR');
    }
    return { text, type, host, ...(port !== undefined ? { port } : {}) };
  });
}

// ---- the guard ----

export interface NetGuardOptions {
  /** Targets let through although internal: host names, IPs, CIDRs, optionally with a port. */
  allow?: string | readonly string[];
  /** Resolver for host names (default: dns.lookup, all addresses). */
  resolve?: HostResolver;
}

/** A target the guard let through: connect only to `addresses`. */
export interface GuardPass {
  ok: true;
  host: string;
  port: number;
  addresses: ResolvedAddress[];
  /** The allow entry that let an internal address through, if one did. */
  allowedBy?: string;
}

/** A refused target: the first internal address and why. */
export interface GuardRefusal {
  ok: false;
  host: string;
  port: number;
  address: string;
  /** Whether the host was an IP literal (then "is X") rather than a name that "resolves to X". */
  literal: boolean;
  kind: string;
  what: string;
  /** An allow entry that would let exactly this target through. */
  suggestion: string;
}

export type GuardVerdict = GuardPass | GuardRefusal;

function defaultPort(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** Refuses internal targets unless allowed; resolves names once so the caller can pin the checked addresses. */
export class NetGuard {
  readonly rules: AllowRule[];
  private readonly resolver: HostResolver;

  constructor(options: NetGuardOptions = {}) {
    this.rules = parseAllowList(options.allow);
    this.resolver = options.resolve ?? systemResolver;
  }

  /**
   * Checks a URL's host. Throws what the resolver throws (an unknown host, for example): that is a network
   * error, not a refusal. Literal IP hosts are checked without a lookup.
   */
  async check(url: URL): Promise<GuardVerdict> {
    const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
    const port = defaultPort(url);
    const literal = isIP(host) !== 0;
    let addresses: ResolvedAddress[];
    if (literal) {
      addresses = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
    } else {
      addresses = await this.resolver(host.replace(/\.$/, ''));
      if (addresses.length === 0) {
        throw Object.assign(new Error(`${host} resolved to no address`), { code: 'ENOTFOUND' });
      }
    }
    const name = host.replace(/\.$/, '');
    const hostRule = literal ? undefined : this.rules.find((r) => (r.port === undefined || r.port === port) && (r.type === 'host' ? r.host === name : r.type === 'suffix' && (name === r.host || name.endsWith(`.${r.host}`))));
    let allowedBy: string | undefined;
    for (const a of addresses) {
      const cls = classifyAddress(a.address);
      if (!cls) continue;
      if (hostRule && cls.kind !== 'invalid') {
        allowedBy ??= hostRule.text;
        continue;
      }
      const bytes = parseAddress(a.address);
      const netRule = bytes && cls.kind !== 'invalid' ? this.rules.find((r) => r.type === 'net' && (r.port === undefined || r.port === port) && inPrefix(bytes, r.net!, r.bits!)) : undefined;
      if (netRule) {
        allowedBy ??= netRule.text;
        continue;
      }
      const suggestTarget = literal ? (host.includes(':') ? `[${host}]` : host) : name;
      return {
        ok: false,
        host: name,
        port,
        address: a.address,
        literal,
        kind: cls.kind,
        what: cls.what,
        suggestion: url.port ? `${suggestTarget}:${port}` : suggestTarget,
      };
    }
    return { ok: true, host: name, port, addresses, ...(allowedBy ? { allowedBy } : {}) };
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | { address: string; family: number }[], family?: number) => void;

/**
 * A `lookup` for http.request / net.connect that answers only with the checked addresses, so the socket connects
 * to exactly what the guard saw (no second DNS query that could return something else).
 */
export function pinnedLookup(addresses: readonly ResolvedAddress[]) {
  return (hostname: string, options: unknown, callback?: LookupCallback): void => {
    const cb = (typeof options === 'function' ? options : callback) as LookupCallback;
    const opts = (typeof options === 'object' && options !== null ? options : typeof options === 'number' ? { family: options } : {}) as { family?: number | string; all?: boolean };
    const want = opts.family === 4 || opts.family === 'IPv4' ? 4 : opts.family === 6 || opts.family === 'IPv6' ? 6 : 0;
    const usable = addresses.filter((a) => want === 0 || a.family === want);
    if (usable.length === 0) {
      const err = Object.assign(new Error(`no checked IPv${want} address for ${hostname}`), { code: 'ENOTFOUND', hostname }) as NodeJS.ErrnoException;
      queueMicrotask(() => cb(err, opts.all ? [] : ''));
      return;
    }
    queueMicrotask(() => {
      if (opts.all) cb(null, usable.map((a) => ({ address: a.address, family: a.family })));
      else cb(null, usable[0]!.address, usable[0]!.family);
    });
  };
}

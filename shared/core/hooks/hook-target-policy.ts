// Which callback URLs KB Sync may POST to (server-side request forgery, OWASP's SSRF prevention cheat
// sheet): https only, no credentials in the URL, and no host that resolves to an address inside the
// deployment's own networks: loopback, private (RFC 1918), carrier-grade NAT (RFC 6598), link-local and
// the cloud metadata address, unique-local IPv6, multicast, unspecified and reserved ranges (IANA's
// special-purpose address registries). Local runs may use http and https on loopback (the test
// receivers and a host on the same workstation); HOOK_ALLOW_PRIVATE_TARGETS opens the private ranges
// (a host inside the same virtual network), never the metadata address or the unusable ranges.
//
// The check runs at registration and again before every delivery, on every address the name resolves
// to, and the delivery connects to the address that was checked (DNS rebinding: a name that answered
// a public address at registration may answer 127.0.0.1 later). URL parsing (WHATWG) has already
// turned decimal, octal and hex IPv4 forms (http://2130706433/, http://0177.0.0.1/) into dotted quads.
import { BlockList, isIP } from 'node:net';

export interface HookTargetPolicy {
  /** A local run (Azurite storage): http and https to localhost, 127.0.0.1 and [::1] are allowed. */
  localRun: boolean;
  /** HOOK_ALLOW_PRIVATE_TARGETS: private, CGNAT, unique-local, link-local and loopback addresses allowed. */
  allowPrivate: boolean;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (A and AAAA); a port so tests never use real DNS. */
export type AddressResolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** A URL that passed the policy, with the address the delivery must connect to. */
export interface CheckedTarget {
  url: URL;
  /** The host name as the URL names it (SNI and the certificate check use it), without IPv6 brackets. */
  hostname: string;
  address: ResolvedAddress;
}

export type TargetCheck = { ok: true; target: CheckedTarget } | { ok: false; reason: string };

type AddressClass = 'public' | 'loopback' | 'private' | 'metadata' | 'unusable';

const ranges = (entries: ReadonlyArray<[string, number, 'ipv4' | 'ipv6']>) => {
  const list = new BlockList();
  for (const [network, prefix, type] of entries) list.addSubnet(network, prefix, type);
  return list;
};

/** Never a target, whatever the settings: nothing can be listening there for us, or it is the metadata service. */
const UNUSABLE = ranges([
  ['0.0.0.0', 8, 'ipv4'], // "this network"
  ['192.0.0.0', 24, 'ipv4'], // IETF protocol assignments
  ['192.0.2.0', 24, 'ipv4'], // documentation
  ['198.18.0.0', 15, 'ipv4'], // benchmarking
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'], // multicast
  ['240.0.0.0', 4, 'ipv4'], // reserved, and the limited broadcast 255.255.255.255
  ['::', 128, 'ipv6'], // unspecified
  ['100::', 64, 'ipv6'], // discard-only
  ['2001:db8::', 32, 'ipv6'], // documentation
  ['ff00::', 8, 'ipv6'], // multicast
]);

const METADATA = ranges([
  ['169.254.169.254', 32, 'ipv4'], // Azure IMDS, AWS, GCP
  ['168.63.129.16', 32, 'ipv4'], // Azure's platform wire server
  ['fd00:ec2::254', 128, 'ipv6'], // AWS IMDS over IPv6
]);

const LOOPBACK = ranges([
  ['127.0.0.0', 8, 'ipv4'],
  ['::1', 128, 'ipv6'],
]);

const PRIVATE = ranges([
  ['10.0.0.0', 8, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT
  ['169.254.0.0', 16, 'ipv4'], // link-local
  ['fc00::', 7, 'ipv6'], // unique-local
  ['fe80::', 10, 'ipv6'], // link-local
  ['fec0::', 10, 'ipv6'], // site-local (deprecated, still routed inside some networks)
]);

/** IPv6 forms that carry an IPv4 address, which is then what is checked. */
function embeddedIpv4(address: string): string | undefined {
  const bytes = ipv6Bytes(address);
  if (!bytes) return undefined;
  const prefixIs = (prefix: number[]) => prefix.every((byte, i) => bytes[i] === byte);
  const v4 = (offset: number) => bytes.slice(offset, offset + 4).join('.');
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible, deprecated), 64:ff9b::a.b.c.d (NAT64).
  if (prefixIs([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff])) return v4(12);
  const tail = bytes.slice(12).reduce((value, byte) => value * 256 + byte, 0);
  if (prefixIs([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) && tail > 1) return v4(12); // not :: or ::1
  if (prefixIs([0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0])) return v4(12);
  // 2002:aabb:ccdd::/48 (6to4).
  if (prefixIs([0x20, 0x02])) return v4(2);
  return undefined;
}

function ipv6Bytes(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const quad = dotted[1]!.split('.').map(Number);
    text = `${text.slice(0, -dotted[1]!.length)}${((quad[0]! << 8) | quad[1]!).toString(16)}:${((quad[2]! << 8) | quad[3]!).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parts = (s: string) => (s === '' ? [] : s.split(':'));
  const groups =
    tail === undefined
      ? parts(head)
      : [...parts(head), ...Array<string>(8 - parts(head).length - parts(tail).length).fill('0'), ...parts(tail)];
  if (groups.length !== 8) return undefined;
  return groups.flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
}

export function classifyAddress(address: string): AddressClass {
  const family = isIP(address);
  if (family === 0) return 'unusable';
  if (family === 6) {
    const v4 = embeddedIpv4(address);
    if (v4 !== undefined) return classifyAddress(v4);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (METADATA.check(address, type)) return 'metadata';
  if (UNUSABLE.check(address, type)) return 'unusable';
  if (LOOPBACK.check(address, type)) return 'loopback';
  if (PRIVATE.check(address, type)) return 'private';
  return 'public';
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

/** The URL's host without IPv6 brackets, lower case (the WHATWG parser already lower-cased names). */
function bareHostname(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** The checks that need no name resolution: the URL to resolve and check further, or why it is refused. */
export function refuseByForm(raw: string, policy: HookTargetPolicy): { url: URL } | { reason: string } {
  if (!URL.canParse(raw)) return { reason: 'not a URL' };
  const url = new URL(raw);
  const hostname = bareHostname(url);
  if (url.username !== '' || url.password !== '') return { reason: 'the URL must not carry credentials' };
  if (url.hash !== '') return { reason: 'the URL must not have a fragment' };
  if (url.protocol === 'http:') {
    if (!(policy.localRun && LOOPBACK_NAMES.has(hostname)))
      return { reason: 'the URL must be https (http only for localhost in a local run)' };
  } else if (url.protocol !== 'https:') {
    return { reason: 'the URL must be https' };
  }
  return { url };
}

function refusalOf(address: string, policy: HookTargetPolicy): string | undefined {
  const kind = classifyAddress(address);
  switch (kind) {
    case 'public':
      return undefined;
    case 'loopback':
      return policy.localRun || policy.allowPrivate ? undefined : 'the host is a loopback address';
    case 'private':
      return policy.allowPrivate
        ? undefined
        : 'the host is a private, link-local or CGNAT address (HOOK_ALLOW_PRIVATE_TARGETS allows these)';
    case 'metadata':
      return 'the host is a cloud metadata address';
    case 'unusable':
      return 'the host is an unspecified, multicast, documentation or reserved address';
  }
}

/**
 * Checks a callback URL and picks the address to connect to: every address the host resolves to must
 * pass, so a name with one private answer among public ones is refused as a whole.
 */
export async function checkHookTarget(
  raw: string,
  policy: HookTargetPolicy,
  resolve: AddressResolver,
): Promise<TargetCheck> {
  const form = refuseByForm(raw, policy);
  if ('reason' in form) return { ok: false, reason: form.reason };
  const { url } = form;
  const hostname = bareHostname(url);
  let addresses: ResolvedAddress[];
  const literal = isIP(hostname);
  if (literal !== 0) addresses = [{ address: hostname, family: literal as 4 | 6 }];
  else if (hostname === 'localhost') addresses = [{ address: '127.0.0.1', family: 4 }];
  else {
    try {
      addresses = await resolve(hostname);
    } catch {
      return { ok: false, reason: 'the host name does not resolve' };
    }
  }
  if (addresses.length === 0) return { ok: false, reason: 'the host name does not resolve' };
  for (const { address } of addresses) {
    const reason = refusalOf(address, policy);
    if (reason) return { ok: false, reason };
  }
  return { ok: true, target: { url, hostname, address: addresses[0]! } };
}

// The SSRF policy of hook URLs (shared/core/hooks/hook-target-policy.ts): a table of URLs, every
// address form the WHATWG parser normalises, and names resolved by a stub (never real DNS).
import { describe, expect, it } from 'vitest';
import {
  checkHookTarget,
  classifyAddress,
  type AddressResolver,
  type HookTargetPolicy,
} from '../../../shared/core/hooks/hook-target-policy.js';

const DEPLOYED: HookTargetPolicy = { localRun: false, allowPrivate: false };
const LOCAL: HookTargetPolicy = { localRun: true, allowPrivate: false };
const PRIVATE_ALLOWED: HookTargetPolicy = { localRun: false, allowPrivate: true };

const DNS: Record<string, string[]> = {
  'public.example': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
  'internal.example': ['10.1.2.3'],
  'mixed.example': ['93.184.216.34', '192.168.1.10'],
  'metadata.example': ['169.254.169.254'],
  'mapped.example': ['::ffff:127.0.0.1'],
  'loop.example': ['127.0.0.1'],
};
const stub: AddressResolver = (hostname) => {
  const answers = DNS[hostname];
  if (!answers) return Promise.reject(new Error(`ENOTFOUND ${hostname}`));
  return Promise.resolve(answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
};
const check = async (url: string, policy: HookTargetPolicy) => {
  const result = await checkHookTarget(url, policy, stub);
  return result.ok ? `ok ${result.target.address.address}` : `refused: ${result.reason}`;
};

describe('hook target policy', () => {
  it.each([
    // url, deployed, local run, private allowed
    ['https://public.example/hook', 'ok', 'ok', 'ok'],
    ['https://93.184.216.34/hook', 'ok', 'ok', 'ok'],
    ['http://public.example/hook', 'https', 'https', 'https'],
    ['ftp://public.example/hook', 'https', 'https', 'https'],
    ['https://user:pass@public.example/hook', 'credentials', 'credentials', 'credentials'],
    ['https://user@public.example/hook', 'credentials', 'credentials', 'credentials'],
    ['https://public.example/hook#frag', 'fragment', 'fragment', 'fragment'],
    ['not a url', 'not a URL', 'not a URL', 'not a URL'],
    // Loopback in every spelling: decimal, octal, hex and short IPv4 forms normalise to 127.0.0.1.
    ['http://127.0.0.1:8080/hook', 'https', 'ok', 'https'],
    ['http://localhost:8080/hook', 'https', 'ok', 'https'],
    ['http://[::1]:8080/hook', 'https', 'ok', 'https'],
    ['https://127.0.0.1/hook', 'loopback', 'ok', 'ok'],
    ['https://2130706433/hook', 'loopback', 'ok', 'ok'],
    ['https://0177.0.0.1/hook', 'loopback', 'ok', 'ok'],
    ['https://0x7f.1/hook', 'loopback', 'ok', 'ok'],
    ['https://127.1/hook', 'loopback', 'ok', 'ok'],
    ['https://[::ffff:127.0.0.1]/hook', 'loopback', 'ok', 'ok'],
    ['https://loop.example/hook', 'loopback', 'ok', 'ok'],
    ['https://mapped.example/hook', 'loopback', 'ok', 'ok'],
    // http stays loopback-literal only, even in a local run.
    ['http://loop.example/hook', 'https', 'https', 'https'],
    ['http://127.0.0.2/hook', 'https', 'https', 'https'],
    // Private, CGNAT, link-local, unique-local.
    ['https://10.0.0.1/hook', 'private', 'private', 'ok'],
    ['https://172.16.5.4/hook', 'private', 'private', 'ok'],
    ['https://192.168.0.1/hook', 'private', 'private', 'ok'],
    ['https://100.64.0.1/hook', 'private', 'private', 'ok'],
    ['https://169.254.10.10/hook', 'private', 'private', 'ok'],
    ['https://[fd12:3456::1]/hook', 'private', 'private', 'ok'],
    ['https://[fe80::1]/hook', 'private', 'private', 'ok'],
    ['https://[::ffff:10.0.0.1]/hook', 'private', 'private', 'ok'],
    ['https://167772161/hook', 'private', 'private', 'ok'], // 10.0.0.1 in decimal
    ['https://internal.example/hook', 'private', 'private', 'ok'],
    ['https://mixed.example/hook', 'private', 'private', 'ok'],
    // Never: metadata, unspecified, multicast, reserved, documentation.
    ['https://169.254.169.254/latest/meta-data', 'metadata', 'metadata', 'metadata'],
    ['https://metadata.example/hook', 'metadata', 'metadata', 'metadata'],
    ['https://[::ffff:169.254.169.254]/hook', 'metadata', 'metadata', 'metadata'],
    ['https://[::ffff:a9fe:a9fe]/hook', 'metadata', 'metadata', 'metadata'],
    ['https://0.0.0.0/hook', 'unspecified', 'unspecified', 'unspecified'],
    ['https://0/hook', 'unspecified', 'unspecified', 'unspecified'],
    ['https://[::]/hook', 'unspecified', 'unspecified', 'unspecified'],
    ['https://224.0.0.1/hook', 'unspecified', 'unspecified', 'unspecified'],
    ['https://[ff02::1]/hook', 'unspecified', 'unspecified', 'unspecified'],
    ['https://255.255.255.255/hook', 'unspecified', 'unspecified', 'unspecified'],
    ['https://[2002:7f00:1::]/hook', 'loopback', 'ok', 'ok'], // 6to4 around 127.0.0.1
    ['https://[64:ff9b::a9fe:a9fe]/hook', 'metadata', 'metadata', 'metadata'], // NAT64 around the metadata address
    ['https://unknown.example/hook', 'resolve', 'resolve', 'resolve'],
  ])('%s: deployed %s, local run %s, private allowed %s', async (url, deployed, local, privateAllowed) => {
    const expectation = (word: string): RegExp => (word === 'ok' ? /^ok / : new RegExp(`^refused: .*${word}`));
    expect(await check(url, DEPLOYED)).toMatch(expectation(deployed));
    expect(await check(url, LOCAL)).toMatch(expectation(local));
    expect(await check(url, PRIVATE_ALLOWED)).toMatch(expectation(privateAllowed));
  });

  it('connects to the address it checked: the first answer of a name that passed', async () => {
    const result = await checkHookTarget('https://public.example/x', DEPLOYED, stub);
    expect(result).toMatchObject({
      ok: true,
      target: { hostname: 'public.example', address: { address: '93.184.216.34', family: 4 } },
    });
  });

  it('classifies the ranges (so the table above cannot pass with a checker that allows everything)', () => {
    expect(classifyAddress('8.8.8.8')).toBe('public');
    expect(classifyAddress('2001:4860:4860::8888')).toBe('public');
    expect(classifyAddress('::1')).toBe('loopback');
    expect(classifyAddress('::ffff:7f00:1')).toBe('loopback');
    expect(classifyAddress('172.31.255.255')).toBe('private');
    expect(classifyAddress('172.32.0.1')).toBe('public');
    expect(classifyAddress('100.127.255.255')).toBe('private');
    expect(classifyAddress('100.128.0.1')).toBe('public');
    expect(classifyAddress('fd00:ec2::254')).toBe('metadata');
    expect(classifyAddress('not-an-ip')).toBe('unusable');
  });
});

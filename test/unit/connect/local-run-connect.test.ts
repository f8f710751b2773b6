// Issue 10 item 10 (c, f): the "http://localhost:*" allow-list entry npm start sets by default, and
// the redirect URI built without PUBLIC_BASE_URL only from a loopback host.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/app/config.js';
import { callbackUrl } from '../../../shared/core/connect/connect-settings.js';
import { checkReturnTo } from '../../../shared/core/connect/return-to.js';

describe('returnTo on any localhost port (local runs)', () => {
  const allowed = loadConfig({
    CONNECT_RETURN_TO_ALLOWLIST: 'http://localhost:*, https://app.example.com',
  }).connect.returnToAllowlist;

  it('is a valid allow-list entry, kept as written', () => {
    expect(allowed).toEqual(['http://localhost:*', 'https://app.example.com']);
  });

  it('allows every port of http://localhost and nothing else', () => {
    for (const url of ['http://localhost:3000/settings', 'http://localhost:8080/', 'http://LOCALHOST:1/x']) {
      expect(checkReturnTo(url, allowed).ok, url).toBe(true);
    }
    for (const url of [
      'https://localhost:3000/', // another scheme
      'http://127.0.0.1:3000/', // another host unless listed
      'http://localhost.evil.net:3000/',
      'http://evil.net/?localhost:*',
      'http://localhost:3000@evil.net/',
    ]) {
      expect(checkReturnTo(url, allowed).ok, url).toBe(false);
    }
  });

  it('is refused on a non-loopback host', () => {
    expect(() => loadConfig({ CONNECT_RETURN_TO_ALLOWLIST: 'https://app.example.com:*' })).toThrow(
      /CONNECT_RETURN_TO_ALLOWLIST/,
    );
  });
});

describe('the redirect URI without PUBLIC_BASE_URL', () => {
  it('is built from a loopback request URL', () => {
    expect(callbackUrl(undefined, 'http://localhost:7071/api/connect/start?x=1')).toBe(
      'http://localhost:7071/api/connect/callback',
    );
    expect(callbackUrl(undefined, 'http://127.0.0.1:7071/api/connect/start')).toBe(
      'http://127.0.0.1:7071/api/connect/callback',
    );
    expect(callbackUrl(undefined, 'http://[::1]:7071/api/connect/start')).toBe(
      'http://[::1]:7071/api/connect/callback',
    );
  });

  it('is never built from another Host header', () => {
    for (const url of [
      'http://evil.example.net/api/connect/start',
      'http://localhost.evil.net:7071/api/connect/start',
    ]) {
      expect(callbackUrl(undefined, url), url).toBeUndefined();
    }
    expect(callbackUrl('https://kb.example.com', 'http://evil.example.net/api/connect/start')).toBe(
      'https://kb.example.com/api/connect/callback',
    );
  });
});

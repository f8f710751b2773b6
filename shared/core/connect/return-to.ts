// Where the browser goes back to after connecting: only to an origin listed in
// CONNECT_RETURN_TO_ALLOWLIST, so /connect/start cannot be used as an open redirect. An entry
// "http://localhost:*" allows any port of that loopback host (`npm start`'s default, docs/connect.md).
// We always redirect to the URL as *we* serialised it (WHATWG URL), so what was checked is what the
// browser follows (backslashes, userinfo and odd encodings are normalised first).

export type ReturnToCheck = { ok: true; url: URL } | { ok: false; reason: string };

export function checkReturnTo(returnTo: string, allowedOrigins: readonly string[]): ReturnToCheck {
  if (!URL.canParse(returnTo)) return { ok: false, reason: 'returnTo must be an absolute http(s) URL' };
  const url = new URL(returnTo);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, reason: 'returnTo must be an absolute http(s) URL' };
  }
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'returnTo must not carry credentials' };
  if (!originAllowed(url, allowedOrigins)) {
    return {
      ok: false,
      reason:
        allowedOrigins.length === 0
          ? 'no returnTo origin is allowed: set CONNECT_RETURN_TO_ALLOWLIST'
          : 'the origin of returnTo is not in CONNECT_RETURN_TO_ALLOWLIST',
    };
  }
  return { ok: true, url };
}

/** The URL's origin is listed, or its loopback host with any port ("http://localhost:*"). */
export function originAllowed(url: URL, allowedOrigins: readonly string[]): boolean {
  return allowedOrigins.includes(url.origin) || allowedOrigins.includes(`${url.protocol}//${url.hostname}:*`);
}

/** returnTo with the outcome appended as query parameters (existing ones are kept, ours replace same names). */
export function returnToWith(returnTo: URL, params: Record<string, string>): string {
  const url = new URL(returnTo.href);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
}

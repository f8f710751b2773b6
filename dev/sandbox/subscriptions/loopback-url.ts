// Rules for notificationUrl and lifecycleNotificationUrl. Graph requires HTTPS (docs/graph-behaviour.md §3);
// the sandbox also accepts plain http on loopback, because the local Functions host serves
// http://127.0.0.1:7071.
//
// Sandbox safety rule (not Graph's): the sandbox only ever calls loopback addresses, so any other
// host is refused with 400. Real Graph calls the internet; the sandbox must never send traffic off
// this machine.

export type NotificationUrlCheck = { ok: true; url: URL } | { ok: false; message: string };

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

export function checkNotificationUrl(field: string, value: string): NotificationUrlCheck {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, message: `Invalid ${field}: '${value}' is not an absolute URL.` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { ok: false, message: `Invalid ${field}: the scheme must be https.` };
  if (url.username || url.password) return { ok: false, message: `Invalid ${field}: credentials are not allowed.` };
  if (!isLoopbackHost(url.hostname)) {
    return {
      ok: false,
      message: `Invalid ${field}: the sandbox only delivers to loopback addresses (127.0.0.1, ::1, localhost).`,
    };
  }
  return { ok: true, url };
}

/** Appends one query parameter to a URL that may already carry a query string (kept, §3). */
export function withQueryParameter(url: string, name: string, value: string): string {
  const hashless = url.split('#')[0]!;
  const separator = hashless.includes('?') ? (hashless.endsWith('?') || hashless.endsWith('&') ? '' : '&') : '?';
  return `${hashless}${separator}${name}=${encodeURIComponent(value)}`;
}

/** The URL as the delivery log shows it: query values hidden, since they may carry a function key. */
export function redactedUrl(url: string): string {
  const parsed = new URL(url);
  for (const key of [...parsed.searchParams.keys()]) parsed.searchParams.set(key, 'redacted');
  return parsed.toString();
}

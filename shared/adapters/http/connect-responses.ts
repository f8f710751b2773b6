// HTTP answers of the connect routes, which a browser (not a program) receives: redirects, and a small
// HTML page for failures that have no trustworthy returnTo. Nothing is cached (no-store), nothing leaks
// through Referer (no-referrer), the page is inert (CSP default-src 'none') and everything in it is
// escaped. No answer ever carries a stack trace, a code, a token or the state.
import type { HttpResponseInit } from '@azure/functions';
import { problem } from './problem.js';
import { CONNECT_ERROR_MESSAGES, type ConnectErrorCode } from '../../core/connect/connect-errors.js';

const BROWSER_HEADERS = {
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'referrer-policy': 'no-referrer',
} as const;

export function browserRedirect(location: string): HttpResponseInit {
  return { status: 302, headers: { ...BROWSER_HEADERS, location } };
}

/** `detail` is for the person running the service (what setting to change); never a secret. */
export function errorPage(status: number, code: ConnectErrorCode, detail?: string): HttpResponseInit {
  const html = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>Connecting the drive failed</title></head>',
    '<body><h1>Connecting the drive failed</h1>',
    `<p>${escapeHtml(CONNECT_ERROR_MESSAGES[code])}</p>`,
    ...(detail ? [`<p>${escapeHtml(detail)}</p>`] : []),
    `<p>Error code: <code>${escapeHtml(code)}</code></p>`,
    '</body></html>',
  ].join('\n');
  return {
    status,
    headers: {
      ...BROWSER_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'none'",
      'x-content-type-options': 'nosniff',
    },
    body: html,
  };
}

/** True when the caller is a browser (its Accept names text/html): it gets pages, programs get problem+json. */
export function acceptsHtml(accept: string | null): boolean {
  return /\btext\/html\b/i.test(accept ?? '');
}

/**
 * A refusal of /connect/start: the same HTML error page as the callback for a browser (a user
 * clicked a link), problem+json for a program.
 */
export function startRefusal(
  html: boolean,
  status: number,
  code: ConnectErrorCode,
  title: string,
  detail?: string,
): HttpResponseInit {
  return html ? errorPage(status, code, detail) : problem(status, title, detail);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

// HTTP answers of the connect routes, which a browser (not a program) receives: redirects, and a small
// HTML page for failures that have no trustworthy returnTo. Nothing is cached (no-store), nothing leaks
// through Referer (no-referrer), the page is inert (CSP default-src 'none') and everything in it is
// escaped. No answer ever carries a stack trace, a code, a token or the state.
import type { HttpResponseInit } from '@azure/functions';
import { CONNECT_ERROR_MESSAGES, type ConnectErrorCode } from '../../core/connect/connect-errors.js';

const BROWSER_HEADERS = {
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'referrer-policy': 'no-referrer',
} as const;

export function browserRedirect(location: string): HttpResponseInit {
  return { status: 302, headers: { ...BROWSER_HEADERS, location } };
}

export function errorPage(status: number, code: ConnectErrorCode): HttpResponseInit {
  const html = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>Connecting the drive failed</title></head>',
    '<body><h1>Connecting the drive failed</h1>',
    `<p>${escapeHtml(CONNECT_ERROR_MESSAGES[code])}</p>`,
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

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

// The pages a browser sees at the sandbox's /authorize: a sign-in and consent page (pick the account,
// read the requested permissions, Allow or Deny), and Entra's error page for requests that cannot be
// sent back to the app (an unregistered redirect_uri, an unknown client). Plain HTML, no script,
// every value escaped; the form posts back to the same /authorize URL.
import { escapeHtml } from '../../../shared/adapters/http/connect-responses.js';
import type { SandboxResponse } from '../http/sandbox-http.js';
import type { SandboxUser } from '../state/tenant-model.js';

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  // No script, no external resources; inline style only. No form-action: Chrome would apply it to
  // the redirect that follows the POST, and that goes to the app's redirect URI.
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

const STYLE =
  'body{font-family:sans-serif;max-width:32rem;margin:3rem auto;color:#1b1b1b}' +
  'fieldset{border:1px solid #ccc;margin:1rem 0}label{display:block;margin:.3rem 0}' +
  'button{font-size:1rem;padding:.4rem 1.4rem;margin-right:.8rem}.note{color:#555;font-size:.85rem}';

export interface SignInPageInput {
  /** Where the form posts: the /authorize URL, without its query. */
  action: string;
  appName: string;
  /** The authorize request's parameters, echoed as hidden fields. */
  params: URLSearchParams;
  users: SandboxUser[];
  selectedUserId: string;
  scopes: string[];
}

export function signInPage(input: SignInPageInput): SandboxResponse {
  const hidden = [...input.params]
    .filter(([name]) => name !== 'decision' && name !== 'login_user_id')
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`);
  const accounts = input.users.map(
    (user) =>
      `<label><input type="radio" name="login_user_id" value="${escapeHtml(user.id)}"${
        user.id === input.selectedUserId ? ' checked' : ''
      }> ${escapeHtml(user.displayName)} &lt;${escapeHtml(user.userPrincipalName)}&gt;</label>`,
  );
  const scopes = input.scopes.map((scope) => `<li><code>${escapeHtml(scope)}</code></li>`);
  const body = [
    '<h1>Sign in to the sandbox tenant</h1>',
    `<form method="post" action="${escapeHtml(input.action)}">`,
    ...hidden,
    '<fieldset><legend>Pick an account</legend>',
    ...accounts,
    '</fieldset>',
    `<p><strong>${escapeHtml(input.appName)}</strong> asks for these permissions:</p>`,
    `<ul>${scopes.join('')}</ul>`,
    '<button type="submit" name="decision" value="allow">Allow</button>',
    '<button type="submit" name="decision" value="deny">Deny</button>',
    '</form>',
    '<p class="note">Simulated Microsoft sign-in of the KB Sync sandbox (docs/sandbox.md). No password is asked.</p>',
  ];
  return page(200, 'Sign in – KB Sync sandbox', body);
}

/** Entra shows these on its own page: the app's redirect URI is not trusted, so nothing is redirected. */
export function identityErrorPage(status: number, code: number, message: string): SandboxResponse {
  return page(status, 'Sign in – error', [
    '<h1>Sorry, but we’re having trouble signing you in.</h1>',
    `<p><code>AADSTS${code}</code>: ${escapeHtml(message)}</p>`,
  ]);
}

function page(status: number, title: string, body: string[]): SandboxResponse {
  const html = [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>`,
    '<body>',
    ...body,
    '</body></html>',
  ].join('\n');
  return { status, headers: { ...PAGE_HEADERS }, body: html };
}

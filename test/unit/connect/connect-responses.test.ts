import { describe, expect, it } from 'vitest';
import { CONNECT_ERROR_MESSAGES, type ConnectErrorCode } from '../../../shared/core/connect/connect-errors.js';
import { browserRedirect, errorPage, escapeHtml } from '../../../shared/adapters/http/connect-responses.js';

describe('connect responses', () => {
  it('escapes HTML metacharacters', () => {
    expect(escapeHtml(`<script>alert("x" & 'y')</script>`)).toBe(
      '&#60;script&#62;alert(&#34;x&#34; &#38; &#39;y&#39;)&#60;/script&#62;',
    );
  });

  it.each(Object.keys(CONNECT_ERROR_MESSAGES) as ConnectErrorCode[])(
    'renders %s as an inert, uncached HTML page naming the code',
    (code) => {
      const page = errorPage(400, code);
      const headers = page.headers as Record<string, string>;
      const body = page.body as string;
      expect(page.status).toBe(400);
      expect(headers['content-type']).toBe('text/html; charset=utf-8');
      expect(headers['cache-control']).toBe('no-store');
      expect(headers['content-security-policy']).toBe("default-src 'none'");
      expect(body).toContain(`<code>${code}</code>`);
      expect(body).not.toMatch(/<script|\bat \w+ \(/);
    },
  );

  it('redirects without caching or a Referer', () => {
    expect(browserRedirect('https://app.example.com/cb')).toEqual({
      status: 302,
      headers: {
        location: 'https://app.example.com/cb',
        'cache-control': 'no-store',
        pragma: 'no-cache',
        'referrer-policy': 'no-referrer',
      },
    });
  });
});

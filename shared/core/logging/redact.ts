// The one redaction helper. Everything that leaves the process as text (log lines, error messages,
// problem+json bodies) goes through it, so no token, secret, clientState or function key escapes.

export const REDACTED = '[redacted]';

/** Keys whose values are secrets wherever they appear (compared case-insensitively, ignoring - and _). */
const SECRET_KEYS = new Set(
  [
    'access_token',
    'refresh_token',
    'id_token',
    'token',
    'accessToken',
    'refreshToken',
    'client_secret',
    'clientSecret',
    'client_assertion',
    'clientState',
    'code',
    'code_verifier',
    'x-functions-key',
    'functionKey',
    'authorization',
    'password',
    'secret',
    'AccountKey',
    'sig',
    'validationToken',
    'LOCAL_TOKEN_KEYS',
    'MS_CLIENT_SECRET',
    'AzureWebJobsStorage',
    'connectionString',
  ].map(normaliseKey),
);

function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(normaliseKey(key));
}

const TEXT_PATTERNS: Array<[RegExp, string]> = [
  // Bearer credentials in headers or messages.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  // Standard Webhooks signing secrets (a hook's secret, core/hooks/hook-signing.ts).
  [/\bwhsec_[A-Za-z0-9+/=_-]+/g, REDACTED],
  // JWTs anywhere (access and id tokens, client assertions).
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // Delta and paging tokens in Graph's quoted form, …/delta(token='…') as in nextLinks. OData doubles
  // a quote inside the literal (''); a literal cut off before its closing quote is redacted to the end.
  [/\b(token|skiptoken|deltatoken)='(?:[^']|'')*'?/gi, `$1='${REDACTED}'`],
  // key=value pairs in query strings (delta?token=…, $skiptoken=…), form bodies and connection strings.
  [
    /\b(access_token|refresh_token|id_token|client_secret|client_assertion|code|code_verifier|clientState|validationToken|sig|AccountKey|token|skiptoken|deltatoken)=([^&;\s"')]+)/gi,
    `$1=${REDACTED}`,
  ],
  // "key":"value" pairs inside JSON text that was already serialised.
  [
    /"(access_token|refresh_token|id_token|client_secret|client_assertion|clientState|code|code_verifier|x-functions-key|authorization|password|token)"\s*:\s*"(?:[^"\\]|\\.)*"/gi,
    `"$1":"${REDACTED}"`,
  ],
];

const knownSecrets = new Set<string>();

/** Registers a secret value (a client secret, a key) so that any text containing it is redacted. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 8) knownSecrets.add(value);
}

export function redactText(text: string): string {
  let out = text;
  for (const secret of knownSecrets) out = out.split(secret).join(REDACTED);
  for (const [pattern, replacement] of TEXT_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Deep copy of a value with secret keys masked and every string scrubbed. Handles cycles and Errors. */
export function redact(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message), ...(redact({ ...value }, seen) as object) };
  }
  if (Array.isArray(value)) return value.map((entry) => redact(entry, seen));
  if (value instanceof URL) return redactText(value.toString());
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    out[key] = isSecretKey(key) && entry !== undefined && entry !== null ? REDACTED : redact(entry, seen);
  }
  return out;
}

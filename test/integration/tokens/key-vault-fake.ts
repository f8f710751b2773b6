// A small HTTPS fake of the Azure Key Vault secrets REST API (api-version 2025-07-01), enough for the
// real @azure/keyvault-secrets client to run the token store's paths. What it models:
// - the challenge: a request without the expected bearer token gets 401 with
//   `WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/<tenant>", resource="https://vault.azure.net"`;
//   the SDK sends its first request without a body, reads the challenge, gets a token and replays it;
// - set (PUT /secrets/{name}) appends a version; get latest (GET /secrets/{name}/, trailing slash)
//   or one version; list versions (GET /secrets/{name}/versions);
// - soft-delete: DELETE /secrets/{name} marks the secret deleted; the deleted secret becomes readable
//   at GET /deletedsecrets/{name} only after `deletionLagPolls` polls (real deletion is asynchronous,
//   and the SDK's poller waits for it); a PUT on a deleted name answers 409 Conflict;
// - recover (POST /deletedsecrets/{name}/recover) and purge (DELETE /deletedsecrets/{name}, 204;
//   409 while the deletion is still in progress);
// - bundles with absolute https ids `https://host:port/secrets/{name}/{version}` and Unix-second times.
// Not modelled: paging (nextLink), disabled secrets, expiry/nbf, backup/restore, access policies.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TokenCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { ensureSandboxCertificate } from '../../../dev/sandbox/tls/ensure-cert.js';

interface SecretVersion {
  version: string;
  value: string;
  contentType: string | undefined;
  tags: Record<string, string>;
  created: number;
}

interface SecretRecord {
  versions: SecretVersion[];
  deleted?: { deletedDate: number; pollsUntilVisible: number };
}

export interface KeyVaultFake {
  url: string;
  ca: string;
  /** A credential the fake accepts. */
  credential: TokenCredential;
  /** Every request as "METHOD path" plus whether it was authorised, in order. */
  requests: Array<{ method: string; path: string; status: number }>;
  /** Test access to the stored state. */
  versionsOf(name: string): SecretVersion[];
  isDeleted(name: string): boolean;
  exists(name: string): boolean;
  stop(): Promise<void>;
}

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const ACCESS_TOKEN = `fake-kv-token-${randomBytes(8).toString('hex')}`;

export async function startKeyVaultFake(options: { deletionLagPolls?: number } = {}): Promise<KeyVaultFake> {
  const tls = await ensureSandboxCertificate();
  const secrets = new Map<string, SecretRecord>();
  const requests: KeyVaultFake['requests'] = [];
  const deletionLagPolls = options.deletionLagPolls ?? 1;
  let base = '';

  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const attributes = (v: SecretVersion) => ({
    enabled: true,
    created: v.created,
    updated: v.created,
    recoveryLevel: 'Recoverable+Purgeable',
    recoverableDays: 90,
  });
  const bundle = (name: string, v: SecretVersion, withValue = true) => ({
    ...(withValue ? { value: v.value } : {}),
    id: `${base}/secrets/${name}/${v.version}`,
    contentType: v.contentType,
    tags: v.tags,
    attributes: attributes(v),
  });
  const deletedBundle = (name: string, record: SecretRecord) => {
    const latest = record.versions.at(-1)!;
    return {
      ...bundle(name, latest, false),
      recoveryId: `${base}/deletedsecrets/${name}`,
      deletedDate: record.deleted!.deletedDate,
      scheduledPurgeDate: record.deleted!.deletedDate + 90 * 86_400,
    };
  };
  const notFound = (name: string) => ({
    status: 404,
    body: {
      error: { code: 'SecretNotFound', message: `A secret with (name/id) ${name} was not found in this key vault.` },
    },
  });

  function handle(method: string, segments: string[], body: unknown): { status: number; body?: unknown } {
    const [collection, name, third, fourth] = segments;
    if (!name) return { status: 400, body: { error: { code: 'BadParameter', message: 'missing name' } } };
    const record = secrets.get(name);
    const live = record && !record.deleted ? record : undefined;
    if (collection === 'secrets') {
      if (method === 'PUT' && third === undefined) {
        if (record?.deleted) {
          return {
            status: 409,
            body: {
              error: {
                code: 'Conflict',
                message: `Secret ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.`,
                innererror: { code: 'ObjectIsDeletedButRecoverable' },
              },
            },
          };
        }
        const input = body as { value?: unknown; contentType?: unknown; tags?: unknown };
        if (typeof input.value !== 'string')
          return { status: 400, body: { error: { code: 'BadParameter', message: 'value' } } };
        const version: SecretVersion = {
          version: randomBytes(16).toString('hex'),
          value: input.value,
          contentType: typeof input.contentType === 'string' ? input.contentType : undefined,
          tags: (input.tags as Record<string, string> | undefined) ?? {},
          created: nowSeconds(),
        };
        const target = record ?? { versions: [] };
        target.versions.push(version);
        secrets.set(name, target);
        return { status: 200, body: bundle(name, version) };
      }
      if (method === 'GET' && third === 'versions') {
        if (!live) return notFound(name);
        return { status: 200, body: { value: live.versions.map((v) => bundle(name, v, false)), nextLink: null } };
      }
      if (method === 'GET') {
        if (!live) return notFound(name);
        const version = third ? live.versions.find((v) => v.version === third) : live.versions.at(-1);
        return version ? { status: 200, body: bundle(name, version) } : notFound(name);
      }
      if (method === 'DELETE' && third === undefined) {
        if (!live) return notFound(name);
        live.deleted = { deletedDate: nowSeconds(), pollsUntilVisible: deletionLagPolls };
        return { status: 200, body: deletedBundle(name, live) };
      }
    }
    if (collection === 'deletedsecrets') {
      const deleted = record?.deleted ? record : undefined;
      if (method === 'GET' && third === undefined) {
        if (!deleted) return notFound(name);
        if (deleted.deleted!.pollsUntilVisible > 0) {
          deleted.deleted!.pollsUntilVisible--;
          return notFound(name);
        }
        return { status: 200, body: deletedBundle(name, deleted) };
      }
      if (method === 'POST' && third === 'recover' && fourth === undefined) {
        if (!deleted) return notFound(name);
        delete deleted.deleted;
        return { status: 200, body: bundle(name, deleted.versions.at(-1)!) };
      }
      if (method === 'DELETE' && third === undefined) {
        if (!deleted) return notFound(name);
        if (deleted.deleted!.pollsUntilVisible > 0) {
          return {
            status: 409,
            body: { error: { code: 'Conflict', message: `Secret ${name} is currently being deleted.` } },
          };
        }
        secrets.delete(name);
        return { status: 204 };
      }
    }
    return { status: 405, body: { error: { code: 'MethodNotAllowed', message: `${method} is not modelled here` } } };
  }

  const server: Server = createServer(
    { cert: tls.cert, key: tls.key },
    (request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const url = new URL(request.url ?? '/', base);
        const method = request.method ?? 'GET';
        const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
          requests.push({ method, path: url.pathname, status });
          response.writeHead(status, {
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...headers,
          });
          response.end(body === undefined ? undefined : JSON.stringify(body));
        };
        if (request.headers.authorization !== `Bearer ${ACCESS_TOKEN}`) {
          send(
            401,
            { error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' } },
            {
              'www-authenticate': `Bearer authorization="https://login.microsoftonline.com/${TENANT}", resource="https://vault.azure.net"`,
            },
          );
          return;
        }
        if (!url.searchParams.get('api-version')) {
          send(400, { error: { code: 'BadParameter', message: 'api-version is required' } });
          return;
        }
        let body: unknown;
        try {
          body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
        } catch {
          send(400, { error: { code: 'BadParameter', message: 'body is not JSON' } });
          return;
        }
        // "/secrets/name/" (latest) splits into a trailing empty segment: drop empties.
        const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
        const result = handle(method, segments, body);
        send(result.status, result.body);
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    ca: tls.cert,
    credential: {
      getToken: () => Promise.resolve({ token: ACCESS_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
    },
    requests,
    versionsOf: (name) => secrets.get(name)?.versions.slice() ?? [],
    isDeleted: (name) => secrets.get(name)?.deleted !== undefined,
    exists: (name) => secrets.has(name),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * A real SecretClient for the fake, with the options the Key Vault pitfall in docs/invariants.md call for: the
 * fake's CA through tlsOptions, challenge resource verification off for 127.0.0.1, no SDK retries.
 */
export function secretClientFor(fake: KeyVaultFake): SecretClient {
  return new SecretClient(fake.url, fake.credential, {
    tlsOptions: { ca: fake.ca },
    disableChallengeResourceVerification: true,
    retryOptions: { maxRetries: 0 },
  });
}

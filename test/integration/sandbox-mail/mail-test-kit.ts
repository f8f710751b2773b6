// Helpers for the mail sandbox tests: Mail.Read tokens, Graph mail GETs over real HTTPS, and delta
// rounds followed to their deltaLink. Payloads are parsed with schemas written here from Microsoft's
// pages (message, mailFolder, message-delta), not with the product's client code.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { z } from 'zod';
import type { Sandbox } from '../../../dev/sandbox/sandbox.js';
import { graphErrorSchema } from '../sandbox/graph-test-schemas.js';
import { graphGet, startTestSandbox, userAccessToken, type HttpResult } from '../sandbox/sandbox-test-kit.js';

export const IMMUTABLE = { prefer: 'IdType="ImmutableId"' };

export const recipientSchema = z.object({ emailAddress: z.object({ name: z.string(), address: z.string() }) });

export const messageSchema = z
  .object({
    '@odata.etag': z.string().regex(/^W\/"[^"]+"$/),
    id: z.string().min(1),
    subject: z.string(),
    from: recipientSchema.nullable(),
    sender: recipientSchema.nullable(),
    toRecipients: z.array(recipientSchema),
    ccRecipients: z.array(recipientSchema),
    receivedDateTime: z.iso.datetime(),
    sentDateTime: z.iso.datetime().nullable(),
    createdDateTime: z.iso.datetime(),
    lastModifiedDateTime: z.iso.datetime(),
    changeKey: z.string().min(1),
    conversationId: z.string().min(1),
    internetMessageId: z.string().regex(/^<.+@.+>$/),
    parentFolderId: z.string().min(1),
    hasAttachments: z.boolean(),
    isRead: z.boolean(),
    isDraft: z.boolean(),
    webLink: z.string().url(),
    bodyPreview: z.string(),
    body: z.object({ contentType: z.enum(['text', 'html']), content: z.string() }),
  })
  .passthrough();
export type MessageBody = z.infer<typeof messageSchema>;

export const folderSchema = z
  .object({
    '@odata.context': z.string().optional(),
    id: z.string().min(1),
    displayName: z.string(),
    parentFolderId: z.string(),
    childFolderCount: z.number().int(),
    unreadItemCount: z.number().int(),
    totalItemCount: z.number().int(),
    isHidden: z.boolean(),
  })
  .strict();

export const removedSchema = z
  .object({ id: z.string(), '@removed': z.object({ reason: z.literal('deleted') }) })
  .passthrough();

export const deltaPageSchema = z
  .object({
    '@odata.context': z.string(),
    '@odata.nextLink': z.string().url().optional(),
    '@odata.deltaLink': z.string().url().optional(),
    value: z.array(z.record(z.string(), z.unknown())),
  })
  .refine((page) => (page['@odata.nextLink'] === undefined) !== (page['@odata.deltaLink'] === undefined), {
    message: 'exactly one of @odata.nextLink and @odata.deltaLink',
  });
export type DeltaPage = z.infer<typeof deltaPageSchema>;

export interface MailFixture {
  sandbox: Sandbox;
  /** A delegated Mail.Read token of the default user, fresh for each test. */
  token: string;
  userId: string;
}

/** One sandbox per file, reset before each test (mailboxes empty again), and a fresh Mail.Read token. */
export function useMailSandbox(): MailFixture {
  const fixture = {} as MailFixture;
  beforeAll(async () => {
    fixture.sandbox = await startTestSandbox();
  });
  afterAll(() => fixture.sandbox.stop());
  beforeEach(async () => {
    await fixture.sandbox.control.reset();
    fixture.userId = fixture.sandbox.defaultUserId;
    fixture.token = await mailToken(fixture.sandbox);
  });
  return fixture;
}

export function mailToken(sandbox: Sandbox, userId = sandbox.defaultUserId, scopes = ['Mail.Read']): Promise<string> {
  return userAccessToken(sandbox, userId, scopes);
}

export function meUrl(sandbox: Sandbox, path: string): string {
  return `${sandbox.graphBaseUrl}/me/${path}`;
}

export function expectGraphError(result: HttpResult, status: number, code: string): { code: string; message: string } {
  if (result.status !== status) throw new Error(`expected ${status} ${code}, got ${result.status}: ${result.text}`);
  const error = graphErrorSchema.parse(result.body).error;
  if (error.code !== code) throw new Error(`expected code ${code}, got ${error.code}: ${error.message}`);
  return error;
}

export interface DeltaRound {
  pages: DeltaPage[];
  entries: Record<string, unknown>[];
  deltaLink: string;
}

/** Follows nextLinks to the deltaLink, sending the same headers on every page (bounded). */
export async function deltaRound(
  url: string,
  token: string,
  headers: Record<string, string> = {},
  maxPages = 10_000,
): Promise<DeltaRound> {
  const pages: DeltaPage[] = [];
  let next: string | undefined = url;
  for (let i = 0; i < maxPages && next; i++) {
    const result = await graphGet(next, token, headers);
    if (result.status !== 200) throw new Error(`delta page ${i} answered ${result.status}: ${result.text}`);
    const page = deltaPageSchema.parse(result.body);
    pages.push(page);
    if (page['@odata.deltaLink'])
      return { pages, entries: pages.flatMap((p) => p.value), deltaLink: page['@odata.deltaLink'] };
    next = page['@odata.nextLink'];
  }
  throw new Error('delta round did not end within the page bound');
}

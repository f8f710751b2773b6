// The fake Open WebUI (dev/openwebui/fake-openwebui.ts) checked over real HTTP on 127.0.0.1: every
// behaviour its header lists, with exact status codes and exact `detail` strings, so a connector test
// that passes against the fake passes for the reasons Open WebUI would give. The behaviours are Open
// WebUI's at open-webui/open-webui@0045fd8cbd703268ca45f78afd95e7725561d2e5:
// - https://github.com/open-webui/open-webui/blob/0045fd8cbd703268ca45f78afd95e7725561d2e5/backend/open_webui/routers/files.py
//   (upload: allowlist, max size, the answer before processing, process_uploaded_file; process
//   status; rename; delete taking the file out of every knowledge base);
// - https://github.com/open-webui/open-webui/blob/0045fd8cbd703268ca45f78afd95e7725561d2e5/backend/open_webui/routers/knowledge.py
//   (get with write_access; file/add: 400 NOT_FOUND / ACCESS_PROHIBITED / FILE_NOT_PROCESSED,
//   idempotent re-add, process_file's HTTPException wrapped as "400: …"; file/remove and delete_file);
// - https://github.com/open-webui/open-webui/blob/0045fd8cbd703268ca45f78afd95e7725561d2e5/backend/open_webui/routers/retrieval.py
//   (process_file and save_docs_to_vector_db: EMPTY_CONTENT, DUPLICATE_CONTENT by hash, failed status);
// - backend/open_webui/utils/auth.py and constants.py (API key check and ERROR_MESSAGES; read at the
//   older commits 0476bc9a and 00d20f64 of the same repository, as the fake's header says);
// - FastAPI/Starlette's own answers: 422 issue lists, 404 "Not Found", 405 "Method Not Allowed", and
//   the redirect_slashes 307 (which keeps the query string).
// Also the fake's own controls: failNext, callCounts, the request log and GET /_fake/knowledge/{id}.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ERROR_MESSAGES,
  startFakeOpenWebUi,
  type FakeOpenWebUi,
  type FakeUser,
} from '../../../dev/openwebui/fake-openwebui.js';

interface Answer<T> {
  status: number;
  body: T;
  location: string | null;
}

interface Detail {
  detail: unknown;
}

interface Issue {
  type: string;
  loc: Array<string | number>;
  msg: string;
  input: unknown;
}

interface FileAnswer {
  status?: boolean;
  id: string;
  user_id: string;
  hash: string | null;
  filename: string;
  data: { status?: string; content?: string; error?: string };
  meta: { name: string; content_type: string | null; size: number; file_hash: string; data: unknown };
}

interface KnowledgeAnswer {
  id: string;
  user_id: string;
  name: string;
  write_access: boolean;
  files: Array<{ id: string; meta: { name: string } }> | null;
}

interface CallOptions {
  /** An API key, sent as `Authorization: Bearer <key>`. */
  key?: string;
  /** A raw Authorization header (wins over key). */
  authorization?: string;
  json?: unknown;
  rawBody?: string;
  form?: FormData;
  base?: string;
}

let owui: FakeOpenWebUi;
let owner: FakeUser;
let stranger: FakeUser;
let writer: FakeUser;
let admin: FakeUser;

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const MiB = 1024 * 1024;
// A real PNG signature and IHDR chunk: binary, with NUL bytes in the first 8 KB.
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

async function http<T = Detail>(method: string, path: string, options: CallOptions = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  const authorization = options.authorization ?? (options.key ? `Bearer ${options.key}` : undefined);
  if (authorization !== undefined) headers.authorization = authorization;
  let body: string | FormData | undefined = options.form ?? options.rawBody;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.rawBody !== undefined) {
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${options.base ?? owui.baseUrl}${path}`, {
    method,
    headers,
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text === '' ? undefined : JSON.parse(text)) as T,
    location: response.headers.get('location'),
  };
}

function fileForm(name: string, bytes: string | Buffer, type = 'text/plain', metadata?: string): FormData {
  const form = new FormData();
  form.append('file', new Blob([typeof bytes === 'string' ? Buffer.from(bytes) : bytes], { type }), name);
  if (metadata !== undefined) form.append('metadata', metadata);
  return form;
}

function upload<T = FileAnswer>(
  user: FakeUser,
  name: string,
  bytes: string | Buffer,
  options: { type?: string; query?: string; metadata?: string } = {},
): Promise<Answer<T>> {
  return http<T>('POST', `/api/v1/files/${options.query ?? ''}`, {
    key: user.apiKey,
    form: fileForm(name, bytes, options.type, options.metadata),
  });
}

/** Polls the process status (bounded) until it is completed or failed; the statuses seen, in order. */
async function waitProcessed(user: FakeUser, fileId: string, timeoutMs = 5_000): Promise<string[]> {
  const seen: string[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const answer = await http<{ status: string }>('GET', `/api/v1/files/${fileId}/process/status`, {
      key: user.apiKey,
    });
    expect(answer.status).toBe(200);
    seen.push(answer.body.status);
    if (answer.body.status === 'completed' || answer.body.status === 'failed') return seen;
    await sleep(10);
  }
  throw new Error(`file ${fileId} was still ${seen.at(-1)} after ${timeoutMs} ms`);
}

/** An uploaded file whose processing completed. */
async function readyFile(user: FakeUser, name: string, text: string): Promise<string> {
  const answer = await upload(user, name, text);
  expect(answer.status).toBe(200);
  expect((await waitProcessed(user, answer.body.id)).at(-1)).toBe('completed');
  return answer.body.id;
}

function add<T = KnowledgeAnswer>(user: FakeUser, knowledgeId: string, fileId: string): Promise<Answer<T>> {
  return http<T>('POST', `/api/v1/knowledge/${knowledgeId}/file/add`, { key: user.apiKey, json: { file_id: fileId } });
}

function remove<T = KnowledgeAnswer>(
  user: FakeUser,
  knowledgeId: string,
  fileId: string,
  query = '',
): Promise<Answer<T>> {
  return http<T>('POST', `/api/v1/knowledge/${knowledgeId}/file/remove${query}`, {
    key: user.apiKey,
    json: { file_id: fileId },
  });
}

function statusOf(user: FakeUser, fileId: string): Promise<Answer<{ status: string } | Detail>> {
  return http('GET', `/api/v1/files/${fileId}/process/status`, { key: user.apiKey });
}

beforeAll(async () => {
  owui = await startFakeOpenWebUi({ allowedExtensions: ['txt', 'md', 'png'], maxSizeMb: 1, processingDelayMs: 5 });
  owner = owui.addUser();
  stranger = owui.addUser();
  writer = owui.addUser();
  admin = owui.addUser('admin');
});

afterAll(async () => {
  await owui?.stop();
});

describe('auth (utils/auth.py get_current_user)', () => {
  let disabled: FakeOpenWebUi;
  let disabledUser: FakeUser;
  let kb: string;

  beforeAll(async () => {
    kb = owui.createKnowledge(owner, 'auth');
    disabled = await startFakeOpenWebUi({ enableApiKeys: false });
    disabledUser = disabled.addUser();
  });

  afterAll(async () => {
    await disabled?.stop();
  });

  it('answers 403 "Not authenticated" without bearer credentials, before looking at the knowledge base', async () => {
    for (const authorization of [undefined, 'Basic dXNlcjpwYXNz', 'Bearer', '']) {
      const answer = await http('GET', `/api/v1/knowledge/${kb}`, authorization === undefined ? {} : { authorization });
      expect(answer, String(authorization)).toEqual({
        status: 403,
        body: { detail: 'Not authenticated' },
        location: null,
      });
    }
    const unknownKb = await http('GET', '/api/v1/knowledge/no-such-kb');
    expect(unknownKb.status).toBe(403);
    expect(unknownKb.body).toEqual({ detail: 'Not authenticated' });
  });

  it('answers 401 INVALID_TOKEN for an unknown sk- key and for a revoked one', async () => {
    const unknown = await http('GET', `/api/v1/knowledge/${kb}`, { key: 'sk-0000000000000000' });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual({ detail: 'Your session has expired or the token is invalid. Please sign in again.' });
    expect(unknown.body).toEqual({ detail: ERROR_MESSAGES.INVALID_TOKEN });

    const revoked = owui.addUser();
    const kbOfRevoked = owui.createKnowledge(revoked, 'revoked');
    expect((await http('GET', `/api/v1/knowledge/${kbOfRevoked}`, { key: revoked.apiKey })).status).toBe(200);
    owui.revokeKey(revoked.apiKey);
    const after = await http('GET', `/api/v1/knowledge/${kbOfRevoked}`, { key: revoked.apiKey });
    expect(after).toEqual({ status: 401, body: { detail: ERROR_MESSAGES.INVALID_TOKEN }, location: null });
  });

  it('answers 401 "401 Unauthorized" for a token that is not sk- (a JWT that does not decode)', async () => {
    const answer = await http('GET', `/api/v1/knowledge/${kb}`, { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.x.y' });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ detail: '401 Unauthorized' });
    expect(answer.body).toEqual({ detail: ERROR_MESSAGES.UNAUTHORIZED });
  });

  it('answers 403 API_KEY_NOT_ALLOWED for any sk- key when API keys are disabled, known or not', async () => {
    const knowledgeId = disabled.createKnowledge(disabledUser, 'no keys');
    for (const key of [disabledUser.apiKey, 'sk-unknown']) {
      const answer = await http('GET', `/api/v1/knowledge/${knowledgeId}`, { key, base: disabled.baseUrl });
      expect(answer.status).toBe(403);
      expect(answer.body).toEqual({ detail: 'Use of API key is not enabled in the environment.' });
      expect(answer.body).toEqual({ detail: ERROR_MESSAGES.API_KEY_NOT_ALLOWED });
    }
    const noAuth = await http('GET', `/api/v1/knowledge/${knowledgeId}`, { base: disabled.baseUrl });
    expect(noAuth.body).toEqual({ detail: 'Not authenticated' });
    const jwt = await http('GET', `/api/v1/knowledge/${knowledgeId}`, {
      authorization: 'Bearer x',
      base: disabled.baseUrl,
    });
    expect(jwt).toEqual({ status: 401, body: { detail: '401 Unauthorized' }, location: null });
    expect(disabled.callCounts()).toEqual({ 'get-knowledge': 4 });
  });
});

describe('POST /api/v1/files/ (files.py upload_file, process_uploaded_file)', () => {
  it('answers the file as inserted with data.status pending, then the status moves to completed with the text', async () => {
    owui.config.processingDelayMs = 400;
    let answer: Answer<FileAnswer>;
    try {
      answer = await upload(owner, 'notes.txt', 'hello knowledge', { metadata: '{"source":"test"}' });
    } finally {
      owui.config.processingDelayMs = 5;
    }
    expect(answer.status).toBe(200);
    const file = answer.body;
    expect(file.status).toBe(true);
    expect(file.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(file.user_id).toBe(owner.id);
    expect(file.filename).toBe('notes.txt');
    expect(file.hash).toBeNull();
    expect(file.data).toEqual({ status: 'pending' });
    expect(file.meta).toEqual({
      name: 'notes.txt',
      content_type: 'text/plain',
      size: 15,
      file_hash: sha256('hello knowledge'),
      data: { source: 'test' },
    });

    const seen = await waitProcessed(owner, file.id);
    expect(seen[0]).toBe('pending');
    expect(seen.at(-1)).toBe('completed');
    expect(new Set(seen)).toEqual(new Set(['pending', 'completed']));

    const stored = await http<FileAnswer>('GET', `/api/v1/files/${file.id}`, { key: owner.apiKey });
    expect(stored.status).toBe(200);
    expect(stored.body.data).toEqual({ status: 'completed', content: 'hello knowledge' });
    expect(stored.body.hash).toBe(sha256('hello knowledge'));
  });

  it('with process_in_background=false processes before answering, and still answers the file as inserted', async () => {
    const answer = await upload(owner, 'now.md', '# now', { query: '?process=true&process_in_background=false' });
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({ status: 'pending' });
    expect((await statusOf(owner, answer.body.id)).body).toEqual({ status: 'completed' });
  });

  it('refuses an extension outside the allowlist with 400 "[ERROR: File type … is not allowed]", lowercasing it', async () => {
    const before = owui.allFiles().length;
    const exe = await upload(owner, 'tool.exe', 'MZ');
    expect(exe.status).toBe(400);
    expect(exe.body).toEqual({ detail: '[ERROR: File type exe is not allowed]' });
    expect(exe.body).toEqual({ detail: ERROR_MESSAGES.DEFAULT('File type exe is not allowed') });
    const none = await upload(owner, 'Makefile', 'all:');
    expect(none).toEqual({ status: 400, body: { detail: '[ERROR: File type  is not allowed]' }, location: null });
    expect(owui.allFiles().length).toBe(before);

    const upper = await upload(owner, 'README.TXT', 'upper case extension');
    expect(upper.status).toBe(200);
    expect(upper.body.filename).toBe('README.TXT');
    // The allowlist applies only when processing: process=false stores anything, without data.status.
    const raw = await upload(owner, 'tool.exe', 'MZ', { query: '?process=false' });
    expect(raw.status).toBe(200);
    expect(raw.body.status).toBeUndefined();
    expect(raw.body.data).toEqual({});
  });

  it('refuses more than rag.file.max_size MB with 413 FILE_TOO_LARGE and stores nothing; exactly the limit passes', async () => {
    const over = await upload(owner, 'big.txt', Buffer.alloc(MiB + 1, 'a'));
    expect(over.status).toBe(413);
    expect(over.body).toEqual({
      detail: "Oops! The file you're trying to upload is too large. Please upload a file that is less than 1 MB.",
    });
    expect(over.body).toEqual({ detail: ERROR_MESSAGES.FILE_TOO_LARGE('1 MB') });
    expect(owui.allFiles().some((f) => f.filename === 'big.txt')).toBe(false);

    const limit = await upload(owner, 'limit.txt', Buffer.alloc(MiB, 'a'));
    expect(limit.status).toBe(200);
    expect(limit.body.meta.size).toBe(MiB);
  });

  it('processes an image to failed: "File type image/png is not supported for processing"', async () => {
    const answer = await upload(owner, 'pic.png', PNG, { type: 'image/png' });
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({ status: 'pending' });
    expect((await waitProcessed(owner, answer.body.id)).at(-1)).toBe('failed');
    const stored = await http<FileAnswer>('GET', `/api/v1/files/${answer.body.id}`, { key: owner.apiKey });
    expect(stored.body.data.status).toBe('failed');
    expect(stored.body.data.error).toBe('File type image/png is not supported for processing');
    expect(stored.body.data.content).toBeUndefined();
  });

  it('processes text labelled as media (no NUL byte in the first 8 KB) as text/plain, like _is_text_file', async () => {
    const image = await upload(owner, 'label.png', 'plain words, mislabelled', { type: 'image/png' });
    expect((await waitProcessed(owner, image.body.id)).at(-1)).toBe('completed');
    const stored = await http<FileAnswer>('GET', `/api/v1/files/${image.body.id}`, { key: owner.apiKey });
    expect(stored.body.data).toEqual({ status: 'completed', content: 'plain words, mislabelled' });
    expect(stored.body.meta.content_type).toBe('image/png');
  });

  it('completes a binary video without text, which file/add then refuses as empty', async () => {
    const kb = owui.createKnowledge(owner, 'video');
    // Named .png for the allowlist; the content type is what processing looks at.
    const video = await upload(owner, 'clip.png', Buffer.from([0, 0, 0, 24, 102, 116, 121, 112]), {
      type: 'video/mp4',
    });
    expect((await waitProcessed(owner, video.body.id)).at(-1)).toBe('completed');
    const stored = await http<FileAnswer>('GET', `/api/v1/files/${video.body.id}`, { key: owner.apiKey });
    expect(stored.body.data).toEqual({ status: 'completed' });
    const refused = await add(owner, kb, video.body.id);
    expect(refused).toEqual({ status: 400, body: { detail: `400: ${ERROR_MESSAGES.EMPTY_CONTENT}` }, location: null });
  });

  it('processes empty text to failed with EMPTY_CONTENT', async () => {
    const answer = await upload(owner, 'blank.txt', '  \n ');
    expect((await waitProcessed(owner, answer.body.id)).at(-1)).toBe('failed');
    const stored = await http<FileAnswer>('GET', `/api/v1/files/${answer.body.id}`, { key: owner.apiKey });
    expect(stored.body.data.error).toBe(
      'The content provided is empty. Please ensure that there is text or data present before proceeding.',
    );
    expect(stored.body.hash).toBeNull();
  });

  it('answers 422 for a form without `file`, 400 for metadata that is not JSON, 422 for a flag that is not a bool', async () => {
    const form = new FormData();
    form.append('other', 'x');
    const missing = await http<{ detail: Issue[] }>('POST', '/api/v1/files/', { key: owner.apiKey, form });
    expect(missing.status).toBe(422);
    expect(missing.body.detail).toEqual([
      { type: 'missing', loc: ['body', 'file'], msg: 'Field required', input: null },
    ]);

    const metadata = await upload(owner, 'meta.txt', 'x', { metadata: '{not json' });
    expect(metadata).toEqual({ status: 400, body: { detail: '[ERROR: Invalid metadata format]' }, location: null });

    const flag = await upload<{ detail: Issue[] }>(owner, 'flag.txt', 'x', { query: '?process=maybe' });
    expect(flag.status).toBe(422);
    expect(flag.body.detail[0]?.type).toBe('bool_parsing');
    expect(flag.body.detail[0]?.loc).toEqual(['query', 'process']);
  });

  it('redirects POST /api/v1/files (no slash) with 307 to the slash path, keeping the query, before auth', async () => {
    const before = owui.allFiles().length;
    const answer = await http('POST', '/api/v1/files?process=false', { form: fileForm('r.txt', 'r') });
    expect(answer.status).toBe(307);
    expect(answer.body).toBeUndefined();
    expect(answer.location).toBe(`${owui.baseUrl}/api/v1/files/?process=false`);
    const authed = await http('POST', '/api/v1/files', { key: owner.apiKey, form: fileForm('r.txt', 'r') });
    expect(authed).toEqual({ status: 307, body: undefined, location: `${owui.baseUrl}/api/v1/files/` });
    expect(owui.allFiles().length).toBe(before);
  });
});

describe('GET /api/v1/files/{id}/process/status', () => {
  it('answers 404 NOT_FOUND for an unknown id and for a file the caller may not read; the owner and an admin see it', async () => {
    const unknown = await statusOf(owner, 'no-such-file');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ detail: "We could not find what you're looking for :/" });
    expect(unknown.body).toEqual({ detail: ERROR_MESSAGES.NOT_FOUND });

    const id = await readyFile(owner, 'mine.txt', 'only mine');
    expect(await statusOf(stranger, id)).toEqual({
      status: 404,
      body: { detail: ERROR_MESSAGES.NOT_FOUND },
      location: null,
    });
    expect(await statusOf(admin, id)).toEqual({ status: 200, body: { status: 'completed' }, location: null });
  });

  it('answers "pending" for a file whose data has no status (uploaded with process=false)', async () => {
    const raw = await upload(owner, 'raw.txt', 'unprocessed', { query: '?process=false' });
    expect(await statusOf(owner, raw.body.id)).toEqual({ status: 200, body: { status: 'pending' }, location: null });
  });
});

describe('POST /api/v1/files/{id}/rename', () => {
  it('sets filename and meta.name, which the knowledge base then shows', async () => {
    const kb = owui.createKnowledge(owner, 'rename');
    const id = await readyFile(owner, 'old name.txt', 'renamed text');
    expect((await add(owner, kb, id)).status).toBe(200);
    expect(owui.knowledgeFiles(kb)).toEqual([{ id, name: 'old name.txt', content: 'renamed text' }]);

    const answer = await http<FileAnswer>('POST', `/api/v1/files/${id}/rename`, {
      key: owner.apiKey,
      json: { filename: 'new name.md' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.filename).toBe('new name.md');
    expect(answer.body.meta.name).toBe('new name.md');
    expect(owui.knowledgeFiles(kb)).toEqual([{ id, name: 'new name.md', content: 'renamed text' }]);
    const stored = await http<FileAnswer>('GET', `/api/v1/files/${id}`, { key: owner.apiKey });
    expect([stored.body.filename, stored.body.meta.name]).toEqual(['new name.md', 'new name.md']);
  });

  it('answers 404 for an unknown file or one the caller may not touch, 422 without filename', async () => {
    const id = await readyFile(owner, 'keep.txt', 'keep my name');
    const unknown = await http('POST', '/api/v1/files/nope/rename', { key: owner.apiKey, json: { filename: 'x' } });
    expect(unknown).toEqual({ status: 404, body: { detail: ERROR_MESSAGES.NOT_FOUND }, location: null });
    const foreign = await http('POST', `/api/v1/files/${id}/rename`, { key: stranger.apiKey, json: { filename: 'x' } });
    expect(foreign.status).toBe(404);
    const missing = await http<{ detail: Issue[] }>('POST', `/api/v1/files/${id}/rename`, {
      key: owner.apiKey,
      json: {},
    });
    expect(missing.status).toBe(422);
    expect(missing.body.detail[0]?.loc).toEqual(['body', 'filename']);
    expect(owui.allFiles().find((f) => f.id === id)?.meta.name).toBe('keep.txt');
  });
});

describe('DELETE /api/v1/files/{id}', () => {
  it('takes the file out of every knowledge base and deletes it', async () => {
    const first = owui.createKnowledge(owner, 'delete 1');
    const second = owui.createKnowledge(owner, 'delete 2');
    const id = await readyFile(owner, 'shared.txt', 'in two knowledge bases');
    const other = await readyFile(owner, 'stays.txt', 'stays in the first');
    for (const [kb, file] of [
      [first, id],
      [second, id],
      [first, other],
    ] as const) {
      expect((await add(owner, kb, file)).status).toBe(200);
    }
    expect(owui.knowledgeFiles(second).map((f) => f.id)).toEqual([id]);

    const foreign = await http('DELETE', `/api/v1/files/${id}`, { key: stranger.apiKey });
    expect(foreign).toEqual({ status: 404, body: { detail: ERROR_MESSAGES.NOT_FOUND }, location: null });
    expect(owui.allFiles().some((f) => f.id === id)).toBe(true);

    const answer = await http('DELETE', `/api/v1/files/${id}`, { key: owner.apiKey });
    expect(answer).toEqual({ status: 200, body: { message: 'File deleted successfully' }, location: null });
    expect(owui.knowledgeFiles(first).map((f) => f.id)).toEqual([other]);
    expect(owui.knowledgeFiles(second)).toEqual([]);
    expect(owui.allFiles().some((f) => f.id === id)).toBe(false);
    expect((await statusOf(owner, id)).status).toBe(404);
    expect((await http('DELETE', `/api/v1/files/${id}`, { key: owner.apiKey })).status).toBe(404);
  });
});

describe('GET /api/v1/knowledge/{id} (knowledge.py get_knowledge_by_id)', () => {
  it('answers 404 NOT_FOUND for an unknown id', async () => {
    const answer = await http('GET', '/api/v1/knowledge/no-such-kb', { key: owner.apiKey });
    expect(answer).toEqual({
      status: 404,
      body: { detail: "We could not find what you're looking for :/" },
      location: null,
    });
  });

  it('answers 401 ACCESS_PROHIBITED to a user without access', async () => {
    const kb = owui.createKnowledge(owner, 'private');
    const answer = await http('GET', `/api/v1/knowledge/${kb}`, { key: stranger.apiKey });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({
      detail: 'You do not have permission to access this resource. Please contact your administrator for assistance.',
    });
    expect(answer.body).toEqual({ detail: ERROR_MESSAGES.ACCESS_PROHIBITED });
  });

  it('answers write_access true to the owner, a writer and an admin, without the files', async () => {
    const kb = owui.createKnowledge(owner, 'Team docs');
    owui.grantWrite(kb, writer);
    const id = await readyFile(owner, 'listed.txt', 'listed elsewhere');
    expect((await add(owner, kb, id)).status).toBe(200);
    for (const user of [owner, writer, admin]) {
      const answer = await http<KnowledgeAnswer>('GET', `/api/v1/knowledge/${kb}`, { key: user.apiKey });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ id: kb, user_id: owner.id, name: 'Team docs', write_access: true });
      expect(answer.body.files).toBeNull();
    }
  });
});

describe('POST /api/v1/knowledge/{id}/file/add', () => {
  it('answers 400 NOT_FOUND for an unknown knowledge base or file', async () => {
    const kb = owui.createKnowledge(owner, 'add 404');
    const id = await readyFile(owner, 'a.txt', 'add not found');
    const noKb = await add(owner, 'no-such-kb', id);
    expect(noKb).toEqual({
      status: 400,
      body: { detail: "We could not find what you're looking for :/" },
      location: null,
    });
    const noFile = await add(owner, kb, 'no-such-file');
    expect(noFile).toEqual({ status: 400, body: { detail: ERROR_MESSAGES.NOT_FOUND }, location: null });
    expect(owui.knowledgeFiles(kb)).toEqual([]);
  });

  it('answers 400 ACCESS_PROHIBITED without write access (before looking for the file), 403 for a file the writer may not read', async () => {
    const kb = owui.createKnowledge(owner, 'add access');
    const own = await readyFile(stranger, 'theirs.txt', 'stranger text');
    const noWrite = await add(stranger, kb, own);
    expect(noWrite).toEqual({ status: 400, body: { detail: ERROR_MESSAGES.ACCESS_PROHIBITED }, location: null });
    expect((await add(stranger, kb, 'no-such-file')).body).toEqual({ detail: ERROR_MESSAGES.ACCESS_PROHIBITED });

    owui.grantWrite(kb, writer);
    const ownersFile = await readyFile(owner, 'owners.txt', 'owner text');
    const unreadable = await add(writer, kb, ownersFile);
    expect(unreadable).toEqual({ status: 403, body: { detail: ERROR_MESSAGES.ACCESS_PROHIBITED }, location: null });
    const writersFile = await readyFile(writer, 'writers.txt', 'writer text');
    expect((await add(writer, kb, writersFile)).status).toBe(200);
    expect(owui.knowledgeFiles(kb)).toEqual([{ id: writersFile, name: 'writers.txt', content: 'writer text' }]);
  });

  it('answers the knowledge base with its files, and 200 unchanged for a file already in it', async () => {
    const kb = owui.createKnowledge(owner, 'idempotent');
    const id = await readyFile(owner, 'twice.txt', 'added twice');
    const first = await add(owner, kb, id);
    expect(first.status).toBe(200);
    expect(first.body.id).toBe(kb);
    expect(first.body.files?.map((f) => [f.id, f.meta.name])).toEqual([[id, 'twice.txt']]);
    const second = await add(owner, kb, id);
    expect(second.status).toBe(200);
    expect(second.body.files?.map((f) => f.id)).toEqual([id]);
    expect(owui.knowledgeFiles(kb)).toEqual([{ id, name: 'twice.txt', content: 'added twice' }]);
  });

  it('answers "400: " + EMPTY_CONTENT for a file still processing, and marks it failed', async () => {
    const kb = owui.createKnowledge(owner, 'too early');
    owui.config.processingDelayMs = 10_000;
    let answer: Answer<FileAnswer>;
    try {
      answer = await upload(owner, 'slow.txt', 'not extracted yet');
    } finally {
      owui.config.processingDelayMs = 5;
    }
    expect((await statusOf(owner, answer.body.id)).body).toEqual({ status: 'pending' });
    const refused = await add(owner, kb, answer.body.id);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      detail: '400: The content provided is empty. Please ensure that there is text or data present before proceeding.',
    });
    expect(refused.body).toEqual({ detail: `400: ${ERROR_MESSAGES.EMPTY_CONTENT}` });
    expect((await statusOf(owner, answer.body.id)).body).toEqual({ status: 'failed' });
    expect(owui.knowledgeFiles(kb)).toEqual([]);
  });

  it('answers "400: " + EMPTY_CONTENT for a file whose processing failed', async () => {
    const kb = owui.createKnowledge(owner, 'failed file');
    const image = await upload(owner, 'photo.png', PNG, { type: 'image/png' });
    expect((await waitProcessed(owner, image.body.id)).at(-1)).toBe('failed');
    const refused = await add(owner, kb, image.body.id);
    expect(refused).toEqual({ status: 400, body: { detail: `400: ${ERROR_MESSAGES.EMPTY_CONTENT}` }, location: null });
  });

  it('answers "400: " + DUPLICATE_CONTENT for the same text as another file of the knowledge base, and marks it failed', async () => {
    const kb = owui.createKnowledge(owner, 'duplicates');
    const elsewhere = owui.createKnowledge(owner, 'elsewhere');
    const first = await readyFile(owner, 'one.txt', 'the same words');
    const copy = await readyFile(owner, 'two.txt', 'the same words');
    expect((await add(owner, kb, first)).status).toBe(200);
    const refused = await add(owner, kb, copy);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      detail: '400: Duplicate content detected. Please provide unique content to proceed.',
    });
    expect(refused.body).toEqual({ detail: `400: ${ERROR_MESSAGES.DUPLICATE_CONTENT}` });
    expect((await statusOf(owner, copy)).body).toEqual({ status: 'failed' });
    expect(owui.allFiles().find((f) => f.id === copy)?.hash).toBeNull();
    expect(owui.knowledgeFiles(kb).map((f) => f.id)).toEqual([first]);
    // Duplicates are per knowledge base: another one takes the same text.
    const other = await readyFile(owner, 'three.txt', 'the same words');
    expect((await add(owner, elsewhere, other)).status).toBe(200);
  });

  it('answers 400 FILE_NOT_PROCESSED for a file uploaded with process=false', async () => {
    const kb = owui.createKnowledge(owner, 'unprocessed');
    const raw = await upload(owner, 'raw.txt', 'never processed', { query: '?process=false' });
    expect(raw.status).toBe(200);
    const refused = await add(owner, kb, raw.body.id);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      detail:
        'Extracted content is not available for this file. Please ensure that the file is processed before proceeding.',
    });
    expect(refused.body).toEqual({ detail: ERROR_MESSAGES.FILE_NOT_PROCESSED });
  });
});

describe('POST /api/v1/knowledge/{id}/file/remove', () => {
  it('answers 400 NOT_FOUND for a file not in the knowledge base, or unknown', async () => {
    const kb = owui.createKnowledge(owner, 'remove 404');
    const id = await readyFile(owner, 'outside.txt', 'never added');
    expect(await remove(owner, kb, id)).toEqual({
      status: 400,
      body: { detail: "We could not find what you're looking for :/" },
      location: null,
    });
    expect((await remove(owner, kb, 'no-such-file')).body).toEqual({ detail: ERROR_MESSAGES.NOT_FOUND });
    expect((await remove(owner, 'no-such-kb', id)).body).toEqual({ detail: ERROR_MESSAGES.NOT_FOUND });
    expect((await remove(stranger, kb, id)).body).toEqual({ detail: ERROR_MESSAGES.ACCESS_PROHIBITED });
    expect(owui.allFiles().some((f) => f.id === id)).toBe(true);
  });

  it('removes the link and deletes the file by default', async () => {
    const kb = owui.createKnowledge(owner, 'remove default');
    const id = await readyFile(owner, 'gone.txt', 'removed and deleted');
    const kept = await readyFile(owner, 'kept.txt', 'kept in place');
    await add(owner, kb, id);
    await add(owner, kb, kept);
    const answer = await remove(owner, kb, id);
    expect(answer.status).toBe(200);
    expect(answer.body.files?.map((f) => f.id)).toEqual([kept]);
    expect(owui.knowledgeFiles(kb).map((f) => f.id)).toEqual([kept]);
    expect(owui.allFiles().some((f) => f.id === id)).toBe(false);
    expect((await statusOf(owner, id)).status).toBe(404);
  });

  it('keeps the file with ?delete_file=false, and when the remover is a writer who does not own it', async () => {
    const kb = owui.createKnowledge(owner, 'remove keep');
    owui.grantWrite(kb, writer);
    const unlinked = await readyFile(owner, 'unlinked.txt', 'unlinked only');
    const byWriter = await readyFile(owner, 'by-writer.txt', 'removed by a writer');
    await add(owner, kb, unlinked);
    await add(owner, kb, byWriter);

    expect((await remove(owner, kb, unlinked, '?delete_file=false')).status).toBe(200);
    expect(owui.allFiles().some((f) => f.id === unlinked)).toBe(true);
    expect((await statusOf(owner, unlinked)).body).toEqual({ status: 'completed' });

    expect((await remove(writer, kb, byWriter)).status).toBe(200);
    expect(owui.allFiles().some((f) => f.id === byWriter)).toBe(true);
    expect(owui.knowledgeFiles(kb)).toEqual([]);
    // Once out, it can come back: its vectors went with the link.
    expect((await add(owner, kb, unlinked)).status).toBe(200);
    expect(owui.knowledgeFiles(kb).map((f) => f.id)).toEqual([unlinked]);
  });
});

describe("FastAPI's own answers", () => {
  it('answers 422 with a list of issues for a missing or mistyped body field, or a body that is not JSON', async () => {
    const kb = owui.createKnowledge(owner, 'shapes');
    const missing = await http<{ detail: Issue[] }>('POST', `/api/v1/knowledge/${kb}/file/add`, {
      key: owner.apiKey,
      json: {},
    });
    expect(missing.status).toBe(422);
    expect(Array.isArray(missing.body.detail)).toBe(true);
    expect(missing.body.detail[0]).toMatchObject({ type: 'missing', loc: ['body', 'file_id'], msg: 'Field required' });

    const removeMissing = await http<{ detail: Issue[] }>('POST', `/api/v1/knowledge/${kb}/file/remove`, {
      key: owner.apiKey,
      json: { fileId: 'x' },
    });
    expect(removeMissing.status).toBe(422);
    expect(removeMissing.body.detail[0]?.loc).toEqual(['body', 'file_id']);

    const mistyped = await http<{ detail: Issue[] }>('POST', `/api/v1/knowledge/${kb}/file/add`, {
      key: owner.apiKey,
      json: { file_id: 7 },
    });
    expect(mistyped.status).toBe(422);
    expect(mistyped.body.detail[0]).toMatchObject({ type: 'string_type', loc: ['body', 'file_id'] });

    const notJson = await http<{ detail: Issue[] }>('POST', `/api/v1/knowledge/${kb}/file/add`, {
      key: owner.apiKey,
      rawBody: '{file_id:',
    });
    expect(notJson.status).toBe(422);
    expect(notJson.body.detail[0]?.type).toBe('json_invalid');

    const badFlag = await http<{ detail: Issue[] }>('POST', `/api/v1/knowledge/${kb}/file/remove?delete_file=perhaps`, {
      key: owner.apiKey,
      json: { file_id: 'x' },
    });
    expect(badFlag.status).toBe(422);
    expect(badFlag.body.detail[0]?.loc).toEqual(['query', 'delete_file']);
  });

  it('checks the credentials before the body', async () => {
    const kb = owui.createKnowledge(owner, 'auth first');
    const answer = await http('POST', `/api/v1/knowledge/${kb}/file/add`, { json: {} });
    expect(answer).toEqual({ status: 403, body: { detail: 'Not authenticated' }, location: null });
  });

  it('answers 404 "Not Found" for an unknown path and 405 "Method Not Allowed" for a wrong method, before auth', async () => {
    for (const path of ['/api/v1/nothing', '/api/v1/files/x/y/z', '/api/v2/files/']) {
      expect(await http('GET', path, { key: owner.apiKey }), path).toEqual({
        status: 404,
        body: { detail: 'Not Found' },
        location: null,
      });
    }
    const calls: Array<[string, string]> = [
      ['PUT', '/api/v1/files/some-id'],
      ['POST', '/api/v1/files/some-id/process/status'],
      ['GET', '/api/v1/files/some-id/rename'],
      ['GET', '/api/v1/knowledge/some-kb/file/add'],
      ['DELETE', '/api/v1/knowledge/some-kb/file/remove'],
      ['POST', '/api/v1/knowledge/some-kb'],
    ];
    for (const [method, path] of calls) {
      expect(await http(method, path), `${method} ${path}`).toEqual({
        status: 405,
        body: { detail: 'Method Not Allowed' },
        location: null,
      });
    }
  });
});

describe('the fake’s controls', () => {
  it('failNext(route, count, status, detail) fails the next matching requests only, then answers normally', async () => {
    const id = await readyFile(owner, 'faulty.txt', 'fault injection');
    const kb = owui.createKnowledge(owner, 'faults');
    owui.resetLog();
    owui.failNext('status', 2, 503, 'try again later');
    owui.failNext('add', 1, 500);

    expect(await statusOf(owner, id)).toEqual({ status: 503, body: { detail: 'try again later' }, location: null });
    const failedAdd = await add(owner, kb, id);
    expect(failedAdd).toEqual({ status: 500, body: { detail: 'Internal Server Error' }, location: null });
    expect(owui.knowledgeFiles(kb)).toEqual([]);
    expect((await statusOf(owner, id)).status).toBe(503);
    expect(await statusOf(owner, id)).toEqual({ status: 200, body: { status: 'completed' }, location: null });
    expect((await add(owner, kb, id)).status).toBe(200);
    expect(owui.knowledgeFiles(kb).map((f) => f.id)).toEqual([id]);

    expect(owui.callCounts()).toEqual({ status: 3, add: 2 });
    expect(owui.requests.map((r) => [r.route, r.status])).toEqual([
      ['status', 503],
      ['add', 500],
      ['status', 503],
      ['status', 200],
      ['add', 200],
    ]);
    expect(owui.requests[0]).toMatchObject({ method: 'GET', path: `/api/v1/files/${id}/process/status` });
  });

  it('GET /_fake/knowledge/{id} answers { id, files: [{ id, name, content }] }, 404 for an unknown id', async () => {
    const kb = owui.createKnowledge(owner, 'inspect');
    const first = await readyFile(owner, 'first.md', '# first');
    const second = await readyFile(owner, 'second.txt', 'second text');
    await add(owner, kb, first);
    await add(owner, kb, second);

    const answer = await http<{ id: string; files: Array<{ id: string; name: string; content: string }> }>(
      'GET',
      `/_fake/knowledge/${kb}`,
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      id: kb,
      files: [
        { id: first, name: 'first.md', content: '# first' },
        { id: second, name: 'second.txt', content: 'second text' },
      ],
    });
    expect(answer.body.files).toEqual(owui.knowledgeFiles(kb));

    const unknown = await http('GET', '/_fake/knowledge/no-such-kb');
    expect(unknown).toEqual({ status: 404, body: { detail: ERROR_MESSAGES.NOT_FOUND }, location: null });
  });
});

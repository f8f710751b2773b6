// A strict fake of Open WebUI's file and knowledge API for tests and benchmarks (docs/open-webui.md,
// "The fake"), served over HTTP on 127.0.0.1 with an in-process control and inspection API.
//
// Written from Open WebUI's routers at open-webui/open-webui@0045fd8cbd703268ca45f78afd95e7725561d2e5:
// backend/open_webui/routers/files.py (upload, process status, get, rename, delete),
// routers/knowledge.py (get, file/add, file/remove), routers/retrieval.py (process_file,
// save_docs_to_vector_db: empty content, duplicate content by hash), models/files.py
// (update_file_name_by_id), with ERROR_MESSAGES from constants.py and the API key check of
// utils/auth.py (read at older commits of the same repository, 0476bc9a and 00d20f64: the stored
// index had no copy at 0045fd8c). What it copies, with the behaviour a connector must survive:
//
// - auth: `Authorization: Bearer sk-…`; no credentials → 403 "Not authenticated"; an unknown sk- key
//   → 401 INVALID_TOKEN; API keys disabled → 403 API_KEY_NOT_ALLOWED; a non-sk token is a JWT that
//   does not decode → 401 "401 Unauthorized";
// - POST /api/v1/files/ (multipart field `file`, optional `metadata` JSON string; `process` and
//   `process_in_background` query flags, both true by default): extension allowlist → 400
//   "[ERROR: File type {ext} is not allowed]"; over rag.file.max_size MB → 413 FILE_TOO_LARGE; the
//   answer is `{ status: true, ...file }` with data.status "pending" while processing runs after the
//   answer; processing fails an image ("File type image/png is not supported for processing") and
//   empty text (EMPTY_CONTENT), else completes with the text and its sha256 (an image or video whose
//   first 8 KB has no NUL byte is text, as files.py's _is_text_file decides);
// - GET /api/v1/files/{id}/process/status → { status } ("pending" when unset), 404 NOT_FOUND;
// - POST /api/v1/files/{id}/rename { filename }: sets filename and meta.name;
// - DELETE /api/v1/files/{id}: takes it out of every knowledge base and deletes it;
// - GET /api/v1/knowledge/{id}: 404 NOT_FOUND; 401 ACCESS_PROHIBITED without read access;
// - POST /api/v1/knowledge/{id}/file/add { file_id }: unknown knowledge or file → 400 NOT_FOUND,
//   no write access → 400 ACCESS_PROHIBITED, uploaded with process=false (data {}) → 400
//   FILE_NOT_PROCESSED, already in the knowledge base → 200 unchanged (idempotent); a file without
//   extracted text (still processing, or failed) → 400 "400: " + EMPTY_CONTENT and the file marked
//   failed; the same text as another file of the knowledge base → 400 "400: " + DUPLICATE_CONTENT
//   (the router wraps process_file's HTTPException in str(), hence the "400: " prefix);
// - POST /api/v1/knowledge/{id}/file/remove { file_id } (?delete_file=true by default): a file not in
//   the knowledge base → 400 NOT_FOUND; removes the link and, for the owner or an admin, deletes the
//   file (so a remove needs no separate DELETE);
// - FastAPI's own answers: 422 with `detail` as a list of issues for a missing field, 404
//   "Not Found", 405 "Method Not Allowed", 307 to the slash-terminated path for POST /api/v1/files
//   (query string kept).
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const OPENWEBUI_COMMIT = '0045fd8cbd703268ca45f78afd95e7725561d2e5';

export const ERROR_MESSAGES = {
  NOT_FOUND: "We could not find what you're looking for :/",
  ACCESS_PROHIBITED:
    'You do not have permission to access this resource. Please contact your administrator for assistance.',
  INVALID_TOKEN: 'Your session has expired or the token is invalid. Please sign in again.',
  UNAUTHORIZED: '401 Unauthorized',
  API_KEY_NOT_ALLOWED: 'Use of API key is not enabled in the environment.',
  FILE_NOT_PROCESSED:
    'Extracted content is not available for this file. Please ensure that the file is processed before proceeding.',
  EMPTY_CONTENT: 'The content provided is empty. Please ensure that there is text or data present before proceeding.',
  DUPLICATE_CONTENT: 'Duplicate content detected. Please provide unique content to proceed.',
  DEFAULT: (err = '') => (err === '' ? 'Something went wrong :/' : `[ERROR: ${err}]`),
  FILE_TOO_LARGE: (size = '') =>
    `Oops! The file you're trying to upload is too large. Please upload a file that is less than ${size}.`,
} as const;

export interface FakeUser {
  id: string;
  role: 'admin' | 'user';
  apiKey: string;
}

export interface FakeFile {
  id: string;
  user_id: string;
  hash: string | null;
  filename: string;
  path: string;
  data: { status?: string; content?: string; error?: string };
  meta: { name: string; content_type: string | null; size: number; file_hash: string; data: unknown };
  created_at: number;
  updated_at: number;
  /** The uploaded bytes (the fake's storage). */
  bytes: Buffer;
}

export interface FakeKnowledge {
  id: string;
  user_id: string;
  name: string;
  description: string;
  /** Writers besides the owner and admins (AccessGrants with permission write). */
  writers: Set<string>;
  /** file id → the hash of its text in this collection's vectors. */
  files: Map<string, string>;
  created_at: number;
  updated_at: number;
}

export interface FakeOpenWebUiConfig {
  /** rag.file.allowed_extensions; empty: any. */
  allowedExtensions: string[];
  /** rag.file.max_size in MB; undefined: no limit. */
  maxSizeMb: number | undefined;
  /** ENABLE_API_KEYS. */
  enableApiKeys: boolean;
  /** How long background processing takes after the upload answered. */
  processingDelayMs: number;
}

export interface RequestRecord {
  method: string;
  path: string;
  status: number;
  /** The route's name (upload, status, add, remove, rename, delete, get-file, get-knowledge). */
  route: string;
}

export interface FakeOpenWebUi {
  baseUrl: string;
  config: FakeOpenWebUiConfig;
  /** A user with an API key (a given one, e.g. the local run's kept key, or a new random one). */
  addUser(role?: 'admin' | 'user', apiKey?: string): FakeUser;
  revokeKey(apiKey: string): void;
  createKnowledge(owner: FakeUser, name?: string, id?: string): string;
  grantWrite(knowledgeId: string, user: FakeUser): void;
  /** The files of a knowledge base as a user would see them: name and text. */
  knowledgeFiles(knowledgeId: string): Array<{ id: string; name: string; content: string }>;
  /** Every stored file (attached or not). */
  allFiles(): FakeFile[];
  requests: RequestRecord[];
  /** Requests per route since the start (or the last resetLog). */
  callCounts(): Record<string, number>;
  resetLog(): void;
  /** The next `count` requests matching `route` are answered `status` with `detail`. */
  failNext(route: string, count: number, status: number, detail?: string): void;
  stop(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: unknown,
  ) {
    super(typeof detail === 'string' ? detail : JSON.stringify(detail));
  }
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function queryBool(url: URL, name: string, fallback: boolean): boolean {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  const value = raw.toLowerCase();
  if (['true', '1', 'yes', 'on', 't', 'y'].includes(value)) return true;
  if (['false', '0', 'no', 'off', 'f', 'n'].includes(value)) return false;
  throw new HttpError(422, [
    {
      type: 'bool_parsing',
      loc: ['query', name],
      msg: 'Input should be a valid boolean, unable to interpret input',
      input: raw,
    },
  ]);
}

function missingField(where: 'body' | 'query', name: string): HttpError {
  return new HttpError(422, [{ type: 'missing', loc: [where, name], msg: 'Field required', input: null }]);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function jsonBody(raw: Buffer): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    throw new HttpError(422, [{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {} }]);
  }
  throw new HttpError(422, [
    {
      type: 'model_attributes_type',
      loc: ['body'],
      msg: 'Input should be a valid dictionary or object to extract fields from',
      input: null,
    },
  ]);
}

function stringField(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (value === undefined) throw missingField('body', name);
  if (typeof value !== 'string') {
    throw new HttpError(422, [
      { type: 'string_type', loc: ['body', name], msg: 'Input should be a valid string', input: value },
    ]);
  }
  return value;
}

export async function startFakeOpenWebUi(
  options: Partial<FakeOpenWebUiConfig> = {},
  listen: { port?: number } = {},
): Promise<FakeOpenWebUi> {
  const config: FakeOpenWebUiConfig = {
    allowedExtensions: [],
    maxSizeMb: undefined,
    enableApiKeys: true,
    processingDelayMs: 0,
    ...options,
  };
  const users = new Map<string, FakeUser>();
  const files = new Map<string, FakeFile>();
  const knowledge = new Map<string, FakeKnowledge>();
  const requests: RequestRecord[] = [];
  const faults: Array<{ route: string; remaining: number; status: number; detail: string }> = [];
  const timers = new Set<NodeJS.Timeout>();

  function authenticate(req: IncomingMessage): FakeUser {
    const header = req.headers.authorization;
    const [scheme, token, extra] = (header ?? '').split(' ');
    if (!header || extra !== undefined || scheme?.toLowerCase() !== 'bearer' || !token) {
      throw new HttpError(403, 'Not authenticated');
    }
    if (!token.startsWith('sk-')) throw new HttpError(401, ERROR_MESSAGES.UNAUTHORIZED);
    if (!config.enableApiKeys) throw new HttpError(403, ERROR_MESSAGES.API_KEY_NOT_ALLOWED);
    const user = users.get(token);
    if (!user) throw new HttpError(401, ERROR_MESSAGES.INVALID_TOKEN);
    return user;
  }

  const mayRead = (user: FakeUser, file: FakeFile) => file.user_id === user.id || user.role === 'admin';
  const mayWrite = (user: FakeUser, kb: FakeKnowledge) =>
    kb.user_id === user.id || user.role === 'admin' || kb.writers.has(user.id);

  function fileModel(file: FakeFile) {
    const { bytes: _bytes, ...model } = file;
    return { ...model, access_control: null };
  }

  function knowledgeFilesResponse(kb: FakeKnowledge, user: FakeUser) {
    return {
      id: kb.id,
      user_id: kb.user_id,
      name: kb.name,
      description: kb.description,
      meta: null,
      access_grants: [],
      created_at: kb.created_at,
      updated_at: kb.updated_at,
      write_access: mayWrite(user, kb),
      files: [...kb.files.keys()].flatMap((id) => {
        const file = files.get(id);
        return file ? [{ id: file.id, meta: file.meta, created_at: file.created_at, updated_at: file.updated_at }] : [];
      }),
    };
  }

  function textOf(bytes: Buffer): string {
    return bytes.toString('utf8');
  }

  /** process_uploaded_file: the background task after an upload with process=true. */
  function processUploaded(file: FakeFile): void {
    if (!files.has(file.id)) return;
    let contentType = file.meta.content_type ?? '';
    // _is_text_file: media whose first 8 KB is not empty and has no NUL byte is mislabelled text
    // (e.g. .ts as video/mp2t) and is processed as text/plain.
    const head = file.bytes.subarray(0, 8192);
    if (/^(image|video)\//.test(contentType) && head.length > 0 && !head.includes(0)) contentType = 'text/plain';
    if (contentType.startsWith('image/')) {
      file.data = { ...file.data, status: 'failed', error: `File type ${contentType} is not supported for processing` };
      return;
    }
    if (contentType.startsWith('video/')) {
      file.data = { ...file.data, status: 'completed' };
      return;
    }
    const text = textOf(file.bytes);
    if (text.trim() === '') {
      file.data = { ...file.data, status: 'failed', error: ERROR_MESSAGES.EMPTY_CONTENT };
      file.hash = null;
      return;
    }
    file.data = { ...file.data, content: text, status: 'completed' };
    file.hash = sha256(text);
    file.updated_at = nowSeconds();
  }

  async function upload(req: IncomingMessage, url: URL, user: FakeUser) {
    const process = queryBool(url, 'process', true);
    const inBackground = queryBool(url, 'process_in_background', true);
    const raw = await readBody(req);
    let form: FormData;
    try {
      form = await new Request('http://fake/', {
        method: 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? '' },
        body: raw,
      }).formData();
    } catch {
      throw missingField('body', 'file');
    }
    const part = form.get('file');
    if (!part || typeof part === 'string') throw missingField('body', 'file');
    let metadata: unknown = {};
    const metadataField = form.get('metadata');
    if (typeof metadataField === 'string' && metadataField !== '') {
      try {
        metadata = JSON.parse(metadataField);
      } catch {
        throw new HttpError(400, ERROR_MESSAGES.DEFAULT('Invalid metadata format'));
      }
    }
    const name = part.name.split(/[\\/]/).pop() ?? part.name;
    const dot = name.lastIndexOf('.');
    const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
    const allowed = config.allowedExtensions.filter((ext) => ext);
    if (process && allowed.length > 0 && !allowed.includes(extension)) {
      throw new HttpError(400, ERROR_MESSAGES.DEFAULT(`File type ${extension} is not allowed`));
    }
    const bytes = Buffer.from(await part.arrayBuffer());
    if (config.maxSizeMb !== undefined && bytes.length > config.maxSizeMb * 1024 * 1024) {
      throw new HttpError(413, ERROR_MESSAGES.FILE_TOO_LARGE(`${config.maxSizeMb} MB`));
    }
    const id = randomUUID();
    const at = nowSeconds();
    const file: FakeFile = {
      id,
      user_id: user.id,
      hash: null,
      filename: name,
      path: `/app/backend/data/uploads/${id}_${name}`,
      data: process ? { status: 'pending' } : {},
      meta: {
        name,
        content_type: part.type || null,
        size: bytes.length,
        file_hash: createHash('sha256').update(bytes).digest('hex'),
        data: metadata ?? {},
      },
      created_at: at,
      updated_at: at,
      bytes,
    };
    files.set(id, file);
    if (!process) return fileModel(file);
    // The answer is the file as inserted, before processing (files.py returns file_item.model_dump()).
    const answer = { status: true, ...fileModel(file), data: { ...file.data } };
    if (!inBackground) processUploaded(file);
    else {
      const timer = setTimeout(() => {
        timers.delete(timer);
        processUploaded(file);
      }, config.processingDelayMs);
      timers.add(timer);
    }
    return answer;
  }

  function fileFor(user: FakeUser, id: string): FakeFile {
    const file = files.get(id);
    if (!file || !mayRead(user, file)) throw new HttpError(404, ERROR_MESSAGES.NOT_FOUND);
    return file;
  }

  function writableKnowledge(user: FakeUser, id: string): FakeKnowledge {
    const kb = knowledge.get(id);
    if (!kb) throw new HttpError(400, ERROR_MESSAGES.NOT_FOUND);
    if (!mayWrite(user, kb)) throw new HttpError(400, ERROR_MESSAGES.ACCESS_PROHIBITED);
    return kb;
  }

  function deleteFile(id: string): void {
    files.delete(id);
    for (const kb of knowledge.values()) kb.files.delete(id);
  }

  async function addFile(req: IncomingMessage, user: FakeUser, kbId: string) {
    const body = jsonBody(await readBody(req));
    const fileId = stringField(body, 'file_id');
    const kb = writableKnowledge(user, kbId);
    const file = files.get(fileId);
    if (!file) throw new HttpError(400, ERROR_MESSAGES.NOT_FOUND);
    if (Object.keys(file.data).length === 0) throw new HttpError(400, ERROR_MESSAGES.FILE_NOT_PROCESSED);
    if (!mayRead(user, file)) throw new HttpError(403, ERROR_MESSAGES.ACCESS_PROHIBITED);
    if (kb.files.has(fileId)) return knowledgeFilesResponse(kb, user);
    // process_file(collection_name=id): the file's vectors exist only once its processing completed;
    // otherwise the text is file.data.content, '' for a file still processing or failed.
    const text = file.data.status === 'completed' ? (file.data.content ?? '') : '';
    file.data = { ...file.data, content: text };
    const fail = (message: string): never => {
      file.data = { ...file.data, status: 'failed' };
      file.hash = null;
      throw new HttpError(400, `400: ${message}`);
    };
    if (text.trim() === '') fail(ERROR_MESSAGES.EMPTY_CONTENT);
    const hash = sha256(text);
    for (const [otherId, otherHash] of kb.files) {
      if (otherHash === hash && otherId !== fileId) fail(ERROR_MESSAGES.DUPLICATE_CONTENT);
    }
    kb.files.set(fileId, hash);
    file.hash = hash;
    file.data = { ...file.data, status: 'completed' };
    kb.updated_at = nowSeconds();
    return knowledgeFilesResponse(kb, user);
  }

  async function removeFile(req: IncomingMessage, url: URL, user: FakeUser, kbId: string) {
    const deleteIt = queryBool(url, 'delete_file', true);
    const body = jsonBody(await readBody(req));
    const fileId = stringField(body, 'file_id');
    const kb = writableKnowledge(user, kbId);
    const file = files.get(fileId);
    if (!file) throw new HttpError(400, ERROR_MESSAGES.NOT_FOUND);
    if (!kb.files.has(fileId)) throw new HttpError(400, ERROR_MESSAGES.NOT_FOUND);
    kb.files.delete(fileId);
    if (deleteIt && (file.user_id === user.id || user.role === 'admin')) files.delete(fileId);
    kb.updated_at = nowSeconds();
    return knowledgeFilesResponse(kb, user);
  }

  /** A knowledge base's files as its users see them: name and extracted text. */
  function knowledgeFilesOf(knowledgeId: string): Array<{ id: string; name: string; content: string }> {
    const kb = knowledge.get(knowledgeId);
    if (!kb) return [];
    return [...kb.files.keys()].flatMap((id) => {
      const file = files.get(id);
      return file ? [{ id, name: file.meta.name, content: file.data.content ?? '' }] : [];
    });
  }

  function route(req: IncomingMessage, url: URL): { name: string; run: () => Promise<unknown> } {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const notAllowed = { name: 'none', run: () => Promise.reject(new HttpError(405, 'Method Not Allowed')) };
    const withUser = (name: string, run: (user: FakeUser) => unknown) => ({
      name,
      run: () => Promise.resolve().then(() => run(authenticate(req))),
    });
    // Not Open WebUI's: the fake's own inspection route (like the sandbox's /_sandbox), so a local run
    // can show with curl what a user of Open WebUI would see in the knowledge base.
    const inspect = /^\/_fake\/knowledge\/([^/]+)$/.exec(path);
    if (inspect && method === 'GET') {
      const id = decodeURIComponent(inspect[1]!);
      return {
        name: 'inspect',
        run: () =>
          knowledge.has(id)
            ? Promise.resolve({ id, files: knowledgeFilesOf(id) })
            : Promise.reject(new HttpError(404, ERROR_MESSAGES.NOT_FOUND)),
      };
    }
    if (path === '/api/v1/files') {
      // Starlette's redirect_slashes: the absolute URL, query string kept.
      const location = `${req.headers.host ? `http://${req.headers.host}` : ''}/api/v1/files/${url.search}`;
      return { name: 'redirect', run: () => Promise.reject(new HttpError(307, location)) };
    }
    if (path === '/api/v1/files/') {
      return method === 'POST' ? withUser('upload', (user) => upload(req, url, user)) : notAllowed;
    }
    let m = /^\/api\/v1\/files\/([^/]+)\/process\/status$/.exec(path);
    if (m) {
      const id = decodeURIComponent(m[1]!);
      return method === 'GET'
        ? withUser('status', (user) => ({ status: fileFor(user, id).data.status ?? 'pending' }))
        : notAllowed;
    }
    m = /^\/api\/v1\/files\/([^/]+)\/rename$/.exec(path);
    if (m) {
      const id = decodeURIComponent(m[1]!);
      return method === 'POST'
        ? withUser('rename', async (user) => {
            const body = jsonBody(await readBody(req));
            const filename = stringField(body, 'filename');
            const file = fileFor(user, id);
            file.filename = filename;
            file.meta = { ...file.meta, name: filename };
            file.updated_at = nowSeconds();
            return fileModel(file);
          })
        : notAllowed;
    }
    m = /^\/api\/v1\/files\/([^/]+)$/.exec(path);
    if (m) {
      const id = decodeURIComponent(m[1]!);
      if (method === 'GET') return withUser('get-file', (user) => fileModel(fileFor(user, id)));
      if (method === 'DELETE') {
        return withUser('delete', (user) => {
          fileFor(user, id);
          deleteFile(id);
          return { message: 'File deleted successfully' };
        });
      }
      return notAllowed;
    }
    m = /^\/api\/v1\/knowledge\/([^/]+)\/file\/(add|remove)$/.exec(path);
    if (m) {
      const id = decodeURIComponent(m[1]!);
      if (method !== 'POST') return notAllowed;
      return m[2] === 'add'
        ? withUser('add', (user) => addFile(req, user, id))
        : withUser('remove', (user) => removeFile(req, url, user, id));
    }
    m = /^\/api\/v1\/knowledge\/([^/]+)$/.exec(path);
    if (m) {
      const id = decodeURIComponent(m[1]!);
      return method === 'GET'
        ? withUser('get-knowledge', (user) => {
            const kb = knowledge.get(id);
            if (!kb) throw new HttpError(404, ERROR_MESSAGES.NOT_FOUND);
            if (!(user.role === 'admin' || kb.user_id === user.id || kb.writers.has(user.id))) {
              throw new HttpError(401, ERROR_MESSAGES.ACCESS_PROHIBITED);
            }
            // get_knowledge_by_id at this commit answers the knowledge without its files.
            return { ...knowledgeFilesResponse(kb, user), files: null };
          })
        : notAllowed;
    }
    return { name: 'none', run: () => Promise.reject(new HttpError(404, 'Not Found')) };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const { name, run } = route(req, url);
    let status = 200;
    let payload: unknown;
    const fault = faults.find((f) => f.route === name && f.remaining > 0);
    try {
      if (fault) {
        fault.remaining--;
        req.resume();
        throw new HttpError(fault.status, fault.detail);
      }
      payload = await run();
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      status = error.status;
      if (status === 307) {
        res.writeHead(307, { location: String(error.detail) }).end();
        requests.push({ method: req.method ?? 'GET', path: url.pathname, status, route: name });
        return;
      }
      payload = { detail: error.detail };
    }
    requests.push({ method: req.method ?? 'GET', path: url.pathname, status, route: name });
    const body = JSON.stringify(payload);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    config,
    addUser(role = 'user', apiKey = `sk-${randomUUID().replace(/-/g, '')}`) {
      const user: FakeUser = { id: randomUUID(), role, apiKey };
      users.set(user.apiKey, user);
      return user;
    },
    revokeKey(apiKey) {
      users.delete(apiKey);
    },
    createKnowledge(owner, name = 'KB', id = randomUUID()) {
      const at = nowSeconds();
      knowledge.set(id, {
        id,
        user_id: owner.id,
        name,
        description: '',
        writers: new Set(),
        files: new Map(),
        created_at: at,
        updated_at: at,
      });
      return id;
    },
    grantWrite(knowledgeId, user) {
      knowledge.get(knowledgeId)?.writers.add(user.id);
    },
    knowledgeFiles: knowledgeFilesOf,
    allFiles: () => [...files.values()],
    requests,
    callCounts() {
      const counts: Record<string, number> = {};
      for (const r of requests) counts[r.route] = (counts[r.route] ?? 0) + 1;
      return counts;
    },
    resetLog() {
      requests.length = 0;
    },
    failNext(route, count, status, detail = 'Internal Server Error') {
      faults.push({ route, remaining: count, status, detail });
    },
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

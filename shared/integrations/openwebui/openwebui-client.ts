// Open WebUI's file and knowledge API as a KbSink (core/ports/connector-ports.ts), as its routers
// behave at open-webui/open-webui@0045fd8cbd703268ca45f78afd95e7725561d2e5 (docs/open-webui.md; the
// fake in dev/openwebui copies them):
//
// - upload: POST /api/v1/files/ (multipart `file`, processing in the background), then poll
//   GET /api/v1/files/{id}/process/status until `completed` or `failed`: file/add on a file whose
//   processing has not completed fails with EMPTY_CONTENT and marks the file failed;
// - attach: POST /api/v1/knowledge/{id}/file/add { file_id } (a file already there answers 200);
// - detach: POST /api/v1/knowledge/{id}/file/remove { file_id }: with delete_file (the default) it
//   deletes the file too, so no DELETE follows;
// - discard: DELETE /api/v1/files/{id} (an upload that was never attached);
// - rename: POST /api/v1/files/{id}/rename { filename } (filename and meta.name).
//
// Failures map to SinkError kinds by status and Open WebUI's own detail strings: 401 (and 403 "Not
// authenticated" or API keys disabled, and ACCESS_PROHIBITED on the knowledge base) stop the
// connector; 413 is too_large; "File type … is not allowed" / "… not supported for processing" is
// unsupported_type; a failed or unfinished processing is not_processed; DUPLICATE_CONTENT is
// duplicate_content; 5xx, 429, timeouts and network errors are transient.
import { z } from 'zod';
import { SinkError, type KbSink, type SinkFile } from '../../core/ports/connector-ports.js';

// The parts of Open WebUI's answers the connector reads, parsed before use (loose: Open WebUI adds
// fields between releases). A 200 that does not fit is a refusal of that item, never a crash.
const knowledgeAnswerSchema = z.looseObject({ write_access: z.boolean().optional() });
const uploadAnswerSchema = z.looseObject({ id: z.string().min(1) });
const processStatusSchema = z.looseObject({ status: z.string().optional(), error: z.string().optional() });
const fileAnswerSchema = z.looseObject({
  data: z.looseObject({ error: z.string().optional() }).nullish(),
});

export interface OpenWebUiSettings {
  baseUrl: string;
  /** One request without a full answer by then failed (transient). */
  requestTimeoutMs: number;
  /** How long an upload may stay in processing before the item fails as not_processed. */
  processingTimeoutMs: number;
  /** First wait between process-status polls; doubles up to 1 s. */
  pollIntervalMs?: number;
}

/** Every Open WebUI call this client makes, by route: the benchmark's calls per event. */
export type OpenWebUiCallCounter = (route: string) => void;

const DETAIL = {
  duplicate: 'Duplicate content detected',
  empty: 'The content provided is empty',
  notProcessed: 'Extracted content is not available for this file',
  notFound: "We could not find what you're looking for",
  prohibited: 'You do not have permission to access this resource',
  notAuthenticated: 'Not authenticated',
  apiKeyNotAllowed: 'Use of API key is not enabled',
};

interface Answer {
  status: number;
  body: unknown;
  detail: string;
}

function detailOf(body: unknown): string {
  if (body && typeof body === 'object' && 'detail' in body) {
    const detail = body.detail;
    return typeof detail === 'string' ? detail : JSON.stringify(detail);
  }
  return typeof body === 'string' ? body : '';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class OpenWebUiClient {
  private readonly base: string;

  constructor(
    private readonly settings: OpenWebUiSettings,
    private readonly apiKey: string,
    private readonly count: OpenWebUiCallCounter = () => {},
  ) {
    this.base = settings.baseUrl.replace(/\/+$/, '');
  }

  async call(route: string, method: string, path: string, body?: string | FormData, json = false): Promise<Answer> {
    this.count(route);
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.apiKey}`,
          accept: 'application/json',
          ...(json ? { 'content-type': 'application/json' } : {}),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.requestTimeoutMs),
      });
    } catch (error) {
      const what = error instanceof Error && error.name === 'TimeoutError' ? 'no answer in time' : 'network error';
      throw new SinkError('transient', undefined, `${route}: ${what}`);
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Not JSON (a proxy's error page): the text is the detail.
    }
    const answer = { status: response.status, body: parsed, detail: detailOf(parsed) };
    if (answer.status === 401) throw new SinkError('unauthorized', 401, answer.detail);
    if (
      answer.status === 403 &&
      (answer.detail.startsWith(DETAIL.notAuthenticated) || answer.detail.startsWith(DETAIL.apiKeyNotAllowed))
    ) {
      throw new SinkError('unauthorized', 403, answer.detail);
    }
    if (answer.status >= 500 || answer.status === 429 || answer.status === 408) {
      throw new SinkError('transient', answer.status, `${route}: ${answer.detail || `HTTP ${answer.status}`}`);
    }
    return answer;
  }

  /** GET /api/v1/knowledge/{id}: exists and the key may read it (registration's check). */
  async knowledge(knowledgeId: string): Promise<{ writeAccess: boolean }> {
    const answer = await this.call('get-knowledge', 'GET', `/api/v1/knowledge/${encodeURIComponent(knowledgeId)}`);
    if (answer.status === 404) throw new SinkError('collection_gone', 404, answer.detail);
    if (answer.status !== 200) throw new SinkError('rejected', answer.status, answer.detail);
    const parsed = knowledgeAnswerSchema.safeParse(answer.body);
    if (!parsed.success) throw new SinkError('rejected', 200, 'the knowledge base answer is not what Open WebUI sends');
    return { writeAccess: parsed.data.write_access === true };
  }

  async upload(file: SinkFile): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([file.bytes], { type: file.contentType }), file.name);
    const answer = await this.call('upload', 'POST', '/api/v1/files/?process=true&process_in_background=true', form);
    if (answer.status === 413) throw new SinkError('too_large', 413, answer.detail);
    if (answer.status === 400 && /File type .* is not allowed/.test(answer.detail)) {
      throw new SinkError('unsupported_type', 400, answer.detail);
    }
    const parsed = answer.status === 200 ? uploadAnswerSchema.safeParse(answer.body) : undefined;
    if (!parsed?.success) {
      throw new SinkError('rejected', answer.status, answer.detail || 'the upload answered no file id');
    }
    return parsed.data.id;
  }

  async waitReady(fileId: string): Promise<void> {
    const deadline = Date.now() + this.settings.processingTimeoutMs;
    let wait = this.settings.pollIntervalMs ?? 50;
    for (;;) {
      const answer = await this.call('status', 'GET', `/api/v1/files/${encodeURIComponent(fileId)}/process/status`);
      if (answer.status !== 200) throw new SinkError('not_processed', answer.status, answer.detail);
      const parsed = processStatusSchema.safeParse(answer.body);
      if (!parsed.success)
        throw new SinkError('not_processed', 200, 'the processing status is not what Open WebUI sends');
      const body = parsed.data;
      if (body.status === 'completed') return;
      if (body.status === 'failed') {
        const error = body.error ?? (await this.processingError(fileId));
        const kind = /File type .* not supported/.test(error) ? 'unsupported_type' : 'not_processed';
        throw new SinkError(kind, undefined, error || 'Open WebUI could not process the file');
      }
      if (Date.now() + wait > deadline) {
        throw new SinkError(
          'not_processed',
          undefined,
          `still ${body.status ?? 'pending'} after ${this.settings.processingTimeoutMs} ms`,
        );
      }
      await sleep(wait);
      wait = Math.min(wait * 2, 1_000);
    }
  }

  /** The status route without stream says only "failed": the reason is in the file's data. */
  private async processingError(fileId: string): Promise<string> {
    const answer = await this.call('get-file', 'GET', `/api/v1/files/${encodeURIComponent(fileId)}`);
    const parsed = fileAnswerSchema.safeParse(answer.body);
    return parsed.success ? (parsed.data.data?.error ?? '') : '';
  }

  async attach(knowledgeId: string, fileId: string): Promise<void> {
    const answer = await this.call(
      'add',
      'POST',
      `/api/v1/knowledge/${encodeURIComponent(knowledgeId)}/file/add`,
      JSON.stringify({ file_id: fileId }),
      true,
    );
    if (answer.status === 200) return;
    const { detail, status } = answer;
    if (detail.includes(DETAIL.duplicate)) throw new SinkError('duplicate_content', status, detail);
    if (detail.includes(DETAIL.empty) || detail.includes(DETAIL.notProcessed)) {
      throw new SinkError('not_processed', status, detail);
    }
    if (detail.startsWith(DETAIL.prohibited)) throw new SinkError('unauthorized', status, detail);
    if (detail.startsWith(DETAIL.notFound)) {
      // NOT_FOUND names the knowledge base or the file: ask which.
      await this.knowledge(knowledgeId);
      throw new SinkError('rejected', status, `the uploaded file is gone: ${detail}`);
    }
    throw new SinkError('rejected', status, detail);
  }

  async detach(knowledgeId: string, fileId: string): Promise<'removed' | 'absent'> {
    const answer = await this.call(
      'remove',
      'POST',
      `/api/v1/knowledge/${encodeURIComponent(knowledgeId)}/file/remove?delete_file=true`,
      JSON.stringify({ file_id: fileId }),
      true,
    );
    if (answer.status === 200) return 'removed';
    if (answer.detail.startsWith(DETAIL.prohibited)) throw new SinkError('unauthorized', answer.status, answer.detail);
    if (answer.status === 400 && answer.detail.startsWith(DETAIL.notFound)) {
      // Not in the knowledge base (removed already, by us before a crash or by someone else); it may
      // still exist as a file, so delete it as well.
      await this.discard(fileId);
      return 'absent';
    }
    throw new SinkError('rejected', answer.status, answer.detail);
  }

  async discard(fileId: string): Promise<void> {
    const answer = await this.call('delete', 'DELETE', `/api/v1/files/${encodeURIComponent(fileId)}`);
    if (answer.status === 200 || answer.status === 404) return;
    throw new SinkError('rejected', answer.status, answer.detail);
  }

  async rename(fileId: string, name: string): Promise<'renamed' | 'absent'> {
    const answer = await this.call(
      'rename',
      'POST',
      `/api/v1/files/${encodeURIComponent(fileId)}/rename`,
      JSON.stringify({ filename: name }),
      true,
    );
    if (answer.status === 200) return 'renamed';
    if (answer.status === 404) return 'absent';
    throw new SinkError('rejected', answer.status, answer.detail);
  }
}

/** The sink of one knowledge base with one API key. */
export function openWebUiSink(client: OpenWebUiClient, knowledgeId: string): KbSink {
  return {
    upload: (file) => client.upload(file),
    waitReady: (fileId) => client.waitReady(fileId),
    attach: (fileId) => client.attach(knowledgeId, fileId),
    detach: (fileId) => client.detach(knowledgeId, fileId),
    discard: (fileId) => client.discard(fileId),
    rename: (fileId, name) => client.rename(fileId, name),
  };
}

/** Registration's check: the knowledge base exists and the key may write it. */
export async function verifyOpenWebUiKnowledge(client: OpenWebUiClient, knowledgeId: string): Promise<void> {
  const { writeAccess } = await client.knowledge(knowledgeId);
  if (!writeAccess) {
    throw new SinkError('unauthorized', undefined, 'the API key may read this knowledge base but not write it');
  }
}

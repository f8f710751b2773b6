// A Drive file's content, streamed: blobs with `alt=media` and the host's Range
// (https://developers.google.com/workspace/drive/api/guides/manage-downloads); Docs, Sheets and Slides
// exported to the source's format with files.export, whose output Google caps at 10 MB
// (https://developers.google.com/workspace/drive/api/reference/rest/v3/files/export): over it, and for
// Google types that cannot be exported (forms, shortcuts, folders), a ContentUnavailableError the host
// receives as a problem, never a broken stream.
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { ContentUnavailableError } from '../../../core/domain/errors.js';
import type { SourceRecord } from '../../../core/domain/source.js';
import type { ContentRequest, ContentResponse } from '../../../core/ports/provider-ports.js';
import type { DriveApi } from '../drive-api/drive-api.js';
import { FOLDER_MIME_TYPE, GOOGLE_APPS_PREFIX } from './drive-file-mapping.js';
import { googleDriveOf, type ExportFormat } from './google-drive-location.js';

const EXPORT_TYPES: Readonly<Record<string, Record<ExportFormat, string>>> = {
  'application/vnd.google-apps.document': {
    office: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    pdf: 'application/pdf',
  },
  'application/vnd.google-apps.spreadsheet': {
    office: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    pdf: 'application/pdf',
  },
  'application/vnd.google-apps.presentation': {
    office: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    pdf: 'application/pdf',
  },
};

const FORWARDED = ['content-type', 'content-length', 'content-range', 'etag', 'accept-ranges'];
const metadataSchema = z.object({ mimeType: z.string() });
const streamSchema = z.object({
  status: z.number().int(),
  data: z.custom<Readable>((value) => typeof (value as { pipe?: unknown } | null)?.pipe === 'function'),
  headers: z.custom<{ get(name: string): string | null }>(
    (value) => typeof (value as { get?: unknown } | null)?.get === 'function',
  ),
});

export async function downloadGoogleContent(
  api: DriveApi,
  source: SourceRecord,
  itemId: string,
  request: ContentRequest,
): Promise<ContentResponse> {
  const { mimeType } = await api.json(
    source,
    'the file',
    (options) => api.client.files.get({ fileId: itemId, supportsAllDrives: true, fields: 'mimeType' }, options),
    metadataSchema,
  );
  if (mimeType === FOLDER_MIME_TYPE) throw new ContentUnavailableError('a folder has no content');
  if (mimeType.startsWith(GOOGLE_APPS_PREFIX)) {
    const target = EXPORT_TYPES[mimeType]?.[googleDriveOf(source).exportFormat];
    if (!target) throw new ContentUnavailableError(`Google Drive cannot export files of type ${mimeType}`);
    const answer = await api.send(
      source,
      'the export',
      (options) =>
        api.client.files.export({ fileId: itemId, mimeType: target }, { ...options, responseType: 'stream' }),
      (failure) =>
        failure.status === 403 && failure.reason === 'exportSizeLimitExceeded'
          ? new ContentUnavailableError(
              "the exported file is over Google's 10 MB export limit; download it from Google Drive instead",
            )
          : undefined,
      request.signal,
    );
    // An export is made afresh each time: no ranges, no validators.
    return toContentResponse(answer, 200);
  }
  const answer = await api.send(
    source,
    'the file content',
    (options) =>
      api.client.files.get(
        { fileId: itemId, supportsAllDrives: true, alt: 'media' },
        {
          ...options,
          responseType: 'stream',
          headers: { ...options.headers, ...(request.range ? { Range: request.range } : {}) },
          // 416 is an answer the host should get as it is (the range is outside the file).
          validateStatus: (status: number) => (status >= 200 && status < 300) || status === 416,
        },
      ),
    undefined,
    request.signal,
  );
  return toContentResponse(answer);
}

function toContentResponse(answer: unknown, fixedStatus?: 200): ContentResponse {
  const parsed = streamSchema.parse(answer);
  const status = fixedStatus ?? parsed.status;
  if (status !== 200 && status !== 206 && status !== 416) throw new Error(`unexpected content status ${status}`);
  const headers: Record<string, string> = {};
  for (const name of FORWARDED) {
    const value = parsed.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  if (status === 416) {
    parsed.data.resume();
    return { status, headers };
  }
  return { status, headers, body: parsed.data };
}

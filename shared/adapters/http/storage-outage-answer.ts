// One place for "storage is down" on every HTTP function (host routes, webhooks, connect): instead of a 500 after the SDK gave up, a 503 problem+json with Retry-After. Graph
// delivers webhook notifications again after a 5xx; hosts retry after the given seconds.
import type { HttpHandler, HttpResponseInit } from '@azure/functions';
import { createLogger } from '../logging/logger.js';
import { isStorageUnavailable } from '../storage/storage-unavailable.js';
import { retryableProblem } from './problem.js';

/** Long enough for a restarted emulator or a failed-over account; short enough not to stall hosts. */
export const STORAGE_RETRY_AFTER_SECONDS = 5;

export function storageUnavailableProblem(): HttpResponseInit {
  return retryableProblem(503, 'storage is unavailable for now', STORAGE_RETRY_AFTER_SECONDS);
}

export function answeringStorageOutages(handler: HttpHandler): HttpHandler {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      if (!isStorageUnavailable(error)) throw error;
      // Name and code only: SDK errors carry the request, whose URL may hold a SAS.
      createLogger(context).warn('http.storage_unavailable', {
        errorType: error instanceof Error ? error.name : typeof error,
        errorCode: (error as { code?: unknown }).code,
      });
      return storageUnavailableProblem();
    }
  };
}

// Reads the failures the Azure SDKs throw (RestError from @azure/core-rest-pipeline): the HTTP status
// in `statusCode`, and the service's own error code (EntityNotFound, MessageNotFound, SecretNotFound…)
// where that SDK puts it. Storage Queues and Key Vault set `code` from the error body; Table Storage
// leaves `code` empty and the code arrives only in the `x-ms-error-code` header, which the SDK also
// copies into `details.errorCode`. Status-code reference:
// https://learn.microsoft.com/rest/api/storageservices/common-rest-api-error-codes

interface RestErrorShape {
  statusCode?: unknown;
  code?: unknown;
  details?: { errorCode?: unknown };
  response?: { headers?: { get?: (name: string) => string | undefined } };
}

function asShape(error: unknown): RestErrorShape | undefined {
  return typeof error === 'object' && error !== null ? error : undefined;
}

/** The HTTP status of an SDK failure; undefined when no answer came (a network failure) or not an SDK error. */
export function restErrorStatus(error: unknown): number | undefined {
  const status = asShape(error)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The service's error code, from whichever place the SDK that threw it keeps it. */
export function serviceErrorCode(error: unknown): string | undefined {
  const shape = asShape(error);
  if (shape === undefined) return undefined;
  const candidates = [shape.code, shape.details?.errorCode, shape.response?.headers?.get?.('x-ms-error-code')];
  return candidates.find((value): value is string => typeof value === 'string' && value !== '');
}

/**
 * Did an Azure SDK call fail with this HTTP status (and, when given, this service error code)? A 404
 * can mean "no such row" or "no such table"; pass the code where the difference matters.
 */
export function isRestError(error: unknown, status: number, serviceCode?: string): boolean {
  if (restErrorStatus(error) !== status) return false;
  return serviceCode === undefined || serviceErrorCode(error) === serviceCode;
}

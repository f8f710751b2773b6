// The loggers tests hand to the code they run: one that drops everything, and one that keeps every
// line as the host would write it (formatted and redacted by the product's own formatter) and the
// fields it was given before redaction, so a test can look for an event or for a leaked secret.
import { createLogger, formatLogLine, type LogFields, type Logger } from '../../shared/adapters/logging/logger.js';

const ignore = (): void => undefined;

/** Drops every event (still formatted, so a field the formatter cannot write fails as it would live). */
export const quietLogger: Logger = createLogger({ debug: ignore, info: ignore, warn: ignore, error: ignore });

export interface CapturedLogs {
  /** One redacted JSON line per event, as the host's sink receives it. */
  lines: string[];
  /** Each event's own fields, before redaction. */
  fields: LogFields[];
}

/** A logger that appends every event to `lines` (and its raw fields to `fields`), for the test to read. */
export function capturingLogger(lines: string[], fields: LogFields[] = []): Logger {
  return capture({ lines, fields }, {});
}

function capture(logs: CapturedLogs, base: LogFields): Logger {
  const write = (event: string, extra: LogFields = {}) => {
    logs.fields.push({ event, ...base, ...extra });
    logs.lines.push(formatLogLine(event, { ...base, ...extra }));
  };
  return {
    debug: write,
    info: write,
    warn: write,
    error: write,
    child: (fields) => capture(logs, { ...base, ...fields }),
  };
}

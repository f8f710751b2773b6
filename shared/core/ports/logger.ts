// The logger port: structured events with fields. Core logs through it only; the adapter
// (shared/adapters/logging/logger.ts) writes one redacted JSON line per event to the host's sink.
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every event (a source's ids, say). */
  child(fields: LogFields): Logger;
}

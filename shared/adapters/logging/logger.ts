// Structured logging through the invocation context: one JSON object per line, redacted.
import type { InvocationContext } from '@azure/functions';
import { redact } from '../../core/logging/redact.js';
import type { LogFields, Logger } from '../../core/ports/logger.js';

// Re-exported so the layers that build loggers (app, functions, dev) import one module.
export type { LogFields, Logger };

type Sink = Pick<InvocationContext, 'debug' | 'info' | 'warn' | 'error'>;

/** Formats one structured line. Exported so every log path shares the same redaction. */
export function formatLogLine(event: string, fields: LogFields): string {
  return JSON.stringify(redact({ event, ...fields }));
}

export function createLogger(sink: Sink, base: LogFields = {}): Logger {
  const write =
    (level: keyof Sink) =>
    (event: string, fields: LogFields = {}) =>
      sink[level](formatLogLine(event, { ...base, ...fields }));
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (fields) => createLogger(sink, { ...base, ...fields }),
  };
}

/** Logger for code that runs outside an invocation (start-up, dev tools). */
export function consoleLogger(base: LogFields = {}): Logger {
  return createLogger(
    {
      debug: (line: string) => console.debug(line),
      info: (line: string) => console.info(line),
      warn: (line: string) => console.warn(line),
      error: (line: string) => console.error(line),
    },
    base,
  );
}

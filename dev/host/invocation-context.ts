// Builds the real InvocationContext for one invocation. Its log handler writes one line per log call,
// scrubbed with redactText, because a handler may log text our logger never saw.
import { randomUUID } from 'node:crypto';
import { format } from 'node:util';
import azureFunctions from '@azure/functions';
import type { InvocationContext, LogLevel, TriggerMetadata } from '@azure/functions';
import { redactText } from '../../shared/core/logging/redact.js';

export type LineSink = (line: string) => void;

export const stdoutSink: LineSink = (line) => {
  process.stdout.write(`${line}\n`);
};

export interface InvocationContextOptions {
  functionName: string;
  triggerType: 'httpTrigger' | 'queueTrigger' | 'timerTrigger';
  triggerMetadata?: TriggerMetadata;
  sink: LineSink;
}

export function createInvocationContext(options: InvocationContextOptions): InvocationContext {
  const invocationId = randomUUID();
  return new azureFunctions.InvocationContext({
    invocationId,
    functionName: options.functionName,
    triggerMetadata: options.triggerMetadata,
    options: { trigger: { name: 'trigger', type: options.triggerType } },
    logHandler: (level: LogLevel, ...args: unknown[]) => {
      const time = new Date().toISOString();
      options.sink(redactText(`${time} [${level}] ${options.functionName} (${invocationId}) ${format(...args)}`));
    },
  });
}

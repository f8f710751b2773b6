// Records every answer an e2e test's local host sends (startLocalHost's onResponse) and, after the
// file's tests, fails if any of them is not what the OpenAPI document says (openapi-contract.ts).
// Usage: `const contract = recordContract();` at the top of a test file, then
// `startLocalHost({ ..., onResponse: contract.record })`.
import { afterAll, expect } from 'vitest';
import type { ObservedResponse } from '../../dev/host/response-observer.js';
import { buildOpenApiDocument } from '../../shared/app/openapi/openapi-document.js';
import { contractChecker } from './openapi-contract.js';

export interface ContractRecorder {
  /** A property, not a method: it is handed to startLocalHost on its own. */
  readonly record: (answer: ObservedResponse) => void;
  /** Every recorded answer that breaks the contract, one line each. */
  violations(): string[];
  /** How many answers were recorded (a check over nothing proves nothing). */
  count(): number;
}

export function contractRecorder(): ContractRecorder {
  const check = contractChecker(buildOpenApiDocument());
  const answers: ObservedResponse[] = [];
  return {
    record: (answer) => void answers.push(answer),
    violations: () => answers.flatMap(check),
    count: () => answers.length,
  };
}

/** A recorder whose answers are checked once the file's tests are done. */
export function recordContract(): ContractRecorder {
  const recorder = contractRecorder();
  afterAll(() => {
    expect(recorder.count(), 'no HTTP answer was recorded').toBeGreaterThan(0);
    expect(recorder.violations()).toEqual([]);
  });
  return recorder;
}

// How a zod failure is described to whoever sent the input (an HTTP caller, the poison queue): each
// issue's path and message, never the input value, which may hold a secret (a refresh token in a
// rejected body, say). zod does not copy input values into issues unless asked to.
import type { z } from 'zod';

export interface InputIssue {
  path: string;
  message: string;
}

export function describeIssues(error: z.ZodError): InputIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}

/** The issues as one line: "path: message; path: message". */
export function issuesLine(issues: readonly InputIssue[]): string {
  return issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
}

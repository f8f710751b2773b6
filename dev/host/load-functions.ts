// Imports every function module so its definitions register. functions/*.ts is the source twin of
// package.json "main" (dist/functions/*.js) that the real host loads; we run under tsx/vitest, so the
// TypeScript files are imported directly.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { definedFunctions, type FunctionDefinition } from '../../shared/app/function-definitions.js';

export const FUNCTIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'functions');

/** The function module files, sorted, as the host's "main" glob would match them. */
export function functionModuleFiles(directory = FUNCTIONS_DIR): string[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.endsWith('.test.ts'))
    .sort()
    .map((file) => path.join(directory, file));
}

/**
 * Outside the Functions host, @azure/functions runs in "test mode" and warns once per app.* call
 * (docs/invariants.md, "Platform pitfalls"). That is expected here, so those lines are dropped; other warnings pass.
 */
const TEST_MODE_WARNING = /^WARNING: (Skipping call to register|Failed to detect the Azure Functions runtime)/;

export async function loadFunctionDefinitions(directory = FUNCTIONS_DIR): Promise<readonly FunctionDefinition[]> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!(typeof args[0] === 'string' && TEST_MODE_WARNING.test(args[0]))) warn(...args);
  };
  try {
    for (const file of functionModuleFiles(directory)) await import(pathToFileURL(file).href);
  } finally {
    console.warn = warn;
  }
  return definedFunctions();
}

// Starts one in-memory Azurite for the whole test run, on free ports, and hands its connection
// string to the tests through vitest's provide/inject.
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startAzurite } from '../dev/azurite/azurite-process.js';

declare module 'vitest' {
  export interface ProvidedContext {
    storageConnectionString: string;
  }
}

export default async function setup(project: TestProject) {
  const azurite = await startAzurite();
  project.provide('storageConnectionString', azurite.connectionString);
  return async () => {
    await azurite.stop();
  };
}

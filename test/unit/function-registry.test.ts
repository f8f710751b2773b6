// The real Functions host learns about functions from app.http/app.storageQueue/app.timer calls in
// the files package.json "main" points at; the local host reads definedFunctions(). This test proves
// both see the same functions with the same triggers, so the local host cannot drift from Azure.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app } from '@azure/functions';
import type { HttpFunctionOptions, StorageQueueFunctionOptions, TimerFunctionOptions } from '@azure/functions';
import { beforeAll, describe, expect, test, vi } from 'vitest';
import { FUNCTIONS_DIR, functionModuleFiles } from '../../dev/host/load-functions.js';
import { definedFunctions, STORAGE_CONNECTION } from '../../shared/app/function-definitions.js';

type Registration =
  | { kind: 'http'; name: string; options: HttpFunctionOptions }
  | { kind: 'queue'; name: string; options: StorageQueueFunctionOptions }
  | { kind: 'timer'; name: string; options: TimerFunctionOptions };

const registered: Registration[] = [];
/** Per function file: how many definitions and host registrations importing it added. */
const perFile = new Map<string, { defined: number; registered: number }>();

beforeAll(async () => {
  // Spies replace the real calls (which only warn in test mode) and record what the host would get.
  vi.spyOn(app, 'http').mockImplementation((name, options) => {
    registered.push({ kind: 'http', name, options });
  });
  vi.spyOn(app, 'storageQueue').mockImplementation((name, options) => {
    registered.push({ kind: 'queue', name, options });
  });
  vi.spyOn(app, 'timer').mockImplementation((name, options) => {
    registered.push({ kind: 'timer', name, options });
  });
  for (const file of functionModuleFiles()) {
    const before = { defined: definedFunctions().length, registered: registered.length };
    await import(pathToFileURL(file).href);
    perFile.set(path.basename(file), {
      defined: definedFunctions().length - before.defined,
      registered: registered.length - before.registered,
    });
  }
});

describe('function registry', () => {
  test('functions/ holds function files', () => {
    expect(perFile.size).toBeGreaterThan(0);
  });

  test('every file in functions/ defines at least one function through the definition helpers', () => {
    for (const [file, counts] of perFile) {
      expect.soft(counts.defined, `${file} defines no function`).toBeGreaterThan(0);
      expect.soft(counts.registered, `${file}: registrations differ from definitions`).toBe(counts.defined);
    }
  });

  test('the real host receives exactly the functions the local host reads', () => {
    const hostSees = registered.map((registration) => `${registration.kind}:${registration.name}`).sort();
    const localHostSees = definedFunctions()
      .map((definition) => `${definition.kind}:${definition.name}`)
      .sort();
    expect(hostSees).toEqual(localHostSees);
    expect(new Set(hostSees).size).toBe(hostSees.length);
  });

  test('each registration carries the same trigger and handler as its definition', () => {
    for (const definition of definedFunctions()) {
      const registration = registered.find((candidate) => candidate.name === definition.name);
      expect(registration?.kind).toBe(definition.kind);
      if (definition.kind === 'http' && registration?.kind === 'http') {
        expect(registration.options).toMatchObject({
          route: definition.route,
          methods: definition.methods,
          authLevel: definition.authLevel,
        });
        expect(registration.options.handler).toBe(definition.handler);
      } else if (definition.kind === 'queue' && registration?.kind === 'queue') {
        expect(registration.options).toMatchObject({ queueName: definition.queueName, connection: STORAGE_CONNECTION });
        expect(registration.options.handler).toBe(definition.handler);
      } else if (definition.kind === 'timer' && registration?.kind === 'timer') {
        expect(registration.options).toMatchObject({
          schedule: definition.schedule,
          runOnStartup: definition.runOnStartup,
        });
        expect(registration.options.handler).toBe(definition.handler);
      }
    }
  });
});

describe('what the real host loads', () => {
  const repoRoot = path.resolve(FUNCTIONS_DIR, '..');
  const readJson = (file: string) => JSON.parse(readFileSync(path.join(repoRoot, file), 'utf8')) as unknown;

  test('package.json main is the built twin of functions/*.ts', () => {
    expect(readJson('package.json')).toMatchObject({ main: 'dist/functions/*.js' });
  });

  test('the build compiles functions/ into dist/functions/', () => {
    const base = readJson('tsconfig.json') as { compilerOptions: { rootDir: string; outDir: string } };
    const build = readJson('tsconfig.build.json') as { include: string[]; compilerOptions: { noEmit: boolean } };
    expect(base.compilerOptions).toMatchObject({ rootDir: '.', outDir: 'dist' });
    expect(build.include).toContain('functions');
    expect(build.compilerOptions.noEmit).toBe(false);
  });
});

// Delta semantics without HTTP: snapshots, incremental rounds, determinism of the realism knobs.
import { describe, expect, it } from 'vitest';
import { DeltaEngine, DeltaError, type DeltaPage } from '../../../dev/sandbox/state/delta-engine.js';
import { SandboxClock } from '../../../dev/sandbox/state/sandbox-clock.js';
import { defaultSandboxSettings, type SandboxSettings } from '../../../dev/sandbox/state/sandbox-settings.js';
import { SignedTokenCodec } from '../../../dev/sandbox/state/signed-token.js';
import { TenantState } from '../../../dev/sandbox/state/tenant-state.js';

function setup(overrides: Partial<SandboxSettings> = {}) {
  const clock = new SandboxClock();
  const settings = { ...defaultSandboxSettings(), pageSizeJitter: 0, duplicateRate: 0, childFirst: 0, ...overrides };
  const tenant = new TenantState(clock);
  const engine = new DeltaEngine(new SignedTokenCodec(), clock, () => settings, 1);
  const drive = tenant.createDrive({ driveType: 'business' });
  return { clock, settings, tenant, engine, drive };
}

function drain(
  serve: (token: string | undefined) => DeltaPage,
  first: string | undefined,
): { ids: string[]; deltaToken: string } {
  const ids: string[] = [];
  let page = serve(first);
  for (let i = 0; i < 10_000; i++) {
    ids.push(...page.items.map((item) => item.id));
    if (page.deltaToken) return { ids, deltaToken: page.deltaToken };
    page = serve(page.nextToken);
  }
  throw new Error('no deltaToken');
}

describe('DeltaEngine', () => {
  it('snapshots a full enumeration and then reports changes made while paging on the next round', () => {
    const { tenant, engine, drive } = setup();
    tenant.generateItems(drive.id, drive.rootId, { count: 30 });
    const serve = (token: string | undefined) => engine.serve(drive, drive.rootId, token, 10);
    const first = serve(undefined);
    const late = tenant.createFile(drive.id, drive.rootId, 'late.txt', Buffer.from('late'));
    let page = first;
    const ids = [...first.items.map((item) => item.id)];
    while (page.nextToken) {
      page = serve(page.nextToken);
      ids.push(...page.items.map((item) => item.id));
    }
    expect(ids).not.toContain(late.id);
    expect(drain(serve, page.deltaToken).ids).toContain(late.id);
  });

  it('gives the same pages for the same seed and cursor, with duplicates and child-first runs', () => {
    const { tenant, engine, drive } = setup({ pageSizeJitter: 0.5, duplicateRate: 0.3, childFirst: 0.5 });
    tenant.generateItems(drive.id, drive.rootId, { count: 200, foldersEvery: 20 });
    const first = engine.serve(drive, drive.rootId, undefined, 25);
    const a = engine.serve(drive, drive.rootId, first.nextToken, 25);
    const b = engine.serve(drive, drive.rootId, first.nextToken, 25);
    expect(b.items.map((item) => item.id)).toEqual(a.items.map((item) => item.id));
    const all = drain((token) => engine.serve(drive, drive.rootId, token, 25), undefined).ids;
    expect(all.length).toBeGreaterThan(new Set(all).size);
    expect(new Set(all).size).toBe(201);
  });

  it('refuses tokens of another drive and expires tokens by age', () => {
    const { tenant, engine, drive, clock, settings } = setup();
    const other = tenant.createDrive({ driveType: 'business' });
    const { deltaToken } = drain((token) => engine.serve(drive, drive.rootId, token, undefined), undefined);
    expect(() => engine.serve(other, other.rootId, deltaToken, undefined)).toThrow(DeltaError);
    clock.advance(settings.deltaTokenMaxAgeMs + 1);
    expect(() => engine.serve(drive, drive.rootId, deltaToken, undefined)).toThrow(
      expect.objectContaining({ kind: 'resyncRequired' }),
    );
  });

  it('charges 2 RU for every page of a token-less enumeration and 1 RU with a token', () => {
    const { tenant, engine, drive } = setup();
    tenant.generateItems(drive.id, drive.rootId, { count: 5 });
    expect(engine.costOf(undefined)).toBe(2);
    const first = engine.serve(drive, drive.rootId, undefined, 2);
    expect(engine.costOf(first.nextToken)).toBe(2);
    const { deltaToken } = drain((token) => engine.serve(drive, drive.rootId, token, 2), first.nextToken);
    expect(engine.costOf(deltaToken)).toBe(1);
  });

  it('forgets the oldest enumerations past its bound, whose cursors then answer resyncRequired', () => {
    const { tenant, engine, drive } = setup();
    tenant.generateItems(drive.id, drive.rootId, { count: 3 });
    const oldest = engine.serve(drive, drive.rootId, undefined, 1);
    expect(engine.serve(drive, drive.rootId, oldest.nextToken, 1).items).toHaveLength(1);
    for (let i = 0; i < 1024; i++) engine.serve(drive, drive.rootId, undefined, 1);
    expect(() => engine.serve(drive, drive.rootId, oldest.nextToken, 1)).toThrow(
      expect.objectContaining({ kind: 'resyncRequired' }),
    );
  });
});

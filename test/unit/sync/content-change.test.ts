import { describe, expect, it } from 'vitest';
import { contentChanged } from '../../../shared/providers/microsoft/drive/drive-content-version.js';
import { shouldHoldDeletes } from '../../../shared/core/sync/mass-delete-guard.js';

describe('contentChanged', () => {
  it('trusts quickXorHash over eTag (Business: no cTag, eTag changes on rename)', () => {
    expect(contentChanged({ quickXorHash: 'a', eTag: '1' }, { quickXorHash: 'a', eTag: '2' })).toBe(false);
    expect(contentChanged({ quickXorHash: 'a', eTag: '1' }, { quickXorHash: 'b', eTag: '1' })).toBe(true);
  });
  it('uses cTag when no hash is there (personal)', () => {
    expect(contentChanged({ cTag: 'c1', eTag: '1' }, { cTag: 'c1', eTag: '2' })).toBe(false);
    expect(contentChanged({ cTag: 'c1' }, { cTag: 'c2' })).toBe(true);
  });
  it('treats a hash filled in later with the same eTag as unchanged', () => {
    expect(contentChanged({ eTag: '1' }, { quickXorHash: 'a', eTag: '1' })).toBe(false);
  });
  it('errs towards a re-download when nothing but the eTag is known', () => {
    expect(contentChanged({ eTag: '1' }, { eTag: '2' })).toBe(true);
    expect(contentChanged({ eTag: '1', size: 1 }, { eTag: '1', size: 2 })).toBe(true);
  });
});

describe('shouldHoldDeletes', () => {
  const policy = { ratio: 0.5, minItems: 100 };
  it('holds more than the share, from the minimum on', () => {
    expect(shouldHoldDeletes(101, 200, policy)).toBe(true);
    expect(shouldHoldDeletes(100, 200, policy)).toBe(false);
    expect(shouldHoldDeletes(99, 100, policy)).toBe(false);
  });
});

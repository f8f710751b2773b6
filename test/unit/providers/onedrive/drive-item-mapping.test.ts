import { describe, expect, it } from 'vitest';
import { DRIVE_ITEM_SELECT, toRemoteItem } from '../../../../shared/providers/microsoft/drive/drive-item-mapping.js';
import { deltaPageSchema, driveItemSchema } from '../../../../shared/providers/microsoft/drive/graph-schemas.js';

const map = (json: unknown) => toRemoteItem(driveItemSchema.parse(json));

describe('driveItem → RemoteItem', () => {
  it('maps a file with every field the engine uses', () => {
    expect(
      map({
        id: 'F1',
        name: 'report.docx',
        size: 1234,
        eTag: '"{A},2"',
        cTag: '"c:{A},1"',
        lastModifiedDateTime: '2026-11-23T10:00:00Z',
        webUrl: 'https://contoso-my.sharepoint.com/report.docx',
        parentReference: { id: 'P1', driveId: 'D1', driveType: 'business' },
        file: { mimeType: 'application/msword', hashes: { quickXorHash: 'qx==', sha1Hash: 'ABCD' } },
        createdBy: { user: { displayName: 'ignored extra field' } },
      }),
    ).toEqual({
      id: 'F1',
      kind: 'file',
      name: 'report.docx',
      parentId: 'P1',
      isFolder: false,
      isRoot: false,
      deleted: false,
      size: 1234,
      mimeType: 'application/msword',
      contentHash: { algorithm: 'quickXorHash', value: 'qx==' },
      contentVersion: { sha1Hash: 'ABCD', cTag: '"c:{A},1"' },
      eTag: '"{A},2"',
      lastModifiedDateTime: '2026-11-23T10:00:00Z',
      webUrl: 'https://contoso-my.sharepoint.com/report.docx',
    });
  });

  it('maps a Business delete that has neither name nor cTag (docs/graph-behaviour.md §1)', () => {
    expect(map({ id: 'F2', deleted: { state: 'deleted' }, parentReference: { id: 'P1' }, file: {} })).toEqual({
      id: 'F2',
      kind: 'file',
      parentId: 'P1',
      isFolder: false,
      isRoot: false,
      deleted: true,
    });
  });

  it('maps a personal delete that has a name but no size', () => {
    const item = map({ id: 'F3', name: 'old.txt', deleted: {}, parentReference: { id: 'P2' } });
    expect(item.deleted).toBe(true);
    expect(item.name).toBe('old.txt');
    expect(item).not.toHaveProperty('size');
    expect(item).not.toHaveProperty('cTag');
    expect(item).not.toHaveProperty('contentVersion');
  });

  it('leaves hashes out when Graph has not computed them yet', () => {
    const item = map({ id: 'F4', name: 'new.bin', size: 0, file: { mimeType: 'application/octet-stream' } });
    expect(item).not.toHaveProperty('quickXorHash');
    expect(item).not.toHaveProperty('sha1Hash');
    expect(item).not.toHaveProperty('contentHash');
    expect(item).not.toHaveProperty('contentVersion');
    expect(item.size).toBe(0);
  });

  it('treats explicit nulls as absent', () => {
    const item = map({ id: 'F5', name: 'n.txt', cTag: null, file: { hashes: null }, parentReference: null });
    expect(item).toEqual({ id: 'F5', kind: 'file', name: 'n.txt', isFolder: false, isRoot: false, deleted: false });
  });

  it('maps the root: a folder with no parent item even though parentReference names the drive', () => {
    expect(
      map({
        id: 'ROOT',
        name: 'root',
        root: {},
        folder: { childCount: 3 },
        parentReference: { driveId: 'D1', id: 'X' },
      }),
    ).toEqual({
      id: 'ROOT',
      kind: 'file',
      name: 'root',
      isFolder: true,
      isRoot: true,
      deleted: false,
    });
  });

  it('maps a folder', () => {
    const item = map({ id: 'D', name: 'Docs', folder: {}, parentReference: { id: 'ROOT' } });
    expect(item.isFolder).toBe(true);
    expect(item.parentId).toBe('ROOT');
  });

  it('rejects an item without id, and a wrongly typed field it uses', () => {
    expect(driveItemSchema.safeParse({ name: 'x' }).success).toBe(false);
    expect(driveItemSchema.safeParse({ id: 'x', size: '12' }).success).toBe(false);
  });
});

describe('delta $select and page schema', () => {
  it('names deleted (a $select without it strips the facet) and every field the mapping reads', () => {
    const fields = DRIVE_ITEM_SELECT.split(',');
    for (const field of [
      'id',
      'deleted',
      'file',
      'folder',
      'root',
      'parentReference',
      'name',
      'size',
      'eTag',
      'cTag',
      'lastModifiedDateTime',
      'webUrl',
    ]) {
      expect(fields).toContain(field);
    }
  });

  it('accepts a page with exactly one of nextLink and deltaLink', () => {
    const base = { '@odata.context': 'x', value: [{ id: 'a', folder: {} }] };
    expect(
      deltaPageSchema.safeParse({ ...base, '@odata.nextLink': 'https://graph.microsoft.com/v1.0/d?token=1' }).success,
    ).toBe(true);
    expect(
      deltaPageSchema.safeParse({ ...base, '@odata.deltaLink': 'https://graph.microsoft.com/v1.0/d?token=2' }).success,
    ).toBe(true);
    expect(deltaPageSchema.safeParse(base).success).toBe(false);
    expect(
      deltaPageSchema.safeParse({
        ...base,
        '@odata.nextLink': 'https://graph.microsoft.com/v1.0/d?token=1',
        '@odata.deltaLink': 'https://graph.microsoft.com/v1.0/d?token=2',
      }).success,
    ).toBe(false);
  });
});

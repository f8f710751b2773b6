// The registration body's drive and folder fields: real Graph id shapes pass, anything that could
// add or climb a URL segment is refused with an issue naming the field.
import { describe, expect, test } from 'vitest';
import { describeIssues } from '../../../shared/core/validation/describe-issues.js';
import { registerSourceBodySchema } from '../../../shared/app/provider-registry.js';

const GUID = '2c712604-1370-44e7-a1f5-426573fda80a';
const parse = (location: Record<string, unknown>) =>
  registerSourceBodySchema.safeParse({ type: 'onedrive', ...location });
const issuePaths = (location: Record<string, unknown>) => {
  const parsed = parse(location);
  return parsed.success ? [] : describeIssues(parsed.error).map((issue) => issue.path);
};

describe('Graph ids and paths in a registration', () => {
  test.each([
    { drive: { driveId: 'b!t18F8ybsHUq1z3LTz8xvZqP8zaSWjkFNhsME-Fepo75dTf9vQKfeRblBZjoSQrd7' } },
    { drive: { driveId: 'CA1E3D2B3A1C5E6F' } },
    { drive: { userId: GUID } },
    { drive: { userId: 'megan.bowen@contoso.onmicrosoft.com' } },
    { drive: { userId: "o'neil_a-b@contoso.com" } },
    { drive: { userId: 'guest_fabrikam.com#EXT#@contoso.onmicrosoft.com' } },
    { drive: { siteId: `contoso.sharepoint.com,${GUID},${GUID.toUpperCase()}`, libraryName: 'Shared Documents' } },
    { drive: { siteId: 'contoso.sharepoint.com' } },
    { drive: { siteId: 'root' } },
    { drive: { me: true }, scope: { itemId: '01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K' } },
    { drive: { me: true }, scope: { itemId: 'CA1E3D2B3A1C5E6F!123' } },
    { drive: { me: true }, scope: { path: '/Docs/v1.2..final/.hidden/...' } },
    { drive: { me: true }, scope: { path: 'Docs/2024/' } },
  ])('accepts %j', (location) => {
    expect(issuePaths(location)).toEqual([]);
  });

  test.each([
    ['drive.userId', { drive: { userId: '..' } }],
    ['drive.userId', { drive: { userId: '.' } }],
    ['drive.userId', { drive: { userId: 'a@b.com/../../me' } }],
    ['drive.driveId', { drive: { driveId: '..' } }],
    ['drive.driveId', { drive: { driveId: 'b!abc/../me' } }],
    ['drive.driveId', { drive: { driveId: 'b!abc?$select=id' } }],
    ['drive.siteId', { drive: { siteId: '..' } }],
    ['drive.siteId', { drive: { siteId: `contoso.sharepoint.com,${GUID},..` } }],
    ['drive.siteId', { drive: { siteId: 'contoso..com' } }],
    ['scope.itemId', { drive: { me: true }, scope: { itemId: '..' } }],
    ['scope.itemId', { drive: { me: true }, scope: { itemId: 'a%2F..' } }],
    ['scope.path', { drive: { me: true }, scope: { path: '/../../../me/drive/root' } }],
    ['scope.path', { drive: { me: true }, scope: { path: 'Docs/./x' } }],
    ['scope.path', { drive: { me: true }, scope: { path: 'Docs/..' } }],
  ])('refuses %s in %j', (field, location) => {
    expect(issuePaths(location)).toEqual([field]);
  });
});

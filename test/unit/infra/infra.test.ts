// Infra consistency (issue 7): the Bicep templates cannot be compiled on this machine, so this test
// checks what can be checked from their text: settings against the config schema, queues and tables
// against names.ts, no shared-key credentials, role GUIDs against their names, pinned references, azd
// wiring. The second half feeds mutated copies to the same checks to prove each one can fail.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadFunctionDefinitions } from '../../../dev/host/load-functions.js';
import { ALL_QUEUES, ALL_TABLES, poisonQueueName } from '../../../shared/adapters/storage/names.js';
import { azureSettingRules, hasSafeDefault, SCHEMA_SETTINGS } from './azure-settings.js';
import {
  appSettings,
  checkAppSettings,
  checkAzureYaml,
  checkDeclaredNames,
  checkNoSharedKeyCredentials,
  checkOutputsUpperSnake,
  checkParametersFile,
  checkPublicBaseUrl,
  checkReferencesPinned,
  checkRoleAssignments,
  checkRoleGuids,
  checkSecurityPosture,
  type InfraFiles,
} from './bicep-checks.js';
import { BUILT_IN_ROLES, LEAST_PRIVILEGE_ROLES } from './built-in-roles.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = 'infra/main.bicep';
const API = 'infra/app/api.bicep';
const RBAC = 'infra/app/rbac.bicep';
const STORAGE_NAMES = 'infra/app/storage-queues-tables.bicep';
const PARAMETERS = 'infra/main.parameters.json';
const AZURE_YAML = 'azure.yaml';

function listFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

function readInfra(): InfraFiles {
  const paths = [...listFiles('infra'), AZURE_YAML].map((path) => relative(root, join(root, path)));
  return Object.fromEntries(paths.map((path) => [path, readFileSync(join(root, path), 'utf8')]));
}

const files = readInfra();
const text = (path: string): string => {
  const content = files[path];
  if (content === undefined) throw new Error(`${path} is missing`);
  return content;
};
const exists = (path: string) => existsSync(join(root, path));
const expectedQueues = ALL_QUEUES.flatMap((queue) => [queue, poisonQueueName(queue)]);
const azdParameters = {
  environmentName: '${AZURE_ENV_NAME}',
  location: '${AZURE_LOCATION}',
  principalId: '${AZURE_PRINCIPAL_ID}',
};

/** Replaces `from` (which must occur, so a mutation is never a silent no-op) with `to`. */
function mutate(source: string, from: string | RegExp, to: string): string {
  const mutated = source.replace(from, to);
  expect(mutated).not.toBe(source);
  return mutated;
}

function withFile(path: string, content: string): InfraFiles {
  return { ...files, [path]: content };
}

describe('infra templates (read as text; the Bicep CLI cannot be installed here)', () => {
  it('derives the settings Azure needs from the config schema', () => {
    const { required } = azureSettingRules();
    // Guards the derivation itself: if it ever came out empty, every settings check would pass.
    expect(required).toEqual(
      expect.arrayContaining(['MS_TENANT_ID', 'MS_CLIENT_ID', 'PUBLIC_BASE_URL', 'KEY_VAULT_URL']),
    );
    expect(required).not.toContain('LOCAL_TOKEN_KEYS');
    // Google Drive's web client, beside the Microsoft app registration; its secret only from Key Vault.
    expect(required).toEqual(expect.arrayContaining(['GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET']));
    expect(azureSettingRules().secrets).toContain('GOOGLE_CLIENT_SECRET');
    expect(SCHEMA_SETTINGS.filter(hasSafeDefault)).toContain('GRAPH_BASE_URL');
  });

  it('sets every setting the app needs in Azure, deploys no local-only one, and secrets only as Key Vault references', () => {
    expect(checkAppSettings(text(API), azureSettingRules())).toEqual([]);
  });

  it('sets every app setting a trigger names as a binding expression (%SETTING%)', async () => {
    // The Functions host resolves %NAME% in trigger options from app settings only; a config
    // default does not help it, so such settings must be deployed even when the schema has one.
    const named = new Set<string>();
    for (const definition of await loadFunctionDefinitions()) {
      const options =
        definition.kind === 'timer' ? definition.schedule : definition.kind === 'queue' ? definition.queueName : '';
      for (const match of options.matchAll(/%([A-Za-z0-9_]+)%/g)) named.add(match[1]!);
    }
    expect([...named]).toContain('MAINTENANCE_SCHEDULE');
    const settings = appSettings(text(API));
    expect([...named].filter((name) => !settings.has(name))).toEqual([]);
  });

  it('points PUBLIC_BASE_URL at the app’s own host name', () => {
    expect(checkPublicBaseUrl(text(API))).toEqual([]);
  });

  it('contains no connection string, account key or SAS, and keeps keys and access policies off', () => {
    expect(checkNoSharedKeyCredentials(files)).toEqual([]);
    expect(checkSecurityPosture(text(MAIN))).toEqual([]);
  });

  it('uses each role GUID for the role its comment names', () => {
    expect(checkRoleGuids(text(RBAC), BUILT_IN_ROLES)).toEqual([]);
  });

  it('grants only least-privilege roles, on single resources, from one module, with deterministic names', () => {
    expect(checkRoleAssignments(files, RBAC, BUILT_IN_ROLES, LEAST_PRIVILEGE_ROLES)).toEqual([]);
  });

  it('pins every registry module version and resource API version; local modules exist', () => {
    expect(checkReferencesPinned(files, exists)).toEqual([]);
  });

  it('declares every queue (with its poison queue) and table the code uses', () => {
    expect(checkDeclaredNames(text(STORAGE_NAMES), 'queueNames', expectedQueues)).toEqual([]);
    expect(checkDeclaredNames(text(STORAGE_NAMES), 'tableNames', ALL_TABLES)).toEqual([]);
  });

  it('wires azd: UPPER_SNAKE outputs, parameters from the azd environment, services.api', () => {
    expect(checkOutputsUpperSnake(text(MAIN))).toEqual([]);
    expect(checkParametersFile(text(MAIN), text(PARAMETERS), azdParameters)).toEqual([]);
    expect(checkAzureYaml(text(AZURE_YAML))).toEqual([]);
  });
});

describe('the infra checks report broken templates', () => {
  const rules = azureSettingRules();

  it.each(rules.required)('reports the required setting %s when it is removed', (name) => {
    const broken = mutate(text(API), new RegExp(`^\\s*${name}:[^\\n]*\\n`, 'm'), '');
    expect(appSettings(broken).has(name)).toBe(false);
    expect(checkAppSettings(broken, rules)).toContain(`required setting ${name} is not an app setting`);
  });

  it('reports a role GUID changed under its comment', () => {
    const broken = mutate(
      text(RBAC),
      "'974c5e8b-45b9-4653-ba55-5f855dd0fb88'",
      "'974c5e8b-45b9-4653-ba55-5f855dd0fb89'",
    );
    expect(checkRoleGuids(broken, BUILT_IN_ROLES)).toEqual([
      'role GUID 974c5e8b-45b9-4653-ba55-5f855dd0fb89 is commented "Storage Queue Data Contributor", whose GUID is 974c5e8b-45b9-4653-ba55-5f855dd0fb88',
    ]);
  });

  it('reports a comment that names another role, and a GUID without a comment', () => {
    const renamed = mutate(text(RBAC), '// Storage Table Data Contributor', '// Storage Table Data Reader');
    expect(checkRoleGuids(renamed, BUILT_IN_ROLES)).toHaveLength(1);
    const uncommented = mutate(text(RBAC), /\s*\/\/ Monitoring Metrics Publisher/, '');
    expect(checkRoleGuids(uncommented, BUILT_IN_ROLES)).toEqual([
      'role GUID 3913510d-42f4-4e42-8a64-420c390055eb has no comment naming its role',
    ]);
  });

  it('reports a broader role, a resource-group scope and a role assignment outside the rbac module', () => {
    const contributor = mutate(
      text(RBAC),
      "'b86a8fe4-44ce-4948-aee5-eccb2c155cd7' // Key Vault Secrets Officer",
      "'b24988ac-6180-42a0-ab88-20f7382dd24c' // Contributor",
    );
    expect(checkRoleAssignments(withFile(RBAC, contributor), RBAC, BUILT_IN_ROLES, LEAST_PRIVILEGE_ROLES)).toContain(
      'role Contributor is not one of the least-privilege roles',
    );
    const wideScope = mutate(text(RBAC), /scope: keyVault\n/, 'scope: resourceGroup()\n');
    expect(checkRoleAssignments(withFile(RBAC, wideScope), RBAC, BUILT_IN_ROLES, LEAST_PRIVILEGE_ROLES)).toContain(
      'appKeyVaultRole: scope resourceGroup() is wider than one resource',
    );
    const stray = `${text(API)}\nresource extra 'Microsoft.Authorization/roleAssignments@2022-04-01' = {\n  name: 'x'\n}\n`;
    expect(checkRoleAssignments(withFile(API, stray), RBAC, BUILT_IN_ROLES, LEAST_PRIVILEGE_ROLES)).toContain(
      `${API} declares a role assignment outside ${RBAC}`,
    );
  });

  it('reports a client secret set as a plain value, and a local-only setting deployed', () => {
    const plainSecret = mutate(
      text(API),
      /MS_CLIENT_SECRET: '@Microsoft\.KeyVault\([^\n]*/,
      'MS_CLIENT_SECRET: msClientSecret',
    );
    expect(checkAppSettings(plainSecret, rules)).toContain(
      "secret setting MS_CLIENT_SECRET must be a Key Vault reference ('@Microsoft.KeyVault(...)')",
    );
    const plainGoogleSecret = mutate(
      text(API),
      /GOOGLE_CLIENT_SECRET: '@Microsoft\.KeyVault\([^\n]*/,
      'GOOGLE_CLIENT_SECRET: googleClientSecretName',
    );
    expect(checkAppSettings(plainGoogleSecret, rules)).toContain(
      "secret setting GOOGLE_CLIENT_SECRET must be a Key Vault reference ('@Microsoft.KeyVault(...)')",
    );
    const localKeys = mutate(text(API), /(\n\s*KEY_VAULT_URL:)/, "\n  LOCAL_TOKEN_KEYS: 'k1:abc'$1");
    expect(
      checkAppSettings(localKeys, rules).some((problem) => problem.startsWith('setting LOCAL_TOKEN_KEYS must not')),
    ).toBe(true);
  });

  it('reports a storage connection string with an account key', () => {
    const keyed = mutate(
      text(API),
      /(\n\s*KEY_VAULT_URL:)/,
      "\n  STATE: 'DefaultEndpointsProtocol=https;AccountName=${storageAccountName};AccountKey=${storage.listKeys().keys[0].value}'$1",
    );
    expect(checkNoSharedKeyCredentials(withFile(API, keyed))).toEqual([
      `${API} contains a storage account key`,
      `${API} contains a storage connection string`,
      `${API} contains listKeys() (reads account keys)`,
    ]);
    const sharedKeys = mutate(text(MAIN), 'allowSharedKeyAccess: false', 'allowSharedKeyAccess: true');
    expect(checkSecurityPosture(sharedKeys)).toContain('storage must set allowSharedKeyAccess: false');
  });

  it('reports an unpinned registry module and a missing local module', () => {
    const unpinned = mutate(text(API), "'br/public:avm/res/web/site:0.22.0'", "'br/public:avm/res/web/site:latest'");
    expect(checkReferencesPinned(withFile(API, unpinned), exists)).toEqual([
      `${API}: module site 'br/public:avm/res/web/site:latest' has no exact version`,
    ]);
    const missing = mutate(text(MAIN), "'app/rbac.bicep'", "'app/roles.bicep'");
    expect(checkReferencesPinned(withFile(MAIN, missing), exists)).toEqual([
      `${MAIN}: module rbac refers to missing infra/app/roles.bicep`,
    ]);
  });

  it('reports a queue or table missing from the declarations', () => {
    const noPoison = mutate(text(STORAGE_NAMES), /\s*'sync-jobs-poison'/, '');
    expect(checkDeclaredNames(noPoison, 'queueNames', expectedQueues)).toEqual([
      'sync-jobs-poison is not declared in queueNames',
    ]);
    expect(checkDeclaredNames(text(STORAGE_NAMES), 'tableNames', [...ALL_TABLES, 'newtable'])).toEqual([
      'newtable is not declared in tableNames',
    ]);
  });

  it('reports a lower-case output, a literal parameter value and a wrong azure.yaml host', () => {
    const lowerOutput = mutate(text(MAIN), 'output KEY_VAULT_URL', 'output keyVaultUrl');
    expect(checkOutputsUpperSnake(lowerOutput)).toEqual(['output keyVaultUrl is not UPPER_SNAKE']);
    const literal = mutate(text(PARAMETERS), '"${MS_CLIENT_SECRET}"', '"hunter2"');
    expect(checkParametersFile(text(MAIN), literal, azdParameters)).toEqual([
      'parameter msClientSecret must come from the azd environment (${VAR}), not a literal',
    ]);
    const appService = mutate(text(AZURE_YAML), 'host: function', 'host: appservice');
    expect(checkAzureYaml(appService)).toEqual(['services.api.host must be function']);
  });
});

// Checks over Bicep text that need no compiler (the Bicep CLI cannot be installed on this machine).
// Every function is pure: it takes file contents and returns a list of problems, empty when all is
// well, so a test can feed it a mutated copy and expect a problem. The parsing is deliberately small:
// it understands the subset of Bicep that infra/ uses (vars holding object literals, union(...),
// module/resource declarations, line comments) and reports what it cannot find instead of guessing.

/** infra file contents by path relative to the repository root, e.g. `infra/app/api.bicep`. */
export type InfraFiles = Readonly<Record<string, string>>;

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

// Text scanning //

/** Replaces comments with spaces (keeping line breaks and offsets) so later regexes see code only. */
export function stripComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? '';
    const next = text[i + 1] ?? '';
    if (inString) {
      out += char;
      if (char === '\\') {
        out += next;
        i++;
      } else if (char === "'") {
        inString = false;
      }
      continue;
    }
    if (char === "'") {
      inString = true;
      out += char;
    } else if (char === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') {
        out += ' ';
        i++;
      }
      out += text[i] ?? '';
    } else if (char === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop - 1;
    } else {
      out += char;
    }
  }
  return out;
}

/**
 * The expression that starts at `start` and ends where the statement does: at a line break outside any
 * bracket or string, unless the next line continues a ternary (`? …` / `: …`).
 */
function expressionAt(code: string, start: number): string {
  let depth = 0;
  let inString = false;
  let i = start;
  for (; i < code.length; i++) {
    const char = code[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === "'") inString = false;
      continue;
    }
    if (char === "'") inString = true;
    else if (char === '{' || char === '[' || char === '(') depth++;
    else if (char === '}' || char === ']' || char === ')') depth--;
    else if (char === '\n' && depth === 0 && code.slice(start, i).trim() !== '') {
      const nextLine = code.slice(i + 1).match(/^[ \t]*(\S)/);
      if (nextLine?.[1] !== '?' && nextLine?.[1] !== ':') break;
    }
  }
  return code.slice(start, i).trim();
}

/** `var name = <expression>` declarations, comments removed. */
export function variables(bicep: string): Map<string, string> {
  const code = stripComments(bicep);
  const found = new Map<string, string>();
  for (const match of code.matchAll(/^[ \t]*var[ \t]+(\w+)[ \t]*=[ \t]*/gm)) {
    const name = match[1];
    if (name !== undefined) found.set(name, expressionAt(code, (match.index ?? 0) + match[0].length));
  }
  return found;
}

/** Keys (and their value text) of the object literals at the top level of an expression. */
export function objectEntries(expression: string): Map<string, string> {
  const entries = new Map<string, string>();
  let depth = 0;
  let inString = false;
  let lineStart = true;
  for (let i = 0; i < expression.length; i++) {
    const char = expression[i];
    if (lineStart && depth === 1 && !inString) {
      const entry = expression.slice(i).match(/^[ \t]*'?([A-Za-z_][\w.-]*)'?[ \t]*:[ \t]*([^\n]*)/);
      if (entry?.[1] !== undefined) entries.set(entry[1], (entry[2] ?? '').trim());
    }
    lineStart = char === '\n';
    if (inString) {
      if (char === '\\') i++;
      else if (char === "'") inString = false;
    } else if (char === "'") inString = true;
    else if (char === '{' || char === '[' || char === '(') depth++;
    else if (char === '}' || char === ']' || char === ')') depth--;
  }
  return entries;
}

// App settings //

/**
 * The app settings of the `configs` entry named 'appsettings': its `properties` may be an object
 * literal, a variable, or `union(...)` of variables and literals. Returns name → value text.
 */
export function appSettings(apiBicep: string): Map<string, string> {
  const code = stripComments(apiBicep);
  const at = code.search(/name:\s*'appsettings'/);
  if (at === -1) return new Map();
  const propertiesAt = code.slice(at).match(/properties:[ \t]*/);
  if (propertiesAt?.index === undefined) return new Map();
  const expression = expressionAt(code, at + propertiesAt.index + propertiesAt[0].length);
  const vars = variables(apiBicep);
  const parts = expression.startsWith('union(') ? splitArguments(expression.slice('union('.length, -1)) : [expression];
  const settings = new Map<string, string>();
  for (const part of parts) {
    const source = /^\w+$/.test(part) ? (vars.get(part) ?? '') : part;
    for (const [name, value] of objectEntries(source)) settings.set(name, value);
  }
  return settings;
}

function splitArguments(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
      continue;
    }
    if (char === '{' || char === '[' || char === '(') depth++;
    if (char === '}' || char === ']' || char === ')') depth--;
    current += char;
  }
  if (current.trim() !== '') parts.push(current.trim());
  return parts;
}

export interface SettingRules {
  /** Settings the app needs in Azure: each must be an app setting. */
  required: readonly string[];
  /** Settings that must never be deployed, with the reason. */
  forbidden: ReadonlyMap<string, string>;
  /** Settings whose values are secrets: when deployed, only as Key Vault references. */
  secrets: readonly string[];
}

export function checkAppSettings(apiBicep: string, rules: SettingRules): string[] {
  const settings = appSettings(apiBicep);
  if (settings.size === 0) return ["no app settings found (a configs entry named 'appsettings' with properties)"];
  const problems: string[] = [];
  for (const name of rules.required) {
    if (!settings.has(name)) problems.push(`required setting ${name} is not an app setting`);
  }
  for (const [name, reason] of rules.forbidden) {
    if (settings.has(name)) problems.push(`setting ${name} must not be deployed: ${reason}`);
  }
  for (const name of rules.secrets) {
    const value = settings.get(name);
    if (value !== undefined && !value.startsWith("'@Microsoft.KeyVault(")) {
      problems.push(`secret setting ${name} must be a Key Vault reference ('@Microsoft.KeyVault(...)')`);
    }
  }
  const usesReferences = [...settings.values()].some((value) => value.includes('@Microsoft.KeyVault('));
  if (usesReferences && !/^\s*keyVaultAccessIdentityResourceId:\s*\S/m.test(stripComments(apiBicep))) {
    problems.push('Key Vault references need keyVaultAccessIdentityResourceId (keyVaultReferenceIdentity)');
  }
  return problems;
}

/** PUBLIC_BASE_URL must be the app's own https host name, not a literal of another host. */
export function checkPublicBaseUrl(apiBicep: string): string[] {
  const value = appSettings(apiBicep).get('PUBLIC_BASE_URL');
  if (value === undefined) return ['PUBLIC_BASE_URL is not an app setting'];
  const resolved = /^\w+$/.test(value) ? (variables(apiBicep).get(value) ?? '') : value;
  return /^'https:\/\/\$\{name\}\.azurewebsites\.net'$/.test(resolved)
    ? []
    : [`PUBLIC_BASE_URL must be 'https://\${name}.azurewebsites.net' (the app's own host name), found ${resolved}`];
}

// Credentials //

const SHARED_KEY_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/AccountKey\s*=/i, 'a storage account key'],
  [/DefaultEndpointsProtocol\s*=/i, 'a storage connection string'],
  [/SharedAccessSignature/i, 'a shared access signature'],
  [/\blistKeys\s*\(/, 'listKeys() (reads account keys)'],
  [/\blist(Account|Service)Sas\s*\(/, 'a SAS token'],
  [/\blistConnectionStrings?\s*\(/, 'a connection string from listConnectionStrings()'],
  [/StorageAccountConnectionString/, 'deployment storage authenticated with a connection string'],
  [/APPINSIGHTS_INSTRUMENTATIONKEY|\.InstrumentationKey\b/, 'an Application Insights instrumentation key'],
];

/**
 * No connection string or account key anywhere. The Application Insights connection string is the one
 * exception, by name: with local auth disabled it only locates the ingestion endpoint, and telemetry is
 * accepted with an Entra token only (Microsoft Learn, "Microsoft Entra authentication for Application Insights").
 */
export function checkNoSharedKeyCredentials(files: InfraFiles): string[] {
  const problems: string[] = [];
  for (const [path, text] of Object.entries(files)) {
    for (const [pattern, what] of SHARED_KEY_PATTERNS) {
      if (pattern.test(text)) problems.push(`${path} contains ${what}`);
    }
  }
  return problems;
}

/** Settings on the resources themselves that keep keys and access policies off. */
export function checkSecurityPosture(mainBicep: string): string[] {
  const code = stripComments(mainBicep);
  const expectations: ReadonlyArray<[RegExp, string]> = [
    [/allowSharedKeyAccess:\s*false/, 'storage must set allowSharedKeyAccess: false'],
    [/disableLocalAuth:\s*true/, 'Application Insights must set disableLocalAuth: true'],
    [/enableRbacAuthorization:\s*true/, 'Key Vault must set enableRbacAuthorization: true'],
    [/enablePurgeProtection:\s*true/, 'Key Vault must set enablePurgeProtection: true'],
  ];
  const problems = expectations.filter(([pattern]) => !pattern.test(code)).map(([, message]) => message);
  if (/allowSharedKeyAccess:\s*true/.test(code)) problems.push('storage must not allow shared key access');
  if (/accessPolicies\s*:/.test(code)) problems.push('Key Vault must use RBAC, not access policies');
  return problems;
}

// Roles //

/**
 * Every role GUID in the file is followed by `// <role name>`, the name is in the table, and the GUID is
 * the table's GUID for that name.
 */
export function checkRoleGuids(rbacBicep: string, builtInRoles: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  for (const line of rbacBicep.split('\n')) {
    const guid = line.match(new RegExp(`'(${GUID.source})'`, 'i'))?.[1];
    if (guid === undefined) continue;
    const name = line.match(/\/\/\s*(.+?)\s*$/)?.[1];
    if (name === undefined) {
      problems.push(`role GUID ${guid} has no comment naming its role`);
      continue;
    }
    const expected = builtInRoles.get(name);
    if (expected === undefined) problems.push(`role "${name}" (${guid}) is not in the table of built-in roles`);
    else if (expected.toLowerCase() !== guid.toLowerCase()) {
      problems.push(`role GUID ${guid} is commented "${name}", whose GUID is ${expected}`);
    }
  }
  return problems;
}

/** Role names whose GUIDs appear in the file (after checkRoleGuids has matched them to names). */
export function assignedRoleNames(rbacBicep: string, builtInRoles: ReadonlyMap<string, string>): string[] {
  const byGuid = new Map([...builtInRoles].map(([name, guid]) => [guid.toLowerCase(), name]));
  const guids = stripComments(rbacBicep).match(new RegExp(GUID.source, 'gi')) ?? [];
  return guids.map((guid) => byGuid.get(guid.toLowerCase()) ?? `(unknown GUID ${guid})`);
}

/** Resource blocks of one type: the text from each `resource x 'Type@…'` to the next top-level declaration. */
function resourceBlocks(code: string, type: string): string[] {
  const starts = [...code.matchAll(/^(resource|module|output|var|param)\b[^\n]*/gm)];
  const blocks: string[] = [];
  starts.forEach((start, index) => {
    if (start[1] !== 'resource' || !start[0].includes(`'${type}@`)) return;
    const end = starts[index + 1]?.index ?? code.length;
    blocks.push(code.slice(start.index, end));
  });
  return blocks;
}

const ROLE_ASSIGNMENT = 'Microsoft.Authorization/roleAssignments';

/**
 * Role assignments only in the rbac file; each named guid(<scope>.id, <principal>, <role>) with the same
 * scope as its `scope:`, which is a resource of the deployment (never the resource group or subscription);
 * only the allowed (least-privilege) roles.
 */
export function checkRoleAssignments(
  files: InfraFiles,
  rbacPath: string,
  builtInRoles: ReadonlyMap<string, string>,
  allowedRoles: readonly string[],
): string[] {
  const problems: string[] = [];
  for (const [path, text] of Object.entries(files)) {
    if (path === rbacPath) continue;
    const code = stripComments(text);
    if (code.includes(`'${ROLE_ASSIGNMENT}@`)) problems.push(`${path} declares a role assignment outside ${rbacPath}`);
    if (/^\s*roleAssignments\s*:/m.test(code)) problems.push(`${path} passes roleAssignments to a module`);
  }
  const rbac = files[rbacPath];
  if (rbac === undefined) return [...problems, `${rbacPath} is missing`];
  const blocks = resourceBlocks(stripComments(rbac), ROLE_ASSIGNMENT);
  if (blocks.length === 0) problems.push(`${rbacPath} declares no role assignments`);
  for (const block of blocks) {
    const label = block.match(/^resource\s+(\w+)/)?.[1] ?? '(unnamed)';
    const name = block.match(/name:\s*guid\(\s*(\w+)\.id\s*,\s*([\w.]+)\s*,\s*([\w.]+)\s*\)/);
    const scope = block.match(/^\s*scope:\s*([^\n]+)$/m)?.[1]?.trim();
    if (!name) problems.push(`${label}: name must be guid(<scope>.id, <principal>, <role>)`);
    if (scope === undefined) problems.push(`${label}: no scope`);
    else if (/resourceGroup\(|subscription\(|managementGroup\(|tenant\(/.test(scope)) {
      problems.push(`${label}: scope ${scope} is wider than one resource`);
    } else if (name && name[1] !== scope) problems.push(`${label}: named for ${name[1]} but scoped to ${scope}`);
  }
  for (const role of new Set(assignedRoleNames(rbac, builtInRoles))) {
    if (!allowedRoles.includes(role)) problems.push(`role ${role} is not one of the least-privilege roles`);
  }
  return problems;
}

// References //

/**
 * Registry modules pin an exact version; local modules exist; every resource type names an API version.
 * `exists` resolves a path relative to the repository root.
 */
export function checkReferencesPinned(files: InfraFiles, exists: (path: string) => boolean): string[] {
  const problems: string[] = [];
  for (const [path, text] of Object.entries(files)) {
    if (!path.endsWith('.bicep')) continue;
    const code = stripComments(text);
    for (const match of code.matchAll(/^\s*module\s+(\w+)\s+'([^']+)'/gm)) {
      const [, name, reference = ''] = match;
      if (/^(br|ts)[:/]/.test(reference)) {
        if (!/:\d+\.\d+\.\d+$/.test(reference))
          problems.push(`${path}: module ${name} '${reference}' has no exact version`);
      } else {
        const target = `${path.slice(0, path.lastIndexOf('/') + 1)}${reference}`.replace(/\/\.\//g, '/');
        if (!exists(target)) problems.push(`${path}: module ${name} refers to missing ${target}`);
      }
    }
    for (const match of code.matchAll(/^\s*resource\s+(\w+)\s+'([^']+)'/gm)) {
      const [, name, type = ''] = match;
      if (!/@\d{4}-\d{2}-\d{2}(-preview)?$/.test(type))
        problems.push(`${path}: resource ${name} '${type}' has no API version`);
    }
  }
  return problems;
}

// Storage names //

/** String literals of `var <name> = [ ... ]`. */
export function declaredNames(bicep: string, varName: string): string[] | undefined {
  const expression = variables(bicep).get(varName);
  if (expression === undefined) return undefined;
  return [...expression.matchAll(/'([^']*)'/g)].map((match) => match[1] ?? '');
}

export function checkDeclaredNames(bicep: string, varName: string, expected: readonly string[]): string[] {
  const declared = declaredNames(bicep, varName);
  if (declared === undefined) return [`no var ${varName}`];
  return [
    ...expected.filter((name) => !declared.includes(name)).map((name) => `${name} is not declared in ${varName}`),
    ...declared
      .filter((name) => !expected.includes(name))
      .map((name) => `${name} is declared in ${varName} but unused`),
  ];
}

// azd //

export function checkOutputsUpperSnake(mainBicep: string): string[] {
  const outputs = [...stripComments(mainBicep).matchAll(/^output\s+(\w+)/gm)].map((match) => match[1] ?? '');
  if (outputs.length === 0) return ['main.bicep has no outputs'];
  return outputs.filter((name) => !/^[A-Z][A-Z0-9_]*$/.test(name)).map((name) => `output ${name} is not UPPER_SNAKE`);
}

/** Parameters without a default in main.bicep, which the parameters file must supply. */
export function requiredParameters(mainBicep: string): string[] {
  return [...stripComments(mainBicep).matchAll(/^param\s+(\w+)\s+[\w.]+\s*$/gm)].map((match) => match[1] ?? '');
}

export function checkParametersFile(
  mainBicep: string,
  parametersJson: string,
  expected: Readonly<Record<string, string>>,
): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(parametersJson);
  } catch {
    return ['main.parameters.json is not JSON'];
  }
  const parameters = (parsed as { parameters?: Record<string, { value?: unknown }> }).parameters ?? {};
  const problems: string[] = [];
  for (const name of requiredParameters(mainBicep)) {
    if (!(name in parameters)) problems.push(`parameter ${name} has no default and is not in main.parameters.json`);
  }
  for (const [name, value] of Object.entries(expected)) {
    if (parameters[name]?.value !== value) problems.push(`parameter ${name} must be "${value}"`);
  }
  const declared = new Set([...stripComments(mainBicep).matchAll(/^param\s+(\w+)/gm)].map((match) => match[1]));
  for (const [name, { value }] of Object.entries(parameters)) {
    if (!declared.has(name)) problems.push(`main.parameters.json sets ${name}, which main.bicep does not declare`);
    if (typeof value === 'string' && !/^\$\{[A-Z0-9_]+(=[^}]*)?\}$/.test(value)) {
      problems.push(`parameter ${name} must come from the azd environment (\${VAR}), not a literal`);
    }
  }
  return problems;
}

export function checkAzureYaml(azureYaml: string): string[] {
  const service = azureYaml.match(/^services:\s*\n\s+api:\s*\n((?:\s{4,}\S[^\n]*\n?)+)/m)?.[1];
  if (service === undefined) return ['azure.yaml has no services.api'];
  const expected: Readonly<Record<string, string>> = { project: '.', language: 'ts', host: 'function' };
  return Object.entries(expected)
    .filter(([key, value]) => !new RegExp(`^\\s+${key}:\\s*${value.replace('.', '\\.')}\\s*$`, 'm').test(service))
    .map(([key, value]) => `services.api.${key} must be ${value}`);
}

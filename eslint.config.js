// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The architecture rule (docs/architecture.md): shared/core knows only its own ports. It imports no
// adapter, provider or app code, and no vendor SDK; those depend on core, never the other way.
const CORE_MAY_NOT_IMPORT = {
  adapters: { group: ['**/adapters/**'], message: 'core uses ports (shared/core/ports), not adapters' },
  providers: { group: ['**/providers/**'], message: 'core uses ports (shared/core/ports), not providers' },
  app: { group: ['**/app/**'], message: 'core gets config and wiring from the composition root (shared/app)' },
  sdks: {
    group: ['@azure/*', '@microsoft/*', '@googleapis/*', 'google-auth-library'],
    message: 'vendor SDKs belong in adapters or providers',
  },
};
const coreImportRule = (allowed = []) => [
  'error',
  {
    patterns: Object.entries(CORE_MAY_NOT_IMPORT)
      .filter(([name]) => !allowed.includes(name))
      .map(([, pattern]) => pattern),
  },
];

/**
 * TEMPORARY: core files that still import Microsoft code which engineers of issue 11 are moving behind
 * ports in parallel. Only `providers/` imports are allowed here; adapters, app and SDKs stay forbidden.
 * Each owner deletes their entries when their port lands; the list must end up empty.
 */
const CORE_FILES_AWAITING_PROVIDER_PORTS = [
  // OAuth client port and the token manager moving into core (authorize URL, code exchange, grants).
  'shared/core/connect/start-connect.ts',
  'shared/core/connect/complete-connect.ts',
  'shared/core/sources/register-source.ts',
  'shared/core/ports/token-store.ts',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.azurite/**', '.sandbox/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      eqeqeq: ['error', 'always'],
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  { files: ['shared/core/**/*.ts'], rules: { 'no-restricted-imports': coreImportRule() } },
  { files: CORE_FILES_AWAITING_PROVIDER_PORTS, rules: { 'no-restricted-imports': coreImportRule(['providers']) } },
  // Test doubles implement async ports without awaiting anything.
  { files: ['test/**/*.ts'], rules: { '@typescript-eslint/require-await': 'off' } },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);

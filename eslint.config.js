// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The architecture rule (docs/architecture.md): shared/core knows only its own ports. It imports no
// adapter, provider, host-product integration or app code, and no vendor SDK; those depend on core, never the other way.
const CORE_MAY_NOT_IMPORT = {
  adapters: { group: ['**/adapters/**'], message: 'core uses ports (shared/core/ports), not adapters' },
  providers: { group: ['**/providers/**'], message: 'core uses ports (shared/core/ports), not providers' },
  integrations: {
    group: ['**/integrations/**'],
    message: 'core uses ports (shared/core/ports), not the host-product integrations',
  },
  app: { group: ['**/app/**'], message: 'core gets config and wiring from the composition root (shared/app)' },
  sdks: {
    group: ['@azure/*', '@microsoft/*', '@googleapis/*', 'google-auth-library'],
    message: 'vendor SDKs belong in adapters or providers',
  },
};
const coreImportRule = () => ['error', { patterns: Object.values(CORE_MAY_NOT_IMPORT) }];

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
  // Test doubles implement async ports without awaiting anything.
  { files: ['test/**/*.ts'], rules: { '@typescript-eslint/require-await': 'off' } },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);

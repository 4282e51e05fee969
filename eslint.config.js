// Mechanical rules only; module boundaries (who may import whom, who owns which table) are
// checked by dependency-cruiser (.dependency-cruiser.cjs) and eslint-rules/own-tables.js.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import xuefen from './eslint-rules/own-tables.js';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'test-results/', 'coverage/', 'data/', 'scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.mjs', 'eslint-rules/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly' },
    },
  },
  {
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver()] },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'bots/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
    // Data tables (training phrases, FAQ, the demo catalog) are not logic; they are exempt.
    ignores: ['**/*.test.ts', 'src/**/data/*.ts'],
    rules: { 'max-lines': ['error', { max: 300 }] },
  },
  {
    files: ['src/**/*.ts', 'bots/**/*.ts'],
    ignores: ['**/*.test.ts'],
    plugins: { xuefen },
    rules: { 'xuefen/own-tables': 'error' },
  },
);

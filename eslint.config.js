import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'reports/', 'coverage/', 'allure-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // The report's inline script runs in the reader's browser.
    files: ['reporters/html/*.js'],
    languageOptions: { globals: { document: 'readonly' } },
  },
  {
    files: ['bin/*.js'],
    languageOptions: { globals: { process: 'readonly', URL: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);

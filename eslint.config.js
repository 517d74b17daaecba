import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Components meet only at core/: a component may not import another component's files.
const components = ['master', 'agent', 'syncer', 'provider', 'cli', 'ui'];
const boundaries = components.map((name) => ({
  files: [`${name}/**/*.ts`, `${name}/**/*.tsx`],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: components.filter((other) => other !== name).map((other) => ({
        group: [`**/${other}/**`, `../${other}/*`],
        message: `${name}/ may only reach ${other}/ through the master API in core/`,
      })),
    }],
  },
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '**/node_modules/**', '.helios/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: components.map((c) => `**/${c}/**`), message: 'core/ imports nothing of ours' }] }],
    },
  },
  // zx scripts run by `helios run`: zx's globals and the helios API.
  {
    files: ['examples/zx/**/*.mjs'],
    languageOptions: { globals: Object.fromEntries(['$', 'argv', 'cd', 'chalk', 'echo', 'fs', 'glob', 'helios', 'path', 'question', 'retry', 'sleep', 'spinner', 'within', 'YAML'].map((name) => [name, 'readonly'])) },
  },
  // The dashboard runs in the browser.
  { files: ['ui/**/*.ts', 'ui/**/*.tsx'], ignores: ['ui/**/*.test.ts'], languageOptions: { globals: { ...globals.browser } } },
  ...boundaries,
);

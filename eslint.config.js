/**
 * ESLint (flat config): JavaScript's recommended rules and typescript-eslint's, without type
 * information so `npm run lint` stays fast. Formatting is Prettier's (`.prettierrc.json`); the
 * layer order and import cycles are checked by scripts/layers.ts, which `npm run lint` also runs.
 */
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  { ignores: ['node_modules/', 'cdktf.out/', 'dist/', '.gen/', 'coverage/', 'test/__artifacts__/', 'stagecraft-report/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Unused names are errors, as for tsc (noUnused*); a leading underscore marks one kept on purpose (an interface's parameter).
    rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }] },
  },
  {
    // Tests probe synthesized JSON, whose shape is the thing under test: `any` there reads better than casts at every step.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);

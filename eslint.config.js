// ESLint for src and test: a small rule set of real bugs (promises nobody awaits or checks, promises where a
// plain value is expected, unused code), with TypeScript's type information.
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'bench/**', 'scripts/**', 'bin/**', '**/*.js', '**/*.cjs', '**/*.mjs']},
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'vitest.config.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: {project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname},
    },
    plugins: {'@typescript-eslint': tseslint.plugin},
    linterOptions: {reportUnusedDisableDirectives: 'warn'},
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true}],
    },
  },
  {
    // Production code only: a test's timeout is held by the test itself, so it cannot be collected early.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-properties': ['error', {object: 'AbortSignal', property: 'timeout', message: 'Node 20 can collect it inside AbortSignal.any before it fires (nodejs/node#57736); use timeoutSignal or deadlineSignal from src/core/deadline-signal.ts.'}],
    },
  },
)

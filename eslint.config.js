// Type-aware lint: the mistakes a compiler lets through and a reviewer misses (a promise nobody
// awaits, a switch that forgot a case) and the layering the data path depends on.
import tseslint from 'typescript-eslint';

/** Only the wire contract crosses from the server to the gateway and the pages. */
const SERVER_BUT_PROTOCOL = {
  group: ['**/server/**', '!**/server/protocol', '!**/server/protocol/**'],
  message: 'gateway/ and ui/ import only server/protocol (and server/limits.ts, which it publishes).',
};

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'dist/**', 'data/**', 'test/fixtures/**', 'test/artifacts/**', '**/*.js', '**/*.mjs'],
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['server/**/*.ts', 'gateway/**/*.ts', 'ui/**/*.ts', 'scripts/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  {
    files: ['server/http/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/store/*'], message: 'server/http calls services; the store is theirs.' },
          ],
        },
      ],
    },
  },
  {
    files: ['gateway/**/*.ts', 'ui/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ ...SERVER_BUT_PROTOCOL, group: [...SERVER_BUT_PROTOCOL.group, '!**/server/limits.ts'] }] },
      ],
    },
  },
);

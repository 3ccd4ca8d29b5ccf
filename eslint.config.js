// Lint: typescript-eslint's recommended rules, plus the layering rule of DESIGN.md —
// shared/ is pure and imports nothing from client/ or server/.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'bench/results/', 'coverage/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Tests may read fixtures from disk and poke at JSON bodies.
    files: ['**/*.test.ts', '**/*.test.tsx', 'server/testing/**', 'test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/client/**', '**/server/**', '../../client/*', '../../server/*'], message: 'shared/ must not import client or server code.' },
            { group: ['node:*', 'fs', 'path', 'http', 'express', 'socket.io', 'react', 'react-dom', 'better-sqlite3'], message: 'shared/ is pure: no Node, DOM framework or I/O imports.' },
          ],
        },
      ],
    },
  },
);

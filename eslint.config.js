// Lint for what the type checker does not catch; layout is Prettier's (`pnpm lint` runs both).
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/*.d.ts',
      '**/fixtures/**',
      'coverage/**',
      // A template: its %FILES% placeholder is filled in by build.mjs.
      'examples/verifier-web/src/sw.js',
    ],
  },
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      // Prettier wraps code at 120; strings and comments are wrapped by hand to the same width.
      'max-len': ['error', { code: 120, tabWidth: 2, ignoreUrls: false }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
);

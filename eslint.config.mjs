// Lint with type information: typescript-eslint's type-checked rules over the TypeScript sources (src/, test/, bench/).
// `npm test` runs it (pretest), so CI does too. Every eslint-disable comment must say why (`-- reason`), and one that
// no longer disables anything is an error.
import js from '@eslint/js';
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.data/', 'appPackage/', 'infra/', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked, comments.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error', reportUnusedInlineConfigs: 'error' },
    rules: {
      '@eslint-community/eslint-comments/require-description': 'error',
      '@eslint-community/eslint-comments/no-unused-disable': 'error',
      // The code base drops fields with `const { etag: _etag, ...rest } = row` and names ignored parameters `_x`,
      // the same convention tsc's noUnusedLocals/noUnusedParameters follow.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // A `let` assigned once but read earlier by a closure (a test rig built after the stubs that call into it) stays
      // a `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Every String(x) here turns an unknown input (card data, route params, table rows, template values) into text
      // on purpose, "[object Object]" included, for the validation after it to reject; typed values do not go through
      // String(), and restrict-template-expressions still guards template literals.
      '@typescript-eslint/no-base-to-string': 'off',
      // botbuilder types Activity.type as a string and its constants as the ActivityTypes string enum, so the SDK's own
      // idiom `activity.type === ActivityTypes.Message` trips this rule; the code base declares no enums of its own.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
    },
  },
  {
    // Test doubles and bench stubs implement async interfaces; `async () => value` is the plain way to stub one, and
    // it rejects (rather than throws) like the real implementation does.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    // The functions this file passes to Playwright's evaluate() run in the browser; tsconfig has no DOM lib, so the DOM
    // they touch is `any` here.
    files: ['test/support/browser.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);

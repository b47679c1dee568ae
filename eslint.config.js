// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Layers of design §1: arrows only point down (lock → shared, server → shared). */
const layerRules = (forbidden, message) => ({
  'no-restricted-imports': ['error', { patterns: forbidden.map((group) => ({ group: [group], message })) }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', 'custom-elements.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', '*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use a const object or a literal union, not an enum.' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // node:test's describe/it return promises that the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] }] },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: layerRules(['**/lock/**', '**/server/**', 'node:*'], 'src/shared is pure TypeScript shared by both sides.'),
  },
  {
    files: ['src/lock/**/*.ts'],
    rules: layerRules(['**/server/**', 'node:*'], 'The widget runs in the browser and never imports the server.'),
  },
  {
    files: ['src/server/**/*.ts'],
    rules: layerRules(['**/lock/**'], 'The server never imports the widget.'),
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);

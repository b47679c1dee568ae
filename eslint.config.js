// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Layers of design §1: arrows only point down (lock → shared, server → shared). */
const layerRules = (forbidden, message) => ({
  'no-restricted-imports': ['error', { patterns: forbidden.map((group) => ({ group: [group], message })) }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', 'bench/.cache/**', 'custom-elements.json'] },
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
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            // node:test's describe/it return promises that the runner itself awaits.
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: layerRules(['**/lock/**', '**/server/**', 'node:*'], 'src/shared is pure TypeScript shared by both sides.'),
  },
  {
    files: ['src/lock/**/*.ts'],
    rules: {
      ...layerRules(['**/server/**', 'node:*'], 'The widget runs in the browser and never imports the server.'),
      // Lit binds `this` to the element for every @event listener in a template.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['test/lock/**/*.ts'],
    rules: {
      // chai's property assertions (`to.exist`) read as bare expressions.
      '@typescript-eslint/no-unused-expressions': 'off',
      // @open-wc's DOM-diff plugin types every chai `equal` as a promise, so this rule would flag
      // every assertion; the one assertion that really is asynchronous is checked below instead.
      '@typescript-eslint/no-floating-promises': 'off',
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ExpressionStatement > CallExpression[callee.property.name="accessible"]',
          message: 'Await the accessibility check: `await expect(element).to.be.accessible()`.',
        },
      ],
    },
  },
  {
    files: ['web-test-runner.config.mjs'],
    languageOptions: { globals: { process: 'readonly' } },
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

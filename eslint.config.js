// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Workflow code is replayed: it may only reach the Temporal workflow runtime and pure modules.
// The engine is shared by workflows, activities, the API and the CLI, so it must be pure too.
const workflowSafePackages = ['@temporalio/workflow', '@temporalio/common'];
const escapeRegex = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** @param {string[]} allowedPackages @param {string} allowedRelative */
function pureImports(allowedPackages, allowedRelative) {
  const allowedPkg = allowedPackages.map((p) => `${escapeRegex(p)}(?:/|$)`).join('|');
  return [
    'error',
    {
      patterns: [
        {
          regex: allowedPkg ? `^(?!\\.|${allowedPkg})` : '^(?!\\.)',
          message: 'Only pure modules here: no Node built-ins and no package besides ' +
            (allowedPackages.join(', ') || 'none') + '.',
          allowTypeImports: true,
        },
        {
          regex: `^\\.\\./(?!${allowedRelative})`,
          message: 'Only pure modules here: import from engine/ (or within this folder), not from I/O code.',
          allowTypeImports: true,
        },
      ],
    },
  ];
}

const impureGlobals = ['process', 'require', 'setTimeout', 'setInterval', 'setImmediate', 'Buffer', 'fetch'].map(
  (name) => ({ name, message: 'Not available in pure code: pass it in or do it in an activity.' }),
);

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'dist/**', 'web/dist/**', 'migrations/.snapshot*'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // A promise nobody awaits or catches ends a server process when it rejects. Needs the types: each
    // file is checked against its nearest tsconfig.json (the root one; web/'s for the front end).
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // A DOM event handler's return is ignored, and the browser only logs a rejection; the async
      // handlers given to JSX attributes show their own failures.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
    },
  },
  {
    // The failure converter: CommonJS because the SDK require()s it by path (see the file).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', exports: 'writable', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['workflows/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': pureImports(workflowSafePackages, '(?:\\.\\./)*engine/'),
      'no-restricted-globals': ['error', ...impureGlobals],
    },
  },
  {
    files: ['engine/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': pureImports([], '$^'),
      'no-restricted-globals': ['error', ...impureGlobals],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'The engine never reads a clock: take the instant from the event.' },
        { object: 'Math', property: 'random', message: 'The engine is deterministic.' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'The engine never reads a clock.' },
      ],
    },
  },
  {
    // A folder of the engine (engine/interpreter/, engine/deadline/) may import the rest of the engine,
    // one level up, and nothing above it: a relative path may not start with a second `../`.
    files: ['engine/*/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': pureImports([], '(?!\\.\\./)'),
    },
  },
  {
    // An engine module a newcomer can read in one sitting: 450 lines, blank lines and comments included
    // (what the reader scrolls through). Generated types are exempt; they follow their schema.
    files: ['engine/**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.generated.ts'],
    rules: {
      'max-lines': ['error', { max: 450, skipBlankLines: false, skipComments: false }],
    },
  },
);

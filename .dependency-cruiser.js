// @ts-check
// The import-direction check (docs/architecture.md): every layer imports only downward. Run by
// `npm test` (scripts/test.sh, beside ESLint) and by test/architecture.test.ts, which also shows that
// each rule refuses a graph that breaks it. Type-only imports count: `tsPreCompilationDeps` keeps them.

/** The bottom and the shared middle: they serve the layers above and never reach up to them. */
const LOWER = '^(engine|infra|db|registry|audit|identity|documents|notifications|retention|activities)/';
/** The workflow code, the assembled worker and the entry layers. */
const UPPER = '^(api|cli|workflows|worker)/';

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'composition-root-imported',
      comment: 'worker.ts and api/server.ts are processes: they import the system and nothing imports them.',
      severity: 'error',
      from: {},
      to: { path: '^(worker|api/server)\\.ts$' },
    },
    {
      name: 'dev-stack-imported',
      comment: "The stack of `mohla dev` is a composition root: only the CLI's command table starts it.",
      severity: 'error',
      from: { pathNot: '^cli/main\\.ts$' },
      to: { path: '^cli/dev-stack\\.ts$' },
    },
    {
      name: 'test-stack-imported',
      comment: "The test stack is the tests' composition root: nothing else imports it.",
      severity: 'error',
      from: { pathNot: '^test/' },
      to: { path: '^test/helpers/stack\\.ts$' },
    },
    {
      name: 'bench-stack-imported',
      comment: "The bench stack is the benchmarks' composition root: nothing else imports it.",
      severity: 'error',
      from: { pathNot: '^bench/' },
      to: { path: '^bench/stack\\.ts$' },
    },
    {
      name: 'lower-layer-imports-upward',
      comment: 'A lower layer receives what it needs from above as parameters; it never imports the layers above.',
      severity: 'error',
      from: { path: LOWER },
      to: { path: UPPER },
    },
    {
      name: 'worker-imports-entry-layer',
      comment: 'The assembled worker sits below the API and the CLI.',
      severity: 'error',
      from: { path: '^worker/' },
      to: { path: '^(api|cli)/' },
    },
    {
      name: 'entry-layers-import-each-other',
      comment: 'The API and the CLI are siblings: what both need lives below them (only `mohla dev` starts the API).',
      severity: 'error',
      from: { path: '^(api|cli)/', pathNot: '^cli/dev-stack\\.ts$' },
      to: { path: '^(api|cli)/', pathNot: '^$1/' },
    },
    {
      name: 'product-imports-tests',
      comment: 'Tests and benchmarks use the product, never the other way round.',
      severity: 'error',
      from: { pathNot: '(^(test|bench)/|\\.test\\.ts$)' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'import-cycle',
      comment: 'Modules that import one another (types included) cannot be read, tested or moved one at a time.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|web/dist|dist|\\.data|test-results)/' },
    tsPreCompilationDeps: true,
  },
};

/**
 * The import-direction check (.dependency-cruiser.js, docs/architecture.md): Mohla's own graph passes it,
 * and each rule refuses a small graph, written to a scratch folder, that breaks it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cruise, type ICruiseResult, type IConfiguration } from 'dependency-cruiser';
import { PROJECT_ROOT } from '../infra/config.js';

// Loaded by URL: the configuration is plain JavaScript, for the depcruise command as much as for this test.
const { default: architecture } = (await import(pathToFileURL(path.join(PROJECT_ROOT, '.dependency-cruiser.js')).href)) as { default: IConfiguration };

/** Every violation of the rules in `baseDir`, as `rule: from → to`. */
async function violations(baseDir: string): Promise<string[]> {
  const { output } = await cruise(['.'], { ...architecture.options, baseDir, validate: true, ruleSet: { forbidden: architecture.forbidden } });
  const result = (typeof output === 'string' ? JSON.parse(output) : output) as ICruiseResult;
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
}

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A scratch project with these files (path → source). */
function graph(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mohla-architecture-'));
  scratch.push(dir);
  for (const [file, source] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), source);
  }
  return dir;
}

describe('the import-direction check', () => {
  it("finds Mohla's own imports pointing only downward, with no cycle", { timeout: 120_000 }, async () => {
    expect(await violations(PROJECT_ROOT)).toEqual([]);
  });

  it('refuses an import of a composition root, from tests too', async () => {
    const dir = graph({
      'worker.ts': 'export {};\n',
      'api/server.ts': 'export {};\n',
      'cli/dev-stack.ts': 'export {};\n',
      'cli/main.ts': "export const dev = () => import('./dev-stack.js');\n",
      'cli/cluster.ts': "export const dev = () => import('./dev-stack.js');\n",
      'cli/replay.ts': "import '../worker.js';\n",
      'test/helpers/stack.ts': "import '../../api/server.js';\n",
      'bench/stack.ts': "import '../test/helpers/stack.js';\n",
      'bench/run.ts': "import './stack.js';\n",
      'scripts/seed.ts': "import '../bench/stack.js';\n",
    });
    expect(await violations(dir)).toEqual([
      'bench-stack-imported: scripts/seed.ts → bench/stack.ts',
      'composition-root-imported: cli/replay.ts → worker.ts',
      'composition-root-imported: test/helpers/stack.ts → api/server.ts',
      'dev-stack-imported: cli/cluster.ts → cli/dev-stack.ts',
      'product-imports-tests: scripts/seed.ts → bench/stack.ts',
      'test-stack-imported: bench/stack.ts → test/helpers/stack.ts',
    ]);
  });

  it('refuses engine/, infra/, db/, registry/ and audit/ importing api/, workflows/ or cli/, type-only imports included', async () => {
    const dir = graph({
      'api/routes.ts': "export type Route = string;\nexport const route = 'r';\n",
      'workflows/messages.ts': "export const NAME = 'w';\n",
      'cli/usage.ts': 'export type Usage = string;\n',
      'engine/a.ts': "import type { Route } from '../api/routes.js';\nexport type A = Route;\n",
      'infra/b.ts': "import { NAME } from '../workflows/messages.js';\nexport const b = NAME;\n",
      'db/c.ts': "import type { Usage } from '../cli/usage.js';\nexport type C = Usage;\n",
      'registry/d.ts': "import { route } from '../api/routes.js';\nexport const d = route;\n",
      'audit/e.ts': "import { type Route } from '../api/routes.js';\nexport type E = Route;\n",
    });
    expect(await violations(dir)).toEqual([
      'lower-layer-imports-upward: audit/e.ts → api/routes.ts',
      'lower-layer-imports-upward: db/c.ts → cli/usage.ts',
      'lower-layer-imports-upward: engine/a.ts → api/routes.ts',
      'lower-layer-imports-upward: infra/b.ts → workflows/messages.ts',
      'lower-layer-imports-upward: registry/d.ts → api/routes.ts',
    ]);
  });

  it('refuses the API and the CLI importing each other, the assembled worker importing either, and the product importing tests', async () => {
    const dir = graph({
      'api/auth.ts': 'export const issue = 1;\n',
      'cli/usage.ts': 'export const usage = 1;\n',
      'cli/token.ts': "import { issue } from '../api/auth.js';\nexport const t = issue;\n",
      'api/routes.ts': "import { usage } from '../cli/usage.js';\nexport const r = usage;\n",
      'worker/procedure-worker.ts': "import { issue } from '../api/auth.js';\nexport const w = issue;\n",
      'test/helpers/definitions.ts': 'export const definition = 1;\n',
      'registry/catalogue.ts': "import { definition } from '../test/helpers/definitions.js';\nexport const c = definition;\n",
    });
    expect(await violations(dir)).toEqual([
      'entry-layers-import-each-other: api/routes.ts → cli/usage.ts',
      'entry-layers-import-each-other: cli/token.ts → api/auth.ts',
      'product-imports-tests: registry/catalogue.ts → test/helpers/definitions.ts',
      'worker-imports-entry-layer: worker/procedure-worker.ts → api/auth.ts',
    ]);
  });

  it('refuses an import cycle, even one of types only', async () => {
    const dir = graph({
      'api/a.ts': "import type { B } from './b.js';\nexport interface A { b?: B }\n",
      'api/b.ts': "import type { A } from './a.js';\nexport interface B { a?: A }\n",
    });
    const found = await violations(dir);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((v) => v.startsWith('import-cycle: '))).toBe(true);
  });

  it('accepts a graph that only imports downward, the command table starting mohla dev', async () => {
    const dir = graph({
      'engine/a.ts': 'export const a = 1;\n',
      'infra/sinks.ts': 'export type Sink = string;\n',
      'infra/b.ts': "import { a } from '../engine/a.js';\nexport const b = a;\n",
      'audit/c.ts': "import { b } from '../infra/b.js';\nimport type { Sink } from '../infra/sinks.js';\nexport const c: Sink = String(b);\n",
      'activities/d.ts': "import { c } from '../audit/c.js';\nexport const d = c;\n",
      'workflows/w.ts': "import { a } from '../engine/a.js';\nimport type { Sink } from '../infra/sinks.js';\nexport const w: Sink = String(a);\n",
      'worker/procedure-worker.ts': "import { d } from '../activities/d.js';\nexport const start = () => d;\n",
      'api/start.ts': "import { w } from '../workflows/w.js';\nexport const startApi = () => w;\n",
      'api/server.ts': "import { startApi } from './start.js';\nstartApi();\n",
      'cli/dev-stack.ts': "import { startApi } from '../api/start.js';\nimport { start } from '../worker/procedure-worker.js';\nexport const up = () => [startApi(), start()];\n",
      'cli/main.ts': "export const dev = async () => (await import('./dev-stack.js')).up();\n",
      'worker.ts': "import { start } from './worker/procedure-worker.js';\nstart();\n",
      'test/helpers/stack.ts': "import { start } from '../../worker/procedure-worker.js';\nexport const stack = start;\n",
      'test/a.test.ts': "import { stack } from './helpers/stack.js';\nstack();\n",
    });
    expect(await violations(dir)).toEqual([]);
  });
});

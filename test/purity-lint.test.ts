import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { PROJECT_ROOT } from '../infra/config.js';

// The files linted here exist only in this test, so no tsconfig.json holds them: the rules that need
// types are left out (the purity rules read the syntax alone).
const eslint = new ESLint({ cwd: PROJECT_ROOT, overrideConfig: tseslint.configs.disableTypeChecked });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${PROJECT_ROOT}/${file}` });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('the lint rule that keeps workflow and engine code pure', () => {
  it.each([
    ['workflows/x.ts', "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n"],
    ['workflows/x.ts', "import { Client } from '@temporalio/client';\nexport const c = Client;\n"],
    ['workflows/x.ts', "import { Redis } from 'ioredis';\nexport const r = Redis;\n"],
    ['workflows/x.ts', "import { openOrm } from '../db/orm.js';\nexport const o = openOrm;\n"],
    ['engine/x.ts', "import { proxyActivities } from '@temporalio/workflow';\nexport const p = proxyActivities;\n"],
    ['engine/x.ts', "import path from 'path';\nexport const p = path;\n"],
    ['engine/interpreter/x.ts', "import { openOrm } from '../../db/orm.js';\nexport const o = openOrm;\n"],
  ])('refuses in %s: %s', async (file, code) => {
    expect((await problems(file, code)).join('\n')).toMatch(/no-restricted-imports/);
  });

  it('refuses clocks and randomness in the engine', async () => {
    const found = await problems('engine/x.ts', 'export const a = Date.now();\nexport const b = Math.random();\nexport const c = new Date();\n');
    expect(found).toHaveLength(3);
  });

  it('accepts the workflow runtime, the engine and type-only imports of activities', async () => {
    const code = [
      "import { condition } from '@temporalio/workflow';",
      "import { applyEvent } from '../engine/interpreter/transition.js';",
      "import type { Activities } from '../activities/index.js';",
      'export const used: [typeof condition, typeof applyEvent, Activities | undefined] = [condition, applyEvent, undefined];',
      '',
    ].join('\n');
    expect(await problems('workflows/x.ts', code)).toEqual([]);
  });

  it('accepts, in a folder of the engine, the rest of the engine one level up', async () => {
    const code = "import { DomainError } from '../errors.js';\nexport const e = DomainError;\n";
    expect(await problems('engine/interpreter/x.ts', code)).toEqual([]);
  });
});

describe('the size limit of engine modules', () => {
  const lines = (n: number) => Array.from({ length: n }, (_, i) => `export const line${i} = ${i};`).join('\n') + '\n';

  it('refuses a hand-written engine module over 450 lines', async () => {
    expect(await problems('engine/x.ts', lines(450))).toEqual([]);
    expect((await problems('engine/interpreter/x.ts', lines(451))).join('\n')).toMatch(/max-lines/);
  });

  it('leaves generated types and tests alone', async () => {
    expect(await problems('engine/x.generated.ts', lines(600))).toEqual([]);
    expect(await problems('engine/x.test.ts', lines(600))).toEqual([]);
  });
});

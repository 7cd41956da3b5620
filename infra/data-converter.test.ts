import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './config.js';

/** Mohla's TypeScript outside node_modules and generated folders. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (['node_modules', '.data', '.git', 'dist', 'test-results'].includes(name)) return [];
    if (statSync(full).isDirectory()) return sources(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

describe('the data converter', () => {
  it('is given to every Temporal client and worker Mohla creates, or the exception says why', () => {
    const bare: string[] = [];
    for (const file of sources(PROJECT_ROOT)) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/new Client\(|Worker\.create\(|Worker\.runReplayHistories\(/g)) {
        const call = text.slice(match.index, text.indexOf(');', match.index));
        const before = text.slice(Math.max(0, text.lastIndexOf('\n', text.lastIndexOf('\n', match.index) - 1)), match.index);
        if (call.includes('dataConverter') || before.includes('// no codec:')) continue;
        bare.push(`${path.relative(PROJECT_ROOT, file)}: ${call.split('\n')[0]}`);
      }
    }
    expect(bare).toEqual([]);
  });
});

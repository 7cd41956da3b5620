import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../infra/config.js';

const lib = readFileSync(path.join(PROJECT_ROOT, 'scripts', 'lib.sh'), 'utf8');
const pinned = /^MOHLA_NODE_VERSION=(\S+)/m.exec(lib)?.[1];

describe('the runtime', () => {
  it('is Node 24 LTS under the README test command, whatever node the machine has', () => {
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
  });

  it('is the same major version in scripts/lib.sh, package.json, @types/node and the Dockerfile', () => {
    const major = pinned?.split('.')[0];
    const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));
    expect(major).toBe('24');
    expect(pkg.engines.node).toBe(`>=${major}`);
    expect(pkg.devDependencies['@types/node']).toMatch(new RegExp(`^\\^${major}\\.`));
    const froms = readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8').match(/^FROM node:(\d+)/gm) ?? [];
    expect(froms.length).toBeGreaterThan(0);
    for (const from of froms) expect(from).toBe(`FROM node:${major}`);
  });

  it('runs `mohla` on Node 24 even when started by the machine\'s own, older node', () => {
    // The machine's node is the first on PATH outside Mohla's cache (20 on this project's machines).
    const own = (process.env.PATH ?? '')
      .split(path.delimiter)
      .filter((dir) => !dir.includes(path.join('mohla', 'node-v')))
      .map((dir) => path.join(dir, 'node'))
      .find((file) => existsSync(file));
    const out = execFileSync(own ?? process.execPath, [path.join(PROJECT_ROOT, 'bin', 'mohla.js'), '--version'], { encoding: 'utf8' });
    expect(out).toMatch(/^mohla \d+\.\d+\.\d+ \(Node v24\./);
  });
});

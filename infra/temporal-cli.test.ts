import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureTemporalCli, findTemporalCli, TemporalCliMissingError, temporalCliCacheDir } from './temporal-cli.js';

function fakeExecutable(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '#!/bin/sh\nexit 0\n');
  chmodSync(file, 0o755);
  return file;
}

function sandbox() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mohla-cli-'));
  const env = { HOME: root, XDG_CACHE_HOME: path.join(root, 'cache'), PATH: path.join(root, 'empty-bin') };
  return { root, env };
}

describe('finding the Temporal CLI', () => {
  it('prefers TEMPORAL_CLI, then PATH, then the shared cache', () => {
    const { root, env } = sandbox();
    const cached = fakeExecutable(path.join(temporalCliCacheDir(env), 'temporal'));
    expect(findTemporalCli(env)).toEqual({ path: cached, source: 'cache' });
    const onPath = fakeExecutable(path.join(root, 'bin', 'temporal'));
    const withPath = { ...env, PATH: `${path.join(root, 'bin')}:${env.PATH}` };
    expect(findTemporalCli(withPath)).toEqual({ path: onPath, source: 'PATH' });
    const explicit = fakeExecutable(path.join(root, 'elsewhere', 'temporal'));
    expect(findTemporalCli({ ...withPath, TEMPORAL_CLI: explicit })).toEqual({ path: explicit, source: 'TEMPORAL_CLI' });
  });

  it('keeps its cache in the user cache folder, per CLI version', () => {
    expect(temporalCliCacheDir({ HOME: '/home/amina' })).toBe('/home/amina/.cache/mohla/temporal-cli-v1.5.1');
    expect(temporalCliCacheDir({ XDG_CACHE_HOME: '/var/cache/ci' })).toBe('/var/cache/ci/mohla/temporal-cli-v1.5.1');
  });

  it('says clearly when TEMPORAL_CLI points at nothing', () => {
    const { env } = sandbox();
    expect(() => findTemporalCli({ ...env, TEMPORAL_CLI: '/nowhere/temporal' })).toThrow(/TEMPORAL_CLI=\/nowhere\/temporal/);
  });

  it('explains how to install it when neither the CLI nor Go is there', async () => {
    const { env } = sandbox();
    const failure = ensureTemporalCli({ env, log: () => undefined, goFallbacks: [] });
    await expect(failure).rejects.toThrow(TemporalCliMissingError);
    await expect(failure).rejects.toThrow(/go install github.com\/temporalio\/cli\/cmd\/temporal@v1.5.1/);
  });
});

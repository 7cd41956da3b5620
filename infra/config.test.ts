import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('WORKER_CACHED_APPLICATIONS', () => {
  it("leaves the cache to the SDK's default when unset or empty", () => {
    expect(loadConfig({}).worker.cachedApplications).toBeUndefined();
    expect(loadConfig({ WORKER_CACHED_APPLICATIONS: '' }).worker.cachedApplications).toBeUndefined();
  });

  it('sizes the cache when set', () => {
    expect(loadConfig({ WORKER_CACHED_APPLICATIONS: '25000' }).worker.cachedApplications).toBe(25000);
  });

  it('refuses anything but a positive whole number, naming the variable', () => {
    for (const bad of ['0', '-5', '2.5', 'lots']) {
      expect(() => loadConfig({ WORKER_CACHED_APPLICATIONS: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ WORKER_CACHED_APPLICATIONS: bad })).toThrow(`WORKER_CACHED_APPLICATIONS=${bad} is not a positive whole number.`);
    }
  });
});

describe('rate limits and uploads', () => {
  it('takes the limits from the environment, with safe defaults', () => {
    expect(loadConfig({}).rateLimits).toEqual({
      authentication: { max: 20, durationMs: 60_000 },
      filing: { max: 30, durationMs: 60_000 },
      tracking: { max: 60, durationMs: 60_000 },
      prefix: 'mohla:rate-limit:',
    });
    expect(loadConfig({ RATE_LIMIT_FILING: '5/10s', RATE_LIMIT_PREFIX: 'berkane:' }).rateLimits).toMatchObject({ filing: { max: 5, durationMs: 10_000 }, prefix: 'berkane:' });
    expect(loadConfig({}).documents.filesPerSlot).toBe(5);
  });

  it('refuses a limit that is not a rate, naming the variable', () => {
    expect(() => loadConfig({ RATE_LIMIT_TRACKING: 'often' })).toThrow('RATE_LIMIT_TRACKING=often is not a rate like 10/1s or 100/1m.');
    expect(() => loadConfig({ DOCUMENT_FILES_PER_SLOT: '0' })).toThrow('DOCUMENT_FILES_PER_SLOT=0 is not a positive whole number.');
  });
});

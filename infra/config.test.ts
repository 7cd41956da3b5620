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

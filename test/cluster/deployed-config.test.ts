/**
 * The Temporal configuration that docker-compose.yml mounts (deploy/temporal), read by the very server
 * release the cluster tests run: it parses and renders (its password is a template the server fills in
 * from TEMPORAL_DB_PASSWORD), and its dynamic configuration names only keys the server knows, with values
 * of their types.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/config.js';
import { ensureServerTools } from '../../infra/temporal-cluster.js';

const deployed = path.join(PROJECT_ROOT, 'deploy', 'temporal');

describe('deploy/temporal, as the Temporal server reads it', () => {
  it('renders as the server release of the cluster tests reads it, every service bound for other containers', async () => {
    const { server } = await ensureServerTools();
    const rendered = execFileSync(server, ['--config', deployed, '--env', 'mohla', 'render-config'], {
      encoding: 'utf8',
      env: { ...process.env, TEMPORAL_DB_PASSWORD: 'not-in-the-file' },
    });
    expect(rendered).toMatch(/numHistoryShards: 8/);
    expect(rendered.match(/bindOnIP: 0\.0\.0\.0/g)).toHaveLength(4);
  });

  it('has a dynamic configuration without unknown keys or mistyped values', async () => {
    const { server } = await ensureServerTools();
    const said = execFileSync(server, ['validate-dynamic-config', path.join(deployed, 'dynamicconfig.yaml')], { encoding: 'utf8' });
    expect(said).not.toMatch(/warning/i);
  });
});

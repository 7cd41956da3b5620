/**
 * Once per run of the cluster tier: a Temporal cluster on PostgreSQL (four service processes), and
 * Mohla's services as in the main run. Each test stack then runs two worker and two API processes.
 */
import type { TestProject } from 'vitest/node';
import { ensureTemporalCli } from '../../infra/temporal-cli.js';
import { provideServices } from '../global-setup.js';
import { startScratchCluster } from '../../infra/scratch-cluster.js';
import { searchAttributes } from '../../workflows/search-attributes.js';

export default async function setup(project: TestProject) {
  const log = (line: string) => console.log(`[cluster setup] ${line}`);
  // The CLI registers the namespace and its search attributes.
  await ensureTemporalCli({ log });
  const started = Date.now();
  const cluster = startScratchCluster(log, { searchAttributes }).then((c) => {
    log(`Temporal cluster up at ${c.address} in ${Math.round((Date.now() - started) / 1000)} s`);
    return c;
  });
  return provideServices(project, cluster, log, true);
}

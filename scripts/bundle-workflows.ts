/**
 * Bundles the workflow code ahead of time (the image does it at build): a worker given the file through
 * MOHLA_WORKFLOW_BUNDLE starts without webpack, and every replica runs byte-identical workflow code.
 * Usage: tsx scripts/bundle-workflows.ts <out.js>
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundleOptions } from '../infra/workflow-sandbox.js';

const out = process.argv[2];
if (!out) {
  console.error('usage: tsx scripts/bundle-workflows.ts <out.js>');
  process.exit(2);
}
const { code } = await bundleWorkflowCode(workflowBundleOptions());
mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
writeFileSync(out, code);
console.log(`workflow bundle: ${out} (${Math.round(code.length / 1024)} KiB)`);

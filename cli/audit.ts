import { loadConfig } from '../infra/config.js';
import { openOrm } from '../db/orm.js';
import { checkpointStore, writeCheckpoint } from '../audit/checkpoint.js';
import { verifyAuditLog } from '../audit/verify.js';
import { UsageError } from './usage-error.js';

const USAGE = 'audit: usage: mohla audit verify | mohla audit checkpoint';

/**
 * `mohla audit verify`: the hash chain, the signed checkpoints and the timelines; names the first
 * problem. `mohla audit checkpoint`: signs the chain's head now, into AUDIT_CHECKPOINT_DIR.
 */
export async function auditCommand(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if ((action !== 'verify' && action !== 'checkpoint') || rest.length) throw new UsageError(USAGE);
  const config = loadConfig();
  const store = checkpointStore(config);
  const orm = await openOrm(config.databaseUrl);
  try {
    if (action === 'checkpoint') {
      const done = await writeCheckpoint(orm, store);
      if (!done) console.log('the audit log is empty: nothing to sign');
      else if (!done.written) console.log(`row ${done.checkpoint.seq} is already signed: ${done.file}`);
      else console.log(`signed row ${done.checkpoint.seq}${config.audit.tsaUrl ? ', time-stamped' : ''}: ${done.file}`);
      return 0;
    }
    const result = await verifyAuditLog(orm, {
      checkpointDir: store.dir,
      keys: store.keys,
      tsaCaFile: config.audit.tsaCaFile || undefined,
      onProgress: (checked) => process.stderr.write(`\r${checked} rows checked`),
    });
    process.stderr.write('\n');
    if (result.problem) {
      console.log(`audit log BROKEN: ${result.problem.message}`);
      return 1;
    }
    console.log(`audit log intact: ${result.checked} rows, every hash verified, checked against ${result.checkpoints} signed checkpoint${result.checkpoints === 1 ? '' : 's'} and the timelines`);
    if (result.timestamped) {
      console.log(result.unverifiedTimestamps ? `${result.unverifiedTimestamps} time-stamps not checked: set AUDIT_TSA_CA_FILE` : `${result.timestamped} time-stamps verified`);
    }
    if (!result.checkpoints) console.log(`no checkpoint in ${config.audit.checkpointDir} yet: the newest rows are only as safe as the database (run \`mohla audit checkpoint\`)`);
    return 0;
  } finally {
    await orm.close();
  }
}

import { loadConfig } from '../infra/config.js';
import { openOrm } from '../db/orm.js';
import { checkpointStore, writeCheckpoint } from '../audit/checkpoint.js';
import { verifyAuditLog } from '../audit/verify.js';
import { setAsideCheckpointsPastHead } from '../audit/after-restore.js';
import { UsageError } from './usage-error.js';

const USAGE = 'audit: usage: mohla audit verify | mohla audit checkpoint | mohla audit after-restore';

/**
 * `mohla audit verify`: the hash chain, the signed checkpoints and the timelines; names the first
 * problem. `mohla audit checkpoint`: signs the chain's head now, into AUDIT_CHECKPOINT_DIR.
 * `mohla audit after-restore`: sets aside the checkpoints signed after the backup that was restored.
 */
export async function auditCommand(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (!['verify', 'checkpoint', 'after-restore'].includes(action ?? '') || rest.length) throw new UsageError(USAGE);
  const config = loadConfig();
  if (action === 'after-restore') return afterRestore(config.databaseUrl, config.audit.checkpointDir);
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

/** Needs no signing key: it moves files, and `mohla audit verify` then checks what is left. */
async function afterRestore(databaseUrl: string, checkpointDir: string): Promise<number> {
  const orm = await openOrm(databaseUrl);
  try {
    const done = await setAsideCheckpointsPastHead(orm, checkpointDir);
    if (!done.folder) {
      console.log(`the audit log ends at row ${done.head}; no checkpoint in ${checkpointDir} is past it: nothing to set aside`);
      return 0;
    }
    console.log(`the audit log ends at row ${done.head}; ${done.files.length} checkpoint(s) signed after it moved to ${done.folder}: ${done.files.join(', ')}`);
    return 0;
  } finally {
    await orm.close();
  }
}

import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../infra/config.js';
import { openOrm } from '../db/orm.js';
import { FileSystemStorage } from '../documents/storage.js';
import { applyRetention } from '../retention/erasure.js';
import { UsageError } from './usage-error.js';
import { temporalDataConverter } from '../infra/data-converter.js';

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * `mohla retention [--dry-run]`: erases the personal data of the closed applications whose procedure's
 * retention period has ended (read model, documents, Temporal history); `--dry-run` lists them only.
 */
export async function retentionCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { 'dry-run': { type: 'boolean' } }, allowPositionals: true });
  if (positionals.length) throw new UsageError('retention: usage: mohla retention [--dry-run]');
  const dryRun = values['dry-run'] === true;
  const config = loadConfig();
  const connection = await Connection.connect({ address: config.temporal.address });
  const orm = await openOrm(config.databaseUrl);
  try {
    const report = await applyRetention(
      {
        orm,
        temporal: new Client({ connection, namespace: config.temporal.namespace, dataConverter: temporalDataConverter(config.codecKeys) }),
        namespace: config.temporal.namespace,
        storage: new FileSystemStorage(path.join(config.dataDir, 'documents')),
      },
      { dryRun },
    );
    for (const a of report.expired) {
      console.log(`${a.trackingNumber}  ${a.procedureId}  closed ${day(a.closedAt)}  kept until ${day(a.expiredAt)}  ${a.documents} document(s)`);
    }
    for (const f of report.failed) console.log(`${f.trackingNumber}: not erased: ${f.message}`);
    if (dryRun) console.log(`${report.expired.length} application(s) past their retention period would be erased (dry run: nothing changed)`);
    else console.log(`${report.erased.length} application(s) erased${report.failed.length ? `, ${report.failed.length} failed (run again)` : ''}`);
    return report.failed.length ? 1 : 0;
  } finally {
    await orm.close();
    await connection.close();
  }
}

import { loadConfig } from '../infra/config.js';
import { openOrm } from '../db/orm.js';
import { verifyAuditChain } from '../audit/chain.js';
import { UsageError } from './usage-error.js';

/** `mohla audit verify`: walks the audit log's hash chain and names the first altered or missing row. */
export async function auditCommand(args: string[]): Promise<number> {
  if (args[0] !== 'verify' || args.length > 1) throw new UsageError('audit: usage: mohla audit verify');
  const orm = await openOrm(loadConfig().databaseUrl);
  try {
    const result = await verifyAuditChain(orm, (checked) => process.stderr.write(`\r${checked} rows checked`));
    process.stderr.write('\n');
    if (result.problem) {
      console.log(`audit log BROKEN: ${result.problem.message}`);
      return 1;
    }
    console.log(`audit log intact: ${result.checked} rows, every hash verified`);
    return 0;
  } finally {
    await orm.close();
  }
}

/**
 * A database restored from a backup ends at the backup's last audit row. The checkpoints signed after the
 * backup name rows that the restored log no longer holds, and never will with the signed hashes: new
 * rows take the same numbers with other contents. `mohla audit verify` would rightly report the log as
 * cut short. After a restore that an operator decided on, those checkpoints are moved into a folder of
 * their own inside the checkpoint folder: kept as the record of what the restore gave up, no longer
 * checked against the log.
 */
import { mkdirSync, renameSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { auditHead } from '../db/audit-log.js';
import { readCheckpoints, timestampFile } from './checkpoint.js';

export interface SetAside {
  /** The restored log's last row (0 when it is empty). */
  head: number;
  /** The folder they were moved to; absent when no checkpoint was past the head. */
  folder?: string;
  /** The checkpoint files moved, by name. */
  files: string[];
}

/** The folder's name says when the restore was recorded, so two restores never mix their records. */
function setAsideFolderName(now: Date): string {
  return `after-restore-${now.toISOString().replace(/[:.]/g, '-')}`;
}

export async function setAsideCheckpointsPastHead(orm: MikroORM, checkpointDir: string, now = new Date()): Promise<SetAside> {
  const head = await auditHead(orm);
  // An unreadable file is left where it is: `mohla audit verify` names it.
  const past = readCheckpoints(checkpointDir).filter((c) => 'checkpoint' in c && c.checkpoint.seq > head);
  if (!past.length) return { head, files: [] };
  const folder = path.join(checkpointDir, setAsideFolderName(now));
  mkdirSync(folder, { recursive: true });
  for (const { file } of past) {
    renameSync(file, path.join(folder, path.basename(file)));
    const reply = timestampFile(file);
    if (existsSync(reply)) renameSync(reply, path.join(folder, path.basename(reply)));
  }
  return { head, folder, files: past.map((c) => path.basename(c.file)) };
}

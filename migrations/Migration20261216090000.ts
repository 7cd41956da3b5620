import { Migration } from '@mikro-orm/migrations';

/**
 * The open applications of one procedure version, oldest first: what a migration plan's batches and its
 * count of what remains read, without scanning the procedure's closed applications.
 */
export class Migration20261216090000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "application_open_by_version_idx" on "application" ("procedure_id", "procedure_version", "filed_at", "tracking_number") where "status" = 'open';`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "application_open_by_version_idx";`);
  }

}

import { Migration } from '@mikro-orm/migrations';

/**
 * Written by hand: TRUNCATE fires no row trigger, so the append-only rule of the audit log did not
 * cover it; a statement trigger refuses it the same way.
 */
export class Migration20261206060000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create trigger audit_entry_no_truncate before truncate on "audit_entry" for each statement execute function audit_entry_append_only();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists audit_entry_no_truncate on "audit_entry";`);
  }

}

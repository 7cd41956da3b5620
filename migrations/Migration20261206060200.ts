import { Migration } from '@mikro-orm/migrations';

/**
 * Written by hand, for retention: the salt of the commitments that the audit log holds in place of a
 * timeline entry's free text (audit/commitment.ts), and when an application's personal data was
 * erased. Erasing deletes the salt with the text.
 */
export class Migration20261206060200 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "timeline_entry" add column "salt" varchar(64) null;`);
    this.addSql(`alter table "application" add column "erased_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "timeline_entry" drop column "salt";`);
    this.addSql(`alter table "application" drop column "erased_at";`);
  }

}

import { Migration } from '@mikro-orm/migrations';

/** The competent body a forwarded application went to (the outcome `forwarded` of language 2). */
export class Migration20261206091500 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "application" add column "forwarded_to" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "application" drop column "forwarded_to";`);
  }

}

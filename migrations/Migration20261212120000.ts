import { Migration } from '@mikro-orm/migrations';

/**
 * The named clocks of an application (language 2), as the read model shows them. Applications without
 * clocks keep null there.
 */
export class Migration20261212120000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "application" add column "clocks" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "application" drop column "clocks";`);
  }

}

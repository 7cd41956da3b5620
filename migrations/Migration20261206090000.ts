import { Migration } from '@mikro-orm/migrations';

/**
 * The procedure language's version each published definition is read in. Every version published before
 * this column existed was written in language 1 and stays so; a new publication always states its own.
 */
export class Migration20261206090000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "procedure_version" add column "language_version" smallint not null default 1;`);
    this.addSql(`alter table "procedure_version" alter column "language_version" drop default;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "procedure_version" drop column "language_version";`);
  }

}

import { Migration } from '@mikro-orm/migrations';

export class Migration20261121100500 extends Migration {

  // Written by hand (MikroORM sees json and jsonb as one type): jsonb reorders an object's keys, which
  // lost the order of a form's fields; json keeps the definition as it was published. Rows published
  // before keep the order jsonb gave them.
  override async up(): Promise<void> {
    this.addSql(`alter table "procedure_version" alter column "definition" type json using "definition"::text::json;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "procedure_version" alter column "definition" type jsonb using "definition"::jsonb;`);
  }

}

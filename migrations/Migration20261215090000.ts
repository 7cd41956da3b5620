import { Migration } from '@mikro-orm/migrations';

/**
 * Moving running applications to a corrected version (issue 21): the plans administrators apply, and
 * what each application's move gave (moved, or refused with the reasons it stays).
 */
export class Migration20261215090000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "application_migration" ("plan_id" text not null, "tracking_number" text not null, "result" text not null, "reasons" jsonb not null, "actor" text not null, "at" timestamptz not null, constraint "application_migration_pkey" primary key ("plan_id", "tracking_number"));`);

    this.addSql(`create table "migration_plan" ("id" text not null, "procedure_id" text not null, "from_version" int not null, "to_version" int not null, "plan" jsonb not null, "created_by" text not null, "created_at" timestamptz not null, constraint "migration_plan_pkey" primary key ("id"));`);
    this.addSql(`create index "migration_plan_procedure_id_from_version_index" on "migration_plan" ("procedure_id", "from_version");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "application_migration" cascade;`);

    this.addSql(`drop table if exists "migration_plan" cascade;`);
  }

}

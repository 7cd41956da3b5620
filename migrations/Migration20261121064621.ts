import { Migration } from '@mikro-orm/migrations';

export class Migration20261121064621 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "application" ("tracking_number" varchar(16) not null, "procedure_id" varchar(64) not null, "procedure_version" int not null, "procedure_hash" varchar(64) not null, "office_id" varchar(64) not null, "status" varchar(16) not null, "outcome" varchar(16) null, "document" varchar(128) null, "data" jsonb not null, "filed_by" varchar(128) not null, "filed_at" timestamptz not null, "closed_at" timestamptz null, "revision" int not null, "updated_at" timestamptz not null, constraint "application_pkey" primary key ("tracking_number"));`);
    this.addSql(`create index "application_procedure_id_index" on "application" ("procedure_id");`);
    this.addSql(`create index "application_office_id_status_filed_at_index" on "application" ("office_id", "status", "filed_at");`);

    this.addSql(`create table "task" ("id" varchar(128) not null, "tracking_number" varchar(16) not null, "procedure_id" varchar(64) not null, "step_id" varchar(64) not null, "role" varchar(64) not null, "office_id" varchar(64) not null, "status" varchar(16) not null, "assignee" varchar(128) null, "outcome" varchar(64) null, "created_at" timestamptz not null, "completed_at" timestamptz null, "completed_by" varchar(128) null, "revision" int not null, "updated_at" timestamptz not null, constraint "task_pkey" primary key ("id"));`);
    this.addSql(`create index "task_tracking_number_index" on "task" ("tracking_number");`);
    this.addSql(`create index "task_office_id_status_created_at_index" on "task" ("office_id", "status", "created_at");`);
  }

}

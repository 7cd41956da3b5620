import { Migration } from '@mikro-orm/migrations';

export class Migration20261121070948 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "calendar_version" ("calendar_id" varchar(32) not null, "version" int not null, "content" jsonb not null, "change" text not null, "changed_by" varchar(128) not null, "created_at" timestamptz not null, constraint "calendar_version_pkey" primary key ("calendar_id", "version"));`);

    this.addSql(`create table "notification" ("key" varchar(200) not null, "tracking_number" varchar(16) not null, "template" varchar(64) not null, "recipients" jsonb not null, "context" jsonb not null, "status" varchar(16) not null, "created_at" timestamptz not null, constraint "notification_pkey" primary key ("key"));`);
    this.addSql(`create index "notification_tracking_number_index" on "notification" ("tracking_number");`);

    this.addSql(`create table "timeline_entry" ("tracking_number" varchar(16) not null, "seq" int not null, "at" timestamptz not null, "kind" varchar(32) not null, "actor" varchar(128) null, "step_id" varchar(64) null, "task_id" varchar(128) null, "detail" jsonb not null, constraint "timeline_entry_pkey" primary key ("tracking_number", "seq"));`);

    this.addSql(`alter table "application" add column "granted_by_silence" boolean not null default false, add column "motivation" text null, add column "due_at" timestamptz null, add column "deadline" jsonb null, add column "citizen" varchar(128) not null default '';`);
    this.addSql(`create index "application_citizen_filed_at_index" on "application" ("citizen", "filed_at");`);

    this.addSql(`alter table "task" add column "escalated" boolean not null default false, add column "due_at" timestamptz null, add column "service_level_due_at" timestamptz null;`);
    this.addSql(`create index "task_office_id_status_due_at_index" on "task" ("office_id", "status", "due_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "calendar_version" cascade;`);

    this.addSql(`drop table if exists "notification" cascade;`);

    this.addSql(`drop table if exists "timeline_entry" cascade;`);

    this.addSql(`drop index "application_citizen_filed_at_index";`);
    this.addSql(`alter table "application" drop column "granted_by_silence", drop column "motivation", drop column "due_at", drop column "deadline", drop column "citizen";`);

    this.addSql(`drop index "task_office_id_status_due_at_index";`);
    this.addSql(`alter table "task" drop column "escalated", drop column "due_at", drop column "service_level_due_at";`);
  }

}

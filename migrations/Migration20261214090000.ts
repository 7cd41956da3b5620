import { Migration } from '@mikro-orm/migrations';

/**
 * One list of incidents (db/incidents.ts): workflow task failures, activities retried past their
 * threshold and remote systems down join the projection writes PostgreSQL refused for good, which move
 * over as kind `projection-refused` (they stay open: nothing retries them).
 */
export class Migration20261214090000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "incident" ("id" serial primary key, "kind" varchar(32) not null, "tracking_number" varchar(64) not null, "run_id" varchar(64) not null, "subject" varchar(128) not null, "revision" int null, "code" varchar(64) not null, "reason" varchar(500) not null, "status" varchar(16) not null, "first_seen_at" timestamptz not null, "last_seen_at" timestamptz not null, "count" int not null, "resolved_at" timestamptz null);`);
    this.addSql(`create index "incident_tracking_number_index" on "incident" ("tracking_number");`);
    this.addSql(`alter table "incident" add constraint "incident_kind_tracking_number_run_id_subject_unique" unique ("kind", "tracking_number", "run_id", "subject");`);
    this.addSql(`insert into "incident" ("kind", "tracking_number", "run_id", "subject", "revision", "code", "reason", "status", "first_seen_at", "last_seen_at", "count")
      select 'projection-refused', "tracking_number", '', "revision"::text, "revision", "code", "reason", 'open', "occurred_at", "occurred_at", 1 from "projection_incident";`);
    this.addSql(`drop table if exists "projection_incident" cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`create table "projection_incident" ("tracking_number" varchar(16) not null, "revision" int not null, "code" varchar(5) not null, "reason" varchar(300) not null, "occurred_at" timestamptz not null, constraint "projection_incident_pkey" primary key ("tracking_number", "revision"));`);
    this.addSql(`insert into "projection_incident" select "tracking_number", "revision", "code", left("reason", 300), "first_seen_at" from "incident" where "kind" = 'projection-refused';`);
    this.addSql(`drop table if exists "incident" cascade;`);
  }

}

import { Migration } from '@mikro-orm/migrations';

/** Projection writes PostgreSQL refused for good, one row per transition (activities/unstorable.ts). */
export class Migration20261206010100 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "projection_incident" ("tracking_number" varchar(16) not null, "revision" int not null, "code" varchar(5) not null, "reason" varchar(300) not null, "occurred_at" timestamptz not null, constraint "projection_incident_pkey" primary key ("tracking_number", "revision"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "projection_incident" cascade;`);
  }

}

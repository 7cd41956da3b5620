import { Migration } from '@mikro-orm/migrations';

/**
 * Tracking numbers are reserved before a workflow starts; every number already in use is reserved here,
 * so a new draw never meets an existing application.
 */
export class Migration20261206010000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "tracking_number_reservation" ("tracking_number" varchar(16) not null, "reserved_at" timestamptz not null, constraint "tracking_number_reservation_pkey" primary key ("tracking_number"));`);
    this.addSql(`insert into "tracking_number_reservation" ("tracking_number", "reserved_at")
      select "tracking_number", "filed_at" from "application"
      union select "tracking_number", "created_at" from "idempotent_filing"
      on conflict do nothing;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "tracking_number_reservation" cascade;`);
  }

}

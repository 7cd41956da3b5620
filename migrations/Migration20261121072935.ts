import { Migration } from '@mikro-orm/migrations';

export class Migration20261121072935 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "notification_delivery" ("notification_key" varchar(200) not null, "channel" varchar(16) not null, "recipient" varchar(128) not null, "address" varchar(254) null, "language" varchar(2) not null, "subject" text not null, "body" text not null, "status" varchar(16) not null, "attempts" int not null default 0, "error" text null, "provider" varchar(32) null, "provider_message_id" varchar(200) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "sent_at" timestamptz null, constraint "notification_delivery_pkey" primary key ("notification_key", "channel", "recipient"));`);

    this.addSql(`create table "staff_member" ("id" varchar(128) not null, "office_id" varchar(64) not null, "role" varchar(64) not null, "name" varchar(200) not null, "email" varchar(254) null, "phone" varchar(32) null, "language" varchar(2) not null, "updated_at" timestamptz not null, constraint "staff_member_pkey" primary key ("id"));`);
    this.addSql(`create index "staff_member_office_id_role_index" on "staff_member" ("office_id", "role");`);

    this.addSql(`alter table "notification" add column "queued_at" timestamptz null;`);
    this.addSql(`create index "notification_not_queued_idx" on "notification" ("created_at") where "status" = 'pending' and "queued_at" is null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "notification_delivery" cascade;`);

    this.addSql(`drop table if exists "staff_member" cascade;`);

    this.addSql(`drop index "notification_not_queued_idx";`);
    this.addSql(`alter table "notification" drop column "queued_at";`);
  }

}

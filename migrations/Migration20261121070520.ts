import { Migration } from '@mikro-orm/migrations';

export class Migration20261121070520 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "procedure_version" ("procedure_id" varchar(64) not null, "version" int not null, "hash" varchar(64) not null, "definition" jsonb not null, "source" varchar(16) not null, "published_by" varchar(128) not null, "published_at" timestamptz not null, constraint "procedure_version_pkey" primary key ("procedure_id", "version"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "procedure_version" cascade;`);
  }

}

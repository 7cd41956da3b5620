import { Migration } from '@mikro-orm/migrations';

export class Migration20261121072528 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "application_document" ("tracking_number" varchar(16) not null, "document_id" varchar(64) not null, "sha256" varchar(64) not null, "file_name" varchar(255) not null, "media_type" varchar(64) not null, "size_bytes" int not null, "storage_key" varchar(300) not null, "uploaded_by" varchar(128) not null, "uploaded_at" timestamptz not null, constraint "application_document_pkey" primary key ("tracking_number", "document_id", "sha256"));`);

    this.addSql(`create table "idempotent_filing" ("scope" varchar(128) not null, "key" varchar(128) not null, "request_hash" varchar(64) not null, "tracking_number" varchar(16) not null, "created_at" timestamptz not null, constraint "idempotent_filing_pkey" primary key ("scope", "key"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "application_document" cascade;`);

    this.addSql(`drop table if exists "idempotent_filing" cascade;`);
  }

}

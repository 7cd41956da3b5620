import { Migration } from '@mikro-orm/migrations';

/**
 * The register of issued documents (issue 19): one row per document issued, keyed by its verification
 * code; `issue_key` is unique so a retried issuance finds its row instead of making a second one. A
 * re-issued copy points at the one it replaces and back.
 */
export class Migration20261214100000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "issued_document" ("code" text not null, "tracking_number" text not null, "office_id" text not null, "procedure_id" text not null, "kind" text not null, "document_name" text not null, "issue_key" text not null, "sha256" text not null, "storage_key" text null, "signature" text not null, "key_id" text not null, "languages" text[] not null, "delivery" text not null, "issued_at" timestamptz not null, "issued_by" text null, "supersedes" text null, "superseded_by" text null, "revoked_at" timestamptz null, "revoked_by" text null, "revoked_reason" text null, "collected_at" timestamptz null, "collected_by" text null, "posted_at" timestamptz null, "postal_reference" text null, constraint "issued_document_pkey" primary key ("code"));`);
    this.addSql(`create index "issued_document_tracking_number_index" on "issued_document" ("tracking_number");`);
    this.addSql(`alter table "issued_document" add constraint "issued_document_issue_key_unique" unique ("issue_key");`);
    this.addSql(`alter table "issued_document" add constraint "issued_document_supersedes_foreign" foreign key ("supersedes") references "issued_document" ("code") on update cascade on delete set null;`);
    this.addSql(`alter table "issued_document" add constraint "issued_document_superseded_by_foreign" foreign key ("superseded_by") references "issued_document" ("code") on update cascade on delete set null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "issued_document" cascade;`);
  }

}

import { Migration } from '@mikro-orm/migrations';

export class Migration20261121075606 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "audit_entry" ("seq" bigint not null, "tracking_number" varchar(16) not null, "entry_seq" int not null, "at" timestamptz not null, "kind" varchar(32) not null, "actor" varchar(128) null, "detail" jsonb not null, "prev_hash" varchar(64) not null, "hash" varchar(64) not null, constraint "audit_entry_pkey" primary key ("seq"));`);
    this.addSql(`alter table "audit_entry" add constraint "audit_entry_tracking_number_entry_seq_unique" unique ("tracking_number", "entry_seq");`);
    // Written by hand: the audit log is append-only, whatever the application code does.
    this.addSql(`create function audit_entry_append_only() returns trigger language plpgsql as $$ begin raise exception 'the audit log is append-only: % is refused', tg_op; end $$;`);
    this.addSql(`create trigger audit_entry_append_only before update or delete on "audit_entry" for each row execute function audit_entry_append_only();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "audit_entry" cascade;`);
    this.addSql(`drop function if exists audit_entry_append_only();`);
  }

}

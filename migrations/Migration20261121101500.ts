import { Migration } from '@mikro-orm/migrations';

/**
 * Written by hand: appending to the audit chain in one call, so that the projection of a transition is
 * one statement (one round trip) instead of a transaction of six. The function takes the chain's lock
 * (0x6d6f686c61, "mohla"), reads the head in a statement of its own — whose snapshot, taken after
 * the lock, sees the previous holder's rows — and appends each entry not there yet, hashed as rowHash()
 * in audit/chain.ts hashes it: the caller sends each row's canonical text on either side of its
 * position in the chain, the one thing only known here.
 */
export class Migration20261121101500 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create function audit_chain_append(p_tracking_number varchar, p_entries jsonb) returns integer language plpgsql as $$
declare
  head_seq bigint;
  head_hash varchar(64);
  entry jsonb;
  next_hash varchar(64);
  appended integer := 0;
begin
  if jsonb_array_length(p_entries) = 0 then
    return 0;
  end if;
  perform pg_advisory_xact_lock(470020549729);
  select seq, hash into head_seq, head_hash from audit_entry order by seq desc limit 1;
  head_seq := coalesce(head_seq, 0);
  head_hash := coalesce(head_hash, repeat('0', 64));
  for entry in
    select e.value from jsonb_array_elements(p_entries) with ordinality as e(value, n)
     where not exists (select 1 from audit_entry a where a.tracking_number = p_tracking_number and a.entry_seq = (e.value->>'entrySeq')::int)
     order by e.n
  loop
    head_seq := head_seq + 1;
    next_hash := encode(sha256(convert_to(head_hash || E'\\n' || (entry->>'textBefore') || head_seq::text || (entry->>'textAfter'), 'UTF8')), 'hex');
    insert into audit_entry (seq, tracking_number, entry_seq, at, kind, actor, detail, prev_hash, hash)
    values (head_seq, p_tracking_number, (entry->>'entrySeq')::int, (entry->>'at')::timestamptz, entry->>'kind', entry->>'actor', entry->'detail', head_hash, next_hash);
    head_hash := next_hash;
    appended := appended + 1;
  end loop;
  return appended;
end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists audit_chain_append(varchar, jsonb);`);
  }

}

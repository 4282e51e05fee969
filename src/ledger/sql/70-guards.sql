-- The ledger's invariants, enforced by the database itself: entries and postings are
-- append-only, and every entry balances (at least two postings summing to zero), checked once
-- per statement. Non-negative balances are CHECK constraints of the tables (migrations).
--
-- Example (each fails):
--   update ledger_entry set reason = 'x' where id = 1;
--   insert into ledger_posting (entry_id, account_id, amount) values (1, 6, 5);

create or replace function xf_forbid_change() returns trigger
language plpgsql as $$
begin
  raise exception 'ledger table % is append-only: % is not allowed', tg_table_name, tg_op
    using errcode = 'P0001', hint = 'correct an entry with a reversal';
end $$;

create trigger ledger_entry_append_only before update or delete on ledger_entry
  for each row execute function xf_forbid_change();

create trigger ledger_entry_no_truncate before truncate on ledger_entry
  for each statement execute function xf_forbid_change();

create trigger ledger_posting_append_only before update or delete on ledger_posting
  for each row execute function xf_forbid_change();

create trigger ledger_posting_no_truncate before truncate on ledger_posting
  for each statement execute function xf_forbid_change();

-- An entry without postings: refused at the end of the statement that inserted it.
create or replace function xf_entries_posted() returns trigger
language plpgsql
set enable_seqscan = off
set enable_hashjoin = off
set enable_mergejoin = off
set jit = off
as $$
declare
  v_bad bigint;
begin
  select i.id into v_bad from inserted i
   where not exists (select 1 from ledger_posting p where p.entry_id = i.id) limit 1;
  if found then
    raise exception 'ledger entry % is unbalanced (no postings)', v_bad using errcode = '23514';
  end if;
  return null;
end $$;

create trigger ledger_entry_balanced after insert on ledger_entry
  referencing new table as inserted for each statement execute function xf_entries_posted();

-- The entries the statement's postings belong to each balance, and are new in this transaction.
create or replace function xf_postings_balanced() returns trigger
language plpgsql
set enable_seqscan = off
set enable_hashjoin = off
set enable_mergejoin = off
set jit = off
as $$
declare
  v_bad record;
begin
  select e.entry_id, s.n, s.total, x.id is not null as entry_exists, x.created_at = now() as entry_new into v_bad
    from (select distinct entry_id from inserted) e
   cross join lateral (select count(*) as n, coalesce(sum(p.amount), 0) as total
                         from ledger_posting p where p.entry_id = e.entry_id) s
    left join ledger_entry x on x.id = e.entry_id
   where s.total <> 0 or s.n < 2 or x.id is null or x.created_at <> now()
   limit 1;
  if not found then return null; end if;
  if not v_bad.entry_exists then
    raise exception 'postings refer to ledger entry %, which does not exist', v_bad.entry_id using errcode = '23503';
  end if;
  if not v_bad.entry_new then
    raise exception 'ledger table ledger_posting is append-only: entry % was written by an earlier transaction', v_bad.entry_id
      using errcode = 'P0001', hint = 'correct an entry with a reversal';
  end if;
  raise exception 'ledger entry % is unbalanced (% postings summing to %)', v_bad.entry_id, v_bad.n, v_bad.total
    using errcode = '23514';
end $$;

create trigger ledger_posting_balanced after insert on ledger_posting
  referencing new table as inserted for each statement execute function xf_postings_balanced();

import { Migration } from '@mikro-orm/migrations';
import { LEDGER_RULES_SQL } from './Migration20261124200900_ledger_rules.js';
import { functionSource } from './function-source.js';

/**
 * The ledger's hot path, measured with npm run bench:ledger: a batch of plain transfers is
 * applied set-based (xf_batch_fast) instead of one function call per transfer, the balance
 * check of an entry also checks that it exists (replacing the row-by-row foreign key from its
 * postings), and lots are consumed one at a time. Hand-written, like the ledger_rules migration.
 */
export class Migration20261124222423_ledger_fast_path extends Migration {
  override async up(): Promise<void> {
    this.addSql(FAST_PATH_SQL);
  }

  override async down(): Promise<void> {
    this.addSql(DOWN);
  }
}

/** Exported for the next migration's down(), which restores this xf_batch_fast. */
export const FAST_PATH_SQL = /* sql */ `
-- One lot at a time (LIMIT 1): the ordered index scan stops at the first lot, where a cursor
-- over all open lots made the planner read and sort every one of them.
create or replace function xf_take_lots(p_entry bigint, p_account bigint, p_need bigint, p_from_entry bigint)
returns bigint language plpgsql as $$
declare
  v_lot bigint;
  v_rem bigint;
  v_take bigint;
begin
  while p_need > 0 loop
    select id, remaining into v_lot, v_rem from ledger_lot
     where account_id = p_account and remaining > 0 and (p_from_entry is null or entry_id = p_from_entry)
     order by expires_at, id limit 1;
    exit when not found;
    v_take := least(p_need, v_rem);
    update ledger_lot set remaining = remaining - v_take where id = v_lot;
    insert into ledger_lot_use (entry_id, lot_id, amount) values (p_entry, v_lot, v_take);
    p_need := p_need - v_take;
  end loop;
  return p_need;
end $$;

alter table ledger_posting drop constraint ledger_posting_entry_fk;
-- The balance check of every new entry (run once per postings statement and at commit) also
-- checks that the entry exists, replacing a foreign key checked posting by posting. Entries are
-- never deleted, so one that exists now always will.
create or replace function xf_assert_balanced(p_entry bigint) returns void language plpgsql as $$
declare
  v_sum bigint;
  v_n int;
  v_exists boolean;
begin
  select coalesce(sum(amount), 0), count(*), exists (select 1 from ledger_entry where id = p_entry)
    into v_sum, v_n, v_exists from ledger_posting where entry_id = p_entry;
  if v_sum <> 0 or v_n < 2 then
    raise exception 'ledger entry % is unbalanced (% postings summing to %)', p_entry, v_n, v_sum
      using errcode = '23514';
  end if;
  if not v_exists then
    raise exception 'postings refer to ledger entry %, which does not exist', p_entry using errcode = '23503';
  end if;
end $$;

-- A batch of plain transfers, set-based: a handful of statements for the whole batch instead of
-- some twenty per transfer. Returns null, having written nothing (it may have locked the
-- batch's accounts), unless the batch is clean: transfers only, distinct new keys, known
-- accounts, each user account in one posting of the batch, every debit covered. Anything else (replays, refusals, the same user twice) takes the
-- per-operation path. Nested loops over index scans only: on a small table the planner would
-- otherwise pick sequential scans and hash joins, and keep those plans.
create or replace function xf_batch_fast(p_ops jsonb) returns jsonb language plpgsql
set enable_seqscan = off set enable_hashjoin = off set enable_mergejoin = off as $$
declare
  v_n int;
  v_keys text[];
  v_hashes text[];
  v_ok boolean;
  v_pord int[];
  v_pacc bigint[];
  v_pamt bigint[];
  v_puser boolean[];
  v_pexp timestamptz[];
  v_pbal bigint[];
  v_pheld bigint[];
  v_entries bigint[];
  v_resp jsonb[];
  v_accts jsonb;
  v_seen bigint[] := '{}';
  v_need bigint;
  i int;
  j int;
begin
  select count(*), array_agg(o->'p'->>'key' order by ord), array_agg(o->'p'->>'hash' order by ord),
         bool_and(o->>'fn' = 'xf_transfer') and count(distinct o->'p'->>'key') = count(*)
    into v_n, v_keys, v_hashes, v_ok
    from jsonb_array_elements(p_ops) with ordinality t(o, ord);
  if not v_ok then return null; end if;
  -- The user accounts of the batch, locked in ascending id like every other path.
  perform 1 from ledger_account
   where id = any (array(select (x->>'account')::bigint
                           from jsonb_array_elements(p_ops) o, jsonb_array_elements(o->'p'->'postings') x))
     and kind <> 'system'
   order by id
     for no key update;
  if exists (select 1 from idempotency_record where key = any (v_keys)) then return null; end if;
  -- Every posting with its account's state.
  select array_agg(s.ord order by s.ord, s.pn), array_agg(s.acc order by s.ord, s.pn), array_agg(s.amt order by s.ord, s.pn),
         array_agg(s.kind <> 'system' order by s.ord, s.pn), array_agg(s.exp order by s.ord, s.pn),
         array_agg(s.balance order by s.ord, s.pn), array_agg(s.held order by s.ord, s.pn), bool_and(s.kind is not null)
    into v_pord, v_pacc, v_pamt, v_puser, v_pexp, v_pbal, v_pheld, v_ok
    from (select t.ord, x.pn, (x.j->>'account')::bigint as acc, (x.j->>'amount')::bigint as amt, a.kind, a.balance, a.held,
                 -- only a credit opens a lot, so only a credit needs its expiry
                 case when x.j ? 'expiresAt' then (x.j->>'expiresAt')::timestamptz
                      when (x.j->>'amount')::bigint > 0 then xf_default_expiry((t.o->'p'->'expiry'->>'months')::int, coalesce(t.o->'p'->'expiry'->>'tz', 'UTC')) end as exp
            from jsonb_array_elements(p_ops) with ordinality t(o, ord)
           cross join lateral jsonb_array_elements(t.o->'p'->'postings') with ordinality x(j, pn)
            left join lateral (select kind, balance, held from ledger_account where id = (x.j->>'account')::bigint) a on true) s;
  if not v_ok then return null; end if;
  -- Each user account in one posting of the batch only, and every debit covered.
  for i in 1 .. array_length(v_pacc, 1) loop
    continue when not v_puser[i];
    if v_pacc[i] = any (v_seen) then return null; end if;
    v_seen := v_seen || v_pacc[i];
    if v_pamt[i] < 0 and v_pbal[i] - v_pheld[i] + v_pamt[i] < 0 then return null; end if;
    v_pbal[i] := v_pbal[i] + v_pamt[i];
  end loop;
  -- Outcomes are known before anything is written: entry ids, balances after.
  select array_agg(nextval('ledger_entry_id_seq')) into v_entries from generate_series(1, v_n);
  v_resp := array_fill(null::jsonb, array[v_n]);
  for i in 1 .. v_n loop
    v_accts := '{}'::jsonb;
    for j in 1 .. array_length(v_pacc, 1) loop
      if v_pord[j] = i and v_puser[j] then
        v_accts := v_accts || jsonb_build_object(v_pacc[j]::text, jsonb_build_object('balance', v_pbal[j], 'held', v_pheld[j]));
      end if;
    end loop;
    v_resp[i] := jsonb_build_object('status', 'ok', 'entryId', v_entries[i], 'accounts', v_accts);
  end loop;
  -- Keys first, like the per-operation path, so copies of a request wait here.
  insert into idempotency_record (key, request_hash, response, status)
    select k, h, r, 200 from unnest(v_keys, v_hashes, v_resp) as u(k, h, r);
  insert into ledger_entry (id, idempotency_key, kind, actor, reason, metadata)
    select v_entries[t.ord], t.o->'p'->>'key', t.o->'p'->>'kind', t.o->'p'->>'actor', t.o->'p'->>'reason',
           coalesce(t.o->'p'->'metadata', '{}'::jsonb)
      from jsonb_array_elements(p_ops) with ordinality t(o, ord) order by t.ord;
  insert into ledger_posting (entry_id, account_id, amount)
    select v_entries[u.ord], u.acc, u.amt from unnest(v_pord, v_pacc, v_pamt) as u(ord, acc, amt);
  update ledger_account a set balance = a.balance + (select u.amt from unnest(v_pacc, v_pamt) as u(acc, amt) where u.acc = a.id)
   where a.id = any (v_seen);
  insert into ledger_lot (account_id, entry_id, amount, remaining, expires_at)
    select u.acc, v_entries[u.ord], u.amt, u.amt, u.exp from unnest(v_pord, v_pacc, v_pamt, v_puser, v_pexp) as u(ord, acc, amt, usr, exp)
     where u.usr and u.amt > 0;
  for i in 1 .. array_length(v_pacc, 1) loop
    if v_puser[i] and v_pamt[i] < 0 then
      if xf_take_lots(v_entries[v_pord[i]], v_pacc[i], -v_pamt[i], null) > 0 then
        raise exception 'lots of account % do not cover its balance', v_pacc[i] using errcode = 'XX000';
      end if;
    end if;
  end loop;
  return to_jsonb(v_resp);
end $$;

-- The batch function of ledger_rules stays as the per-operation path; xf_batch tries the
-- set-based path first. A copy of one of these requests committed meanwhile by another
-- transaction makes the set-based attempt fail on a key: the per-operation path replays it.
alter function xf_batch(jsonb) rename to xf_batch_each;
create function xf_batch(p_ops jsonb) returns jsonb language plpgsql as $$
declare
  v_out jsonb;
begin
  begin
    v_out := xf_batch_fast(p_ops);
  exception
    when unique_violation then v_out := null;
  end;
  return coalesce(v_out, xf_batch_each(p_ops));
end $$;
`;

const DOWN = /* sql */ `
drop function xf_batch(jsonb);
alter function xf_batch_each(jsonb) rename to xf_batch;
drop function if exists xf_batch_fast(jsonb);
${['xf_take_lots', 'xf_assert_balanced'].map((name) => functionSource(LEDGER_RULES_SQL, name)).join('\n\n')}
alter table ledger_posting add constraint ledger_posting_entry_fk foreign key (entry_id) references ledger_entry (id);
`;

import { Migration } from '@mikro-orm/migrations';
import { LEDGER_RULES_SQL } from './Migration20261124200900_ledger_rules.js';

/**
 * The ledger's hot path, measured with npm run bench:ledger: a batch of plain transfers is
 * applied set-based (xf_batch_fast) instead of one function call per transfer, the postings
 * trigger checks all entries of a statement at once (replacing the row-by-row foreign key to
 * the entry), and lots are consumed one at a time. Hand-written, like the ledger_rules migration.
 */
export class Migration20261124222423_ledger_fast_path extends Migration {
  override async up(): Promise<void> {
    this.addSql(UP);
  }

  override async down(): Promise<void> {
    this.addSql(DOWN);
  }
}

const UP = /* sql */ `
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
-- Postings go in after their entry (entries are never deleted, so one that exists now always
-- will): one statement checks every entry of the inserted postings, replacing a foreign key
-- checked row by row. The settings keep this to index lookups on any table size.
create or replace function xf_postings_balanced() returns trigger language plpgsql
set enable_seqscan = off set enable_hashjoin = off set enable_mergejoin = off as $$
declare
  v_bad record;
begin
  select i.entry_id, s.total, s.n, s.has_entry into v_bad
    from (select distinct entry_id from inserted) i
   cross join lateral (
     select coalesce(sum(p.amount), 0) as total, count(*) as n,
            exists (select 1 from ledger_entry e where e.id = i.entry_id) as has_entry
       from ledger_posting p where p.entry_id = i.entry_id) s
   where s.total <> 0 or s.n < 2 or not s.has_entry
   limit 1;
  if not found then return null; end if;
  if not v_bad.has_entry then
    raise exception 'postings refer to ledger entry %, which does not exist', v_bad.entry_id using errcode = '23503';
  end if;
  raise exception 'ledger entry % is unbalanced (% postings summing to %)', v_bad.entry_id, v_bad.n, v_bad.total
    using errcode = '23514';
end $$;

-- A batch of plain transfers, set-based: a handful of statements for the whole batch instead of
-- some twenty per transfer. Returns null, having written nothing, unless the batch is clean:
-- transfers only, distinct new keys, known accounts, each user account in one posting of the
-- batch, every debit covered. Anything else (replays, refusals, the same user twice) takes the
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
  if exists (select 1 from idempotency_record where key = any (v_keys)) then return null; end if;
  -- Every posting with its account's state (accounts are locked by the caller).
  select array_agg(s.ord order by s.ord, s.pn), array_agg(s.acc order by s.ord, s.pn), array_agg(s.amt order by s.ord, s.pn),
         array_agg(s.kind <> 'system' order by s.ord, s.pn), array_agg(s.exp order by s.ord, s.pn),
         array_agg(s.balance order by s.ord, s.pn), array_agg(s.held order by s.ord, s.pn), bool_and(s.kind is not null)
    into v_pord, v_pacc, v_pamt, v_puser, v_pexp, v_pbal, v_pheld, v_ok
    from (select t.ord, x.pn, (x.j->>'account')::bigint as acc, (x.j->>'amount')::bigint as amt, a.kind, a.balance, a.held,
                 case when x.j ? 'expiresAt' then (x.j->>'expiresAt')::timestamptz
                      else xf_default_expiry((t.o->'p'->'expiry'->>'months')::int, coalesce(t.o->'p'->'expiry'->>'tz', 'UTC')) end as exp
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

create or replace function xf_batch(p_ops jsonb) returns jsonb language plpgsql as $$
declare
  v_all jsonb := '[]'::jsonb;
  v_id bigint;
  v_out jsonb := '[]'::jsonb;
  v_res jsonb;
  op jsonb;
begin
  for op in select value from jsonb_array_elements(p_ops) loop
    if op->>'fn' = 'xf_transfer' then
      v_all := v_all || (op->'p'->'postings');
    elsif op->>'fn' = 'xf_hold_reserve' then
      v_all := v_all || jsonb_build_array(jsonb_build_object('account', op->'p'->'account'));
    end if;
  end loop;
  foreach v_id in array xf_accounts(v_all) loop
    perform 1 from ledger_account where id = v_id and kind <> 'system' for no key update;
  end loop;
  -- A copy of one of these requests committed meanwhile by another transaction: the
  -- per-operation path replays it.
  begin
    v_out := xf_batch_fast(p_ops);
  exception
    when unique_violation then v_out := null;
  end;
  if v_out is not null then return v_out; end if;
  v_out := '[]'::jsonb;
  for op in select value from jsonb_array_elements(p_ops) loop
    begin
      v_res := case op->>'fn'
        when 'xf_transfer' then xf_transfer(op->'p')
        when 'xf_hold_reserve' then xf_hold_reserve(op->'p')
        else xf_error('invalid_input', 'unknown batch operation') end;
    exception
      when serialization_failure or deadlock_detected then raise;
      when others then
        v_res := jsonb_build_object('status', 'failed', 'sqlstate', sqlstate, 'message', sqlerrm);
    end;
    v_out := v_out || jsonb_build_array(v_res);
  end loop;
  return v_out;
end $$;
`;

const DOWN = /* sql */ `
drop function if exists xf_batch_fast(jsonb);
${legacyFunctions(['xf_take_lots', 'xf_postings_balanced', 'xf_batch'])}
alter table ledger_posting add constraint ledger_posting_entry_fk foreign key (entry_id) references ledger_entry (id);
`;

/** The bodies these functions had in the ledger_rules migration. */
function legacyFunctions(names: string[]): string {
  return names
    .map((name) => {
      const m = new RegExp(`create function ${name}\\([\\s\\S]*?end \\$\\$;`).exec(LEDGER_RULES_SQL);
      if (!m) throw new Error(`the ledger_rules migration has no function ${name}`);
      return m[0].replace('create function', 'create or replace function');
    })
    .join('\n\n');
}

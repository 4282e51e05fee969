import { Migration } from '@mikro-orm/migrations';
import { FAST_PATH_SQL } from './Migration20261124222423_ledger_fast_path.js';
import { functionSource } from './function-source.js';

/**
 * The set-based batch path, cheaper per batch (npm run bench:ledger): it reads the batch and
 * locks its user accounts in three statements instead of four, and the debits of a batch take
 * from their accounts' earliest-expiring lots in one statement, going lot by lot only for a
 * debit its first lot does not cover (a function call and three statements per debit before).
 * Its statements use generic plans: their shape never depends on the values, and planning them
 * anew on every call cost about as much as one more transfer. JIT stays off: the penalty the
 * planner puts on disabled scans could otherwise push a cost over the JIT threshold, and
 * compiling would take longer than running the batch.
 */
export class Migration20261125000000_ledger_batch_debits extends Migration {
  override async up(): Promise<void> {
    this.addSql(BATCH_DEBITS_SQL);
  }

  override async down(): Promise<void> {
    this.addSql(functionSource(FAST_PATH_SQL, 'xf_batch_fast'));
  }
}

export const BATCH_DEBITS_SQL = /* sql */ `
create or replace function xf_batch_fast(p_ops jsonb) returns jsonb language plpgsql
set plan_cache_mode = force_generic_plan set jit = off set enable_seqscan = off set enable_hashjoin = off set enable_mergejoin = off as $$
declare
  v_n int;
  v_ok boolean;
  v_keys text[];
  v_hashes text[];
  -- per posting, in batch order: its operation, account, amount, and a credit's lot expiry
  v_pord int[];
  v_pacc bigint[];
  v_pamt bigint[];
  v_pexp timestamptz[];
  v_puser boolean[];
  v_pbal bigint[];
  v_pheld bigint[];
  -- the batch's user accounts, locked, with their state
  v_uacc bigint[];
  v_ubal bigint[];
  v_uheld bigint[];
  v_entries bigint[];
  v_resp jsonb[];
  v_accts jsonb;
  v_k int;
  -- debits their first lot did not cover
  v_sacc bigint[];
  v_sneed bigint[];
  v_sentry bigint[];
  i int;
  j int;
begin
  select count(distinct t.ord), array_agg(t.o->'p'->>'key' order by t.ord) filter (where x.pn = 1),
         array_agg(t.o->'p'->>'hash' order by t.ord) filter (where x.pn = 1),
         bool_and(t.o->>'fn' = 'xf_transfer') and count(distinct t.o->'p'->>'key') = count(distinct t.ord),
         array_agg(t.ord order by t.ord, x.pn), array_agg((x.j->>'account')::bigint order by t.ord, x.pn),
         array_agg((x.j->>'amount')::bigint order by t.ord, x.pn),
         -- only a credit opens a lot, so only a credit needs its expiry
         array_agg(case when x.j ? 'expiresAt' then (x.j->>'expiresAt')::timestamptz
                        when (x.j->>'amount')::bigint > 0
                        then xf_default_expiry((t.o->'p'->'expiry'->>'months')::int, coalesce(t.o->'p'->'expiry'->>'tz', 'UTC')) end
                   order by t.ord, x.pn)
    into v_n, v_keys, v_hashes, v_ok, v_pord, v_pacc, v_pamt, v_pexp
    from jsonb_array_elements(p_ops) with ordinality t(o, ord)
   cross join lateral jsonb_array_elements(t.o->'p'->'postings') with ordinality x(j, pn);
  if not v_ok or v_n <> jsonb_array_length(p_ops) then return null; end if;
  -- The user accounts, locked in ascending id like every other path; system accounts carry no
  -- balance and are never locked.
  select array_agg(a.id), array_agg(a.balance), array_agg(a.held) into v_uacc, v_ubal, v_uheld
    from (select id, balance, held from ledger_account where id = any (v_pacc) and kind <> 'system' order by id for no key update) a;
  select (select count(*) from ledger_account where id = any (v_pacc) and kind = 'system') + coalesce(cardinality(v_uacc), 0)
           = (select count(distinct a) from unnest(v_pacc) a)
         and not exists (select 1 from idempotency_record where key = any (v_keys))
    into v_ok;
  if not v_ok then return null; end if;
  -- Each user account in one posting of the batch only, and every debit covered.
  v_puser := array_fill(false, array[cardinality(v_pacc)]);
  v_pbal := array_fill(null::bigint, array[cardinality(v_pacc)]);
  v_pheld := v_pbal;
  for i in 1 .. cardinality(v_pacc) loop
    v_k := array_position(v_uacc, v_pacc[i]);
    continue when v_k is null;
    if v_ubal[v_k] is null then return null; end if;
    v_puser[i] := true;
    if v_pamt[i] < 0 and v_ubal[v_k] - v_uheld[v_k] + v_pamt[i] < 0 then return null; end if;
    v_pbal[i] := v_ubal[v_k] + v_pamt[i];
    v_pheld[i] := v_uheld[v_k];
    v_ubal[v_k] := null;
  end loop;
  -- Outcomes are known before anything is written: entry ids, balances after.
  select array_agg(nextval('ledger_entry_id_seq')) into v_entries from generate_series(1, v_n);
  v_resp := array_fill(null::jsonb, array[v_n]);
  for i in 1 .. v_n loop
    v_accts := '{}'::jsonb;
    for j in 1 .. cardinality(v_pacc) loop
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
  update ledger_account a set balance = a.balance + u.amt
    from unnest(v_pacc, v_pamt, v_puser) as u(acc, amt, usr)
   where u.usr and a.id = u.acc;
  insert into ledger_lot (account_id, entry_id, amount, remaining, expires_at)
    select u.acc, v_entries[u.ord], u.amt, u.amt, u.exp from unnest(v_pord, v_pacc, v_pamt, v_puser, v_pexp) as u(ord, acc, amt, usr, exp)
     where u.usr and u.amt > 0;
  -- Debits take from the earliest-expiring open lot of their account, all in one statement;
  -- the few that lot does not cover go on lot by lot.
  with d as (select v_pacc[s.k] as acc, -v_pamt[s.k] as need, v_entries[v_pord[s.k]] as entry
               from generate_subscripts(v_pacc, 1) s(k) where v_puser[s.k] and v_pamt[s.k] < 0),
       f as (select d.acc, d.need, d.entry, l.id as lot, coalesce(least(d.need, l.remaining), 0) as take
               from d left join lateral (select id, remaining from ledger_lot where account_id = d.acc and remaining > 0
                                          order by expires_at, id limit 1) l on true),
       u as (update ledger_lot t set remaining = t.remaining - f.take from f where t.id = f.lot),
       w as (insert into ledger_lot_use (entry_id, lot_id, amount) select f.entry, f.lot, f.take from f where f.lot is not null)
  select array_agg(f.acc), array_agg(f.need - f.take), array_agg(f.entry) into v_sacc, v_sneed, v_sentry
    from f where f.take < f.need;
  for i in 1 .. coalesce(cardinality(v_sacc), 0) loop
    if xf_take_lots(v_sentry[i], v_sacc[i], v_sneed[i], null) > 0 then
      raise exception 'lots of account % do not cover its balance', v_sacc[i] using errcode = 'XX000';
    end if;
  end loop;
  return to_jsonb(v_resp);
end $$;
`;

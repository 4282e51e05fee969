import { Migration } from '@mikro-orm/migrations';
import { LEDGER_RULES_SQL } from './Migration20261124200900_ledger_rules.js';
import { BATCH_DEBITS_SQL } from './Migration20261125000000_ledger_batch_debits.js';
import {
  BALANCE_CHECKS_SQL,
  INDEX_PLANS,
} from './Migration20261125010000_ledger_balance_checks.js';
import { functionSource } from './function-source.js';

/**
 * An entry and its postings go into the ledger in one statement, so the check that every entry
 * has postings runs once per statement instead of once per entry at commit (callgrind on a
 * single-user backend running 300 batches of four transfers: 5 % fewer instructions per batch).
 * - xf_insert_entry inserts an entry with its postings; xf_transfer, xf_reverse, xf_hold_post
 *   and xf_expire_account use it, and xf_apply no longer inserts postings.
 * - The batch path writes keys, entries, postings, balances and the credits' lots in one
 *   statement. It no longer looks for a batch's keys beforehand: a key already taken ends the
 *   fast path on the unique index, as a key taken by a copy still in flight always did, and
 *   the batch goes operation by operation.
 * - The deferred per-entry trigger becomes a statement-level one. An entry inserted without
 *   postings in the same statement is now refused at once rather than at commit.
 * - Wallet rows get room on their pages (fillfactor 50) for their in-place updates.
 */
export class Migration20261125020000_ledger_entry_with_postings extends Migration {
  override async up(): Promise<void> {
    this.addSql(ENTRY_WITH_POSTINGS_SQL);
  }

  override async down(): Promise<void> {
    this.addSql(
      [
        ...['xf_apply', 'xf_transfer', 'xf_reverse', 'xf_hold_post', 'xf_expire_account'].map((f) =>
          functionSource(LEDGER_RULES_SQL, f),
        ),
        functionSource(BATCH_DEBITS_SQL, 'xf_batch_fast'),
        'drop function xf_insert_entry(text, text, text, text, jsonb, jsonb, bigint, bigint);',
        'alter table ledger_account reset (fillfactor);',
        'drop trigger ledger_entry_balanced on ledger_entry;',
        'drop function xf_entries_posted();',
        functionSource(BALANCE_CHECKS_SQL, 'xf_entry_balanced'),
        `create constraint trigger ledger_entry_balanced after insert on ledger_entry
  deferrable initially deferred for each row execute function xf_entry_balanced();`,
      ].join('\n\n'),
    );
  }
}

export const ENTRY_WITH_POSTINGS_SQL = /* sql */ `
-- An entry and its postings go in with one statement, so that the statement-level checks on
-- both tables see the entry whole.
create function xf_insert_entry(p_key text, p_kind text, p_actor text, p_reason text, p_metadata jsonb,
                                p_postings jsonb, p_reverses bigint default null, p_hold bigint default null)
returns bigint language plpgsql as $$
declare
  v_entry bigint;
begin
  with e as (insert into ledger_entry (idempotency_key, kind, actor, reason, metadata, reverses_entry_id, hold_id)
               values (p_key, p_kind, p_actor, p_reason, p_metadata, p_reverses, p_hold) returning id),
       p as (insert into ledger_posting (entry_id, account_id, amount)
               select e.id, (j->>'account')::bigint, (j->>'amount')::bigint from e cross join jsonb_array_elements(p_postings) j)
  select id into v_entry from e;
  return v_entry;
end $$;

-- The postings of an entry are now inserted with the entry (xf_insert_entry).
create or replace function xf_apply(p_entry bigint, p_postings jsonb, p_expiry jsonb, p_lot_source bigint)
returns jsonb language plpgsql as $$
declare
  x jsonb;
  v_acc bigint;
  v_amt bigint;
  v_balance bigint;
  v_held bigint;
  v_out jsonb := '{}'::jsonb;
  v_need bigint;
  v_take bigint;
  v_exp timestamptz;
  r record;
begin
  for x in select value from jsonb_array_elements(p_postings) order by (value->>'account')::bigint loop
    v_acc := (x->>'account')::bigint;
    v_amt := (x->>'amount')::bigint;
    -- System accounts keep no cached balance: the update finds no row for them.
    update ledger_account set balance = balance + v_amt where id = v_acc and kind <> 'system'
      returning balance, held into v_balance, v_held;
    continue when not found;
    v_out := v_out || jsonb_build_object(v_acc::text, jsonb_build_object('balance', v_balance, 'held', v_held));
    if v_amt > 0 then
      v_need := v_amt;
      if p_lot_source is not null then
        -- a reversed debit: give points back to the lots they came from, while still valid
        for r in
          select u.lot_id, sum(u.amount) as amount from ledger_lot_use u join ledger_lot l on l.id = u.lot_id
            where u.entry_id = p_lot_source and l.account_id = v_acc
              and (l.expires_at is null or l.expires_at > now())
            group by u.lot_id order by u.lot_id
        loop
          exit when v_need = 0;
          v_take := least(v_need, r.amount);
          update ledger_lot set remaining = remaining + v_take where id = r.lot_id;
          v_need := v_need - v_take;
        end loop;
      end if;
      if v_need > 0 then
        v_exp := case when x->'expiresAt' is not null then (x->>'expiresAt')::timestamptz
                      else xf_default_expiry((p_expiry->>'months')::int, coalesce(p_expiry->>'tz', 'UTC')) end;
        insert into ledger_lot (account_id, entry_id, amount, remaining, expires_at)
          values (v_acc, p_entry, v_need, v_need, v_exp);
      end if;
    else
      -- a reversed credit takes back its own lot first; then earliest expiry first
      v_need := -v_amt;
      if p_lot_source is not null then
        v_need := xf_take_lots(p_entry, v_acc, v_need, p_lot_source);
      end if;
      v_need := xf_take_lots(p_entry, v_acc, v_need, null);
      if v_need > 0 then
        raise exception 'lots of account % do not cover its balance', v_acc using errcode = 'XX000';
      end if;
    end if;
  end loop;
  return v_out;
end $$;

create or replace function xf_transfer(p jsonb) returns jsonb language plpgsql as $$
declare
  v_prev jsonb;
  v_err jsonb;
  v_entry bigint;
begin
  v_prev := xf_idem_begin(p->>'key', p->>'hash');
  if v_prev is not null then return v_prev; end if;
  v_err := xf_lock_and_check(p->'postings');
  if v_err is not null then return xf_idem_finish(p->>'key', v_err); end if;
  v_entry := xf_insert_entry(p->>'key', p->>'kind', p->>'actor', p->>'reason', coalesce(p->'metadata', '{}'::jsonb),
                             p->'postings');
  return xf_idem_finish(p->>'key', jsonb_build_object('status', 'ok', 'entryId', v_entry,
    'accounts', xf_apply(v_entry, p->'postings', p->'expiry', null)));
end $$;

create or replace function xf_reverse(p jsonb) returns jsonb language plpgsql as $$
declare
  v_prev jsonb;
  v_err jsonb;
  v_orig ledger_entry;
  v_postings jsonb;
  v_entry bigint;
begin
  v_prev := xf_idem_begin(p->>'key', p->>'hash');
  if v_prev is not null then return v_prev; end if;
  select * into v_orig from ledger_entry where id = (p->>'entryId')::bigint for update;
  if not found then
    return xf_idem_finish(p->>'key', xf_error('entry_not_found', 'no such ledger entry'));
  end if;
  if v_orig.kind = 'reverse' then
    return xf_idem_finish(p->>'key', xf_error('not_reversible', 'a reversal cannot be reversed'));
  end if;
  if exists (select 1 from ledger_entry where reverses_entry_id = v_orig.id) then
    return xf_idem_finish(p->>'key', xf_error('already_reversed', 'this entry was already reversed'));
  end if;
  select jsonb_agg(jsonb_build_object('account', account_id, 'amount', -amount) order by id)
    into v_postings from ledger_posting where entry_id = v_orig.id;
  v_err := xf_lock_and_check(v_postings);
  if v_err is not null then return xf_idem_finish(p->>'key', v_err); end if;
  v_entry := xf_insert_entry(p->>'key', 'reverse', p->>'actor', p->>'reason',
                             coalesce(p->'metadata', '{}'::jsonb) || jsonb_build_object('reversedKind', v_orig.kind),
                             v_postings, p_reverses => v_orig.id);
  return xf_idem_finish(p->>'key', jsonb_build_object('status', 'ok', 'entryId', v_entry,
    'reversedEntryId', v_orig.id, 'accounts', xf_apply(v_entry, v_postings, p->'expiry', v_orig.id)));
end $$;

create or replace function xf_hold_post(p jsonb) returns jsonb language plpgsql as $$
declare
  v_prev jsonb;
  v_take record;
  v_hold ledger_hold;
  v_amt bigint;
  v_entry bigint;
  v_postings jsonb;
begin
  v_prev := xf_idem_begin(p->>'key', p->>'hash');
  if v_prev is not null then return v_prev; end if;
  select * into v_take from xf_hold_take((p->>'holdId')::bigint);
  if v_take.o_err is not null then return xf_idem_finish(p->>'key', v_take.o_err); end if;
  v_hold := v_take.o_hold;
  v_amt := coalesce((p->>'amount')::bigint, v_hold.amount);
  if v_amt > v_hold.amount then
    return xf_idem_finish(p->>'key', xf_error('hold_amount_exceeded', 'cannot post more than the hold',
      jsonb_build_object('held', v_hold.amount, 'requested', v_amt)));
  end if;
  perform 1 from ledger_account where id = v_hold.account_id for no key update;
  update ledger_account set held = held - v_hold.amount where id = v_hold.account_id;
  if v_amt > 0 then
    v_postings := jsonb_build_array(
      jsonb_build_object('account', v_hold.account_id, 'amount', -v_amt),
      jsonb_build_object('account', (p->>'creditAccount')::bigint, 'amount', v_amt));
    v_entry := xf_insert_entry(p->>'key', coalesce(p->>'kind', v_hold.kind), coalesce(p->>'actor', v_hold.actor),
                               coalesce(p->>'reason', v_hold.reason), v_hold.metadata || coalesce(p->'metadata', '{}'::jsonb),
                               v_postings, p_hold => v_hold.id);
    perform xf_apply(v_entry, v_postings, p->'expiry', null);
  end if;
  update ledger_hold set status = 'posted', posted_amount = v_amt, entry_id = v_entry, resolved_at = now()
    where id = v_hold.id;
  return xf_idem_finish(p->>'key', jsonb_build_object('status', 'ok', 'holdId', v_hold.id, 'entryId', v_entry,
    'postedAmount', v_amt, 'accounts', xf_balances(jsonb_build_array(jsonb_build_object('account', v_hold.account_id)))));
end $$;

create or replace function xf_expire_account(p_account bigint, p_breakage bigint) returns bigint language plpgsql as $$
declare
  v_acc ledger_account;
  v_due bigint;
  v_amt bigint;
  v_entry bigint;
  v_postings jsonb;
begin
  perform xf_release_expired_holds(array[p_account]);
  select * into v_acc from ledger_account where id = p_account for no key update;
  select coalesce(sum(remaining), 0) into v_due from ledger_lot
    where account_id = p_account and remaining > 0 and expires_at <= now();
  v_amt := least(v_due, v_acc.balance - v_acc.held);
  if v_amt <= 0 then return 0; end if;
  v_postings := jsonb_build_array(jsonb_build_object('account', p_account, 'amount', -v_amt),
                                  jsonb_build_object('account', p_breakage, 'amount', v_amt));
  v_entry := xf_insert_entry('expire:' || p_account || ':' || gen_random_uuid(), 'expire', 'system:expiry',
                             'points expired', jsonb_build_object('expiredThrough', now()), v_postings);
  perform xf_apply(v_entry, v_postings, null, null);
  return v_amt;
end $$;

create or replace function xf_batch_fast(p_ops jsonb) returns jsonb language plpgsql
set plan_cache_mode = force_generic_plan set jit = off set enable_seqscan = off set enable_hashjoin = off set enable_mergejoin = off as $$
declare
  v_n int;
  v_nacc int;
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
         array_agg((x.j->>'amount')::bigint order by t.ord, x.pn), count(distinct (x.j->>'account')::bigint),
         -- only a credit opens a lot, so only a credit needs its expiry
         array_agg(case when x.j ? 'expiresAt' then (x.j->>'expiresAt')::timestamptz
                        when (x.j->>'amount')::bigint > 0
                        then xf_default_expiry((t.o->'p'->'expiry'->>'months')::int, coalesce(t.o->'p'->'expiry'->>'tz', 'UTC')) end
                   order by t.ord, x.pn)
    into v_n, v_keys, v_hashes, v_ok, v_pord, v_pacc, v_pamt, v_nacc, v_pexp
    from jsonb_array_elements(p_ops) with ordinality t(o, ord)
   cross join lateral jsonb_array_elements(t.o->'p'->'postings') with ordinality x(j, pn);
  if not v_ok or v_n <> jsonb_array_length(p_ops) then return null; end if;
  -- The user accounts, locked in ascending id like every other path; system accounts carry no
  -- balance and are never locked.
  select array_agg(a.id), array_agg(a.balance), array_agg(a.held) into v_uacc, v_ubal, v_uheld
    from (select id, balance, held from ledger_account where id = any (v_pacc) and kind <> 'system' order by id for no key update) a;
  -- Every account exists: the ones not locked above are system accounts.
  select count(*) + coalesce(cardinality(v_uacc), 0) = v_nacc into v_ok
    from ledger_account where id = any (v_pacc) and kind = 'system';
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
  for i in 1 .. v_n loop
    v_entries[i] := nextval('ledger_entry_id_seq');
  end loop;
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
  -- One statement writes the batch: keys, entries with their postings (the statement-level
  -- checks on both tables see them together), balances and the credits' lots. A key already
  -- taken, even by a copy of a request still in flight, ends this path on the unique index.
  with r as (insert into idempotency_record (key, request_hash, response, status)
               select k, h, r, 200 from unnest(v_keys, v_hashes, v_resp) as u(k, h, r)),
       e as (insert into ledger_entry (id, idempotency_key, kind, actor, reason, metadata)
               select v_entries[t.ord], t.o->'p'->>'key', t.o->'p'->>'kind', t.o->'p'->>'actor', t.o->'p'->>'reason',
                      coalesce(t.o->'p'->'metadata', '{}'::jsonb)
                 from jsonb_array_elements(p_ops) with ordinality t(o, ord) order by t.ord),
       p as (insert into ledger_posting (entry_id, account_id, amount)
               select v_entries[u.ord], u.acc, u.amt from unnest(v_pord, v_pacc, v_pamt) as u(ord, acc, amt)),
       a as (update ledger_account a set balance = a.balance + u.amt
               from unnest(v_pacc, v_pamt, v_puser) as u(acc, amt, usr)
              where u.usr and a.id = u.acc)
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

-- At the end of each statement inserting entries, every one of them has postings. Their sums
-- were checked by the postings trigger of the same statement (ledger_posting_balanced).
create function xf_entries_posted() returns trigger language plpgsql
${INDEX_PLANS} as $$
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

drop trigger ledger_entry_balanced on ledger_entry;
drop function xf_entry_balanced();
create trigger ledger_entry_balanced after insert on ledger_entry
  referencing new table as inserted for each statement execute function xf_entries_posted();

-- Every transfer updates its wallets in place; room on their pages keeps those updates on the
-- page (HOT) and makes pruning rarer (1 % fewer instructions per batch). Pages written before
-- keep their layout until rewritten.
alter table ledger_account set (fillfactor = 50);
`;

-- Several independent transfers and reservations in one round trip and one commit (the
-- service's batcher, src/ledger/ledger.batcher.ts). xf_batch_fast writes a batch of plain
-- transfers in a few set-based statements; when it cannot (a key already taken, a closed
-- account, short funds, a hold, a due lot) it gives up and xf_batch_each runs every operation
-- on its own in a subtransaction, so one that fails does not undo the others. Keep batches
-- small (<= 32): a transaction with more than 64 subtransactions slows every snapshot.
--
-- A batch stays a jsonb array: a list of different operations has no better type. Each element
-- is {fn, p}, p holding the typed function's arguments by name without their p_ prefix
-- (postings as [{account, amount, expires_at}]); xf_batch_each unpacks them into the typed
-- calls (postings through jsonb_populate_recordset into xf_posting[]). Outcomes are jsonb, one
-- per operation, in order.
--
-- Example:
--   select xf_batch('[{"fn": "xf_transfer", "p": {"key": "api:k-7", "hash": "h", "kind": "grant.admin",
--     "actor": "admin", "reason": "r", "metadata": {}, "postings": [{"account": 1, "amount": -5},
--     {"account": 6, "amount": 5}], "expiry_months": 12, "expiry_tz": "UTC"}}]');

create or replace function xf_batch(p_ops jsonb) returns jsonb
language plpgsql as $$
declare
  v_out jsonb;
begin
  begin
    v_out := xf_batch_fast(p_ops);
  exception
    when unique_violation then v_out := null;
    when sqlstate 'XF001' then v_out := null;
  end;
  return coalesce(v_out, xf_batch_each(p_ops));
end $$;

-- One operation after the other, each in its own subtransaction; user accounts locked up front
-- in ascending order so concurrent batches never deadlock each other.
create or replace function xf_batch_each(p_ops jsonb) returns jsonb
language plpgsql as $$
declare
  v_all bigint[] := '{}';
  v_id bigint;
  v_out jsonb := '[]'::jsonb;
  v_res jsonb;
  op jsonb;
  p jsonb;
begin
  for op in select value from jsonb_array_elements(p_ops) loop
    if op->>'fn' = 'xf_transfer' then
      v_all := v_all || array(select (x->>'account')::bigint from jsonb_array_elements(op->'p'->'postings') x);
    elsif op->>'fn' = 'xf_hold_reserve' then
      v_all := v_all || (op->'p'->>'account')::bigint;
    end if;
  end loop;
  for v_id in select distinct x from unnest(v_all) x order by x loop
    perform 1 from ledger_account where id = v_id and kind <> 'system' for no key update;
  end loop;
  for op in select value from jsonb_array_elements(p_ops) loop
    p := op->'p';
    begin
      v_res := case op->>'fn'
        when 'xf_transfer' then
          xf_transfer(p->>'key', p->>'hash', p->>'kind', p->>'actor', p->>'reason', p->'metadata',
                      array(select x from jsonb_populate_recordset(null::xf_posting, p->'postings') x),
                      (p->>'expiry_months')::integer, p->>'expiry_tz')
        when 'xf_hold_reserve' then
          xf_hold_reserve(p->>'key', p->>'hash', (p->>'account')::bigint, (p->>'amount')::bigint,
                          (p->>'ttl_seconds')::double precision, p->>'kind', p->>'actor', p->>'reason', p->'metadata')
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

-- A batch of transfers whose outcome is known before writing: null when any one of them needs
-- the per-operation path.
create or replace function xf_batch_fast(p_ops jsonb) returns jsonb
language plpgsql
set plan_cache_mode = force_generic_plan
set jit = off
set enable_seqscan = off
set enable_hashjoin = off
set enable_mergejoin = off
as $$
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
  v_due boolean;
  v_closed boolean;
  i int;
  j int;
begin
  select count(distinct t.ord), array_agg(t.o->'p'->>'key' order by t.ord) filter (where x.pn = 1),
         array_agg(t.o->'p'->>'hash' order by t.ord) filter (where x.pn = 1),
         bool_and(t.o->>'fn' = 'xf_transfer') and count(distinct t.o->'p'->>'key') = count(distinct t.ord),
         array_agg(t.ord order by t.ord, x.pn), array_agg((x.j->>'account')::bigint order by t.ord, x.pn),
         array_agg((x.j->>'amount')::bigint order by t.ord, x.pn), count(distinct (x.j->>'account')::bigint),
         -- only a credit opens a lot, so only a credit needs its expiry
         array_agg(case when (x.j->>'amount')::bigint > 0
                        then xf_lot_expiry((x.j->>'expires_at')::timestamptz, (t.o->'p'->>'expiry_months')::integer,
                                           t.o->'p'->>'expiry_tz') end
                   order by t.ord, x.pn)
    into v_n, v_keys, v_hashes, v_ok, v_pord, v_pacc, v_pamt, v_nacc, v_pexp
    from jsonb_array_elements(p_ops) with ordinality t(o, ord)
   cross join lateral jsonb_array_elements(t.o->'p'->'postings') with ordinality x(j, pn);
  if not v_ok or v_n <> jsonb_array_length(p_ops) then return null; end if;
  -- The user accounts, locked in ascending id like every other path; system accounts carry no
  -- balance and are never locked.
  select array_agg(a.id), array_agg(a.balance), array_agg(a.held), coalesce(bool_or(a.closed), false)
    into v_uacc, v_ubal, v_uheld, v_closed
    from (select id, balance, held, closed_at is not null as closed from ledger_account
           where id = any (v_pacc) and kind <> 'system' order by id for no key update) a;
  -- An account closed by a merge: the per-operation path refuses that operation alone.
  if v_closed then return null; end if;
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
       f as (select d.acc, d.need, d.entry, l.id as lot, coalesce(least(d.need, l.remaining), 0) as take,
                    coalesce(l.expires_at <= now(), false) as due
               from d left join lateral (select id, remaining, expires_at from ledger_lot where account_id = d.acc and remaining > 0
                                          order by expires_at, id limit 1) l on true),
       u as (update ledger_lot t set remaining = t.remaining - f.take from f where t.id = f.lot),
       w as (insert into ledger_lot_use (entry_id, lot_id, amount) select f.entry, f.lot, f.take from f where f.lot is not null)
  select array_agg(f.acc) filter (where f.take < f.need), array_agg(f.need - f.take) filter (where f.take < f.need),
         array_agg(f.entry) filter (where f.take < f.need), coalesce(bool_or(f.due), false)
    into v_sacc, v_sneed, v_sentry, v_due from f;
  if v_due then
    raise exception 'a debit of this batch meets an expired lot' using errcode = 'XF001';
  end if;
  for i in 1 .. coalesce(cardinality(v_sacc), 0) loop
    if xf_take_lots(v_sentry[i], v_sacc[i], v_sneed[i], null) > 0 then
      raise exception 'lots of account % do not cover its balance', v_sacc[i] using errcode = 'XX000';
    end if;
  end loop;
  return to_jsonb(v_resp);
end $$;

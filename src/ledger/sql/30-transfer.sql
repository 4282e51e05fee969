-- Moving points: a balanced entry with its postings, the lots a credit opens and a debit
-- consumes (earliest expiry first), and the reversal of an entry. xf_transfer and xf_reverse
-- are what the service calls for one operation; the batch path (60-batch.sql) writes the same
-- rows for many transfers in one statement.
--
-- Example:
--   select xf_transfer('{"key": "api:k-2", "hash": "h", "kind": "grant.admin", "actor": "admin",
--     "reason": "welcome", "postings": [{"account": 1, "amount": -100}, {"account": 6, "amount": 100}],
--     "expiry": {"months": 12, "tz": "UTC"}}');
--   select xf_reverse('{"key": "api:k-3", "hash": "h", "entryId": 7, "actor": "admin", "reason": "typo"}');

-- Inserts an entry and its postings in one statement (the balance triggers see both).
create or replace function xf_insert_entry(p_key text, p_kind text, p_actor text, p_reason text, p_metadata jsonb, p_postings jsonb, p_reverses bigint default null, p_hold bigint default null) returns bigint
language plpgsql as $$
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

-- Consumes up to p_need points of an account's open lots, earliest expiry first (only the lots
-- of p_from_entry when given), recording each use. Returns what could not be covered.
create or replace function xf_take_lots(p_entry bigint, p_account bigint, p_need bigint, p_from_entry bigint) returns bigint
language plpgsql as $$
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

-- Applies postings of a new entry: balances of user accounts (already locked), lots. p_lot_source
-- is the reversed entry: its lots are the first to give back. Returns the new balance and held
-- amount of each user account it touched.
create or replace function xf_apply(p_entry bigint, p_postings jsonb, p_expiry jsonb, p_lot_source bigint) returns jsonb
language plpgsql as $$
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
        -- a reversed debit: give points back to the lots they came from, with their own expiry,
        -- but not to a lot whose credit was reversed (those points come as a new lot)
        for r in
          select u.lot_id, sum(u.amount) as amount from ledger_lot_use u join ledger_lot l on l.id = u.lot_id
            where u.entry_id = p_lot_source and l.account_id = v_acc
              and not exists (select 1 from ledger_entry c where c.reverses_entry_id = l.entry_id)
            group by u.lot_id having sum(u.amount) > 0 order by u.lot_id
        loop
          exit when v_need = 0;
          v_take := least(v_need, r.amount);
          update ledger_lot set remaining = remaining + v_take where id = r.lot_id;
          insert into ledger_lot_use (entry_id, lot_id, amount) values (p_entry, r.lot_id, -v_take);
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

-- A new balanced entry. p: {key, hash, kind, actor, reason, metadata, postings:[{account, amount,
-- expiresAt (optional)}], expiry:{months, tz}}.
create or replace function xf_transfer(p jsonb) returns jsonb
language plpgsql as $$
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

-- p: {key, hash, entryId, actor, reason, metadata, expiry}. Points of the entry that expired
-- since go back from breakage; accounts closed by a merge are replaced by their survivors'.
create or replace function xf_reverse(p jsonb) returns jsonb
language plpgsql as $$
declare
  v_prev jsonb;
  v_err jsonb;
  v_orig ledger_entry;
  v_accounts bigint[];
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
  if v_orig.kind = 'expire' and exists (
       select 1 from ledger_lot_use u join ledger_lot l on l.id = u.lot_id
         join ledger_entry c on c.reverses_entry_id = l.entry_id
        where u.entry_id = v_orig.id) then
    return xf_idem_finish(p->>'key', xf_error('not_reversible',
      'the points this expiry took came from an entry that was reversed since, which took them back'));
  end if;
  -- The user accounts, locked in ascending order; then their due points go, and only then is
  -- it read what of the entry has expired (an expiry run committed meanwhile is seen).
  select array_agg(distinct p.account_id order by p.account_id) into v_accounts
    from ledger_posting p join ledger_account a on a.id = p.account_id and a.kind <> 'system'
   where p.entry_id = v_orig.id;
  v_accounts := xf_with_survivors(v_accounts);
  perform 1 from (select id from ledger_account where id = any (v_accounts) order by id for no key update) locked;
  -- The survivors were read before the locks: a merge committed in between is a retry.
  if not xf_with_survivors(v_accounts) <@ v_accounts then
    raise exception 'an account of ledger entry % was merged meanwhile', v_orig.id using errcode = 'XF002';
  end if;
  perform xf_expire_due(v_accounts);
  with expired as (
    select l.account_id, sum(u.amount) as amount
      from ledger_lot l
      join ledger_lot_use u on u.lot_id = l.id
      join ledger_entry x on x.id = u.entry_id and x.kind = 'expire'
     where l.entry_id = v_orig.id
       and not exists (select 1 from ledger_entry r where r.reverses_entry_id = x.id)
     group by l.account_id
  ), net as (
    select p.account_id, -sum(p.amount) + coalesce(max(ex.amount), 0) as amount, min(p.id) as ord
      from ledger_posting p left join expired ex on ex.account_id = p.account_id
     where p.entry_id = v_orig.id
     group by p.account_id
  )
  select jsonb_agg(q.posting order by q.ord) into v_postings from (
    select n.ord, jsonb_build_object('account', n.account_id, 'amount', n.amount) as posting from net n where n.amount <> 0
    union all
    select 0, jsonb_build_object('account', (select id from ledger_account where code = 'breakage'), 'amount', -sum(ex.amount))
      from expired ex having coalesce(sum(ex.amount), 0) > 0
  ) q;
  v_postings := xf_to_survivors(v_postings);
  -- A move between two accounts merged since (the merge itself) nets to nothing.
  if coalesce(jsonb_array_length(v_postings), 0) < 2 then
    return xf_idem_finish(p->>'key', xf_error('not_reversible', 'the accounts of this entry were merged into one since; there is nothing to reverse'));
  end if;
  v_err := xf_lock_and_check(v_postings);
  if v_err is not null then return xf_idem_finish(p->>'key', v_err); end if;
  v_entry := xf_insert_entry(p->>'key', 'reverse', p->>'actor', p->>'reason',
                             coalesce(p->'metadata', '{}'::jsonb) || jsonb_build_object('reversedKind', v_orig.kind),
                             v_postings, p_reverses => v_orig.id);
  return xf_idem_finish(p->>'key', jsonb_build_object('status', 'ok', 'entryId', v_entry,
    'reversedEntryId', v_orig.id, 'accounts',
    xf_apply(v_entry, v_postings, p->'expiry', case when v_orig.kind = 'expire' then null else v_orig.id end)));
end $$;

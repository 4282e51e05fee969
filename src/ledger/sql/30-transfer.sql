-- Moving points: a balanced entry with its postings, the lots a credit opens and a debit
-- consumes (earliest expiry first), and the reversal of an entry. xf_transfer and xf_reverse
-- are what the service calls for one operation; the batch path (60-batch.sql) writes the same
-- rows for many transfers in one statement.
--
-- Inputs are typed (postings an xf_posting[], the default lot expiry as months and a time
-- zone); metadata stays jsonb, being free-form. The outcome is a jsonb object ({status: 'ok',
-- entryId, accounts} or an xf_error): it is what the idempotency record stores and replays.
--
-- Example:
--   select xf_transfer(p_key => 'api:k-2', p_hash => 'h', p_kind => 'grant.admin', p_actor => 'admin',
--     p_reason => 'welcome', p_metadata => '{}', p_postings => array[(1, -100, null), (6, 100, null)]::xf_posting[],
--     p_expiry_months => 12, p_expiry_tz => 'UTC');
--   select xf_reverse(p_key => 'api:k-3', p_hash => 'h', p_entry_id => 7, p_actor => 'admin', p_reason => 'typo',
--     p_metadata => '{}', p_expiry_months => 12, p_expiry_tz => 'UTC');

-- Inserts an entry and its postings in one statement (the balance triggers see both).
create or replace function xf_insert_entry(p_key text, p_kind text, p_actor text, p_reason text, p_metadata jsonb, p_postings xf_posting[], p_reverses bigint default null, p_hold bigint default null) returns bigint
language plpgsql as $$
declare
  v_entry bigint;
begin
  with e as (insert into ledger_entry (idempotency_key, kind, actor, reason, metadata, reverses_entry_id, hold_id)
               values (p_key, p_kind, p_actor, p_reason, p_metadata, p_reverses, p_hold) returning id),
       p as (insert into ledger_posting (entry_id, account_id, amount)
               select e.id, j.account, j.amount from e cross join unnest(p_postings) j)
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
create or replace function xf_apply(p_entry bigint, p_postings xf_posting[], p_expiry_months integer, p_expiry_tz text,
                                    p_lot_source bigint) returns jsonb
language plpgsql as $$
declare
  x xf_posting;
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
  for x in select u.* from unnest(p_postings) u order by u.account loop
    v_acc := x.account;
    v_amt := x.amount;
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
        v_exp := xf_lot_expiry(x.expires_at, p_expiry_months, p_expiry_tz);
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

-- A new balanced entry under an idempotency key (p_hash: the request's fingerprint).
create or replace function xf_transfer(p_key text, p_hash text, p_kind text, p_actor text, p_reason text,
                                       p_metadata jsonb, p_postings xf_posting[],
                                       p_expiry_months integer, p_expiry_tz text) returns jsonb
language plpgsql as $$
declare
  v_prev jsonb;
  v_err jsonb;
  v_entry bigint;
begin
  v_prev := xf_idem_begin(p_key, p_hash);
  if v_prev is not null then return v_prev; end if;
  v_err := xf_lock_and_check(p_postings);
  if v_err is not null then return xf_idem_finish(p_key, v_err); end if;
  v_entry := xf_insert_entry(p_key, p_kind, p_actor, p_reason, coalesce(p_metadata, '{}'::jsonb), p_postings);
  return xf_idem_finish(p_key, jsonb_build_object('status', 'ok', 'entryId', v_entry,
    'accounts', xf_apply(v_entry, p_postings, p_expiry_months, p_expiry_tz, null)));
end $$;

-- Reverses entry p_entry_id. Points of the entry that expired since go back from breakage;
-- accounts closed by a merge are replaced by their survivors'.
create or replace function xf_reverse(p_key text, p_hash text, p_entry_id bigint, p_actor text, p_reason text,
                                      p_metadata jsonb, p_expiry_months integer, p_expiry_tz text) returns jsonb
language plpgsql as $$
declare
  v_prev jsonb;
  v_err jsonb;
  v_orig ledger_entry;
  v_accounts bigint[];
  v_postings xf_posting[];
  v_entry bigint;
begin
  v_prev := xf_idem_begin(p_key, p_hash);
  if v_prev is not null then return v_prev; end if;
  select * into v_orig from ledger_entry where id = p_entry_id for update;
  if not found then
    return xf_idem_finish(p_key, xf_error('entry_not_found', 'no such ledger entry'));
  end if;
  if v_orig.kind = 'reverse' then
    return xf_idem_finish(p_key, xf_error('not_reversible', 'a reversal cannot be reversed'));
  end if;
  if exists (select 1 from ledger_entry where reverses_entry_id = v_orig.id) then
    return xf_idem_finish(p_key, xf_error('already_reversed', 'this entry was already reversed'));
  end if;
  if v_orig.kind = 'expire' and exists (
       select 1 from ledger_lot_use u join ledger_lot l on l.id = u.lot_id
         join ledger_entry c on c.reverses_entry_id = l.entry_id
        where u.entry_id = v_orig.id) then
    return xf_idem_finish(p_key, xf_error('not_reversible',
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
  select array_agg(row(q.account, q.amount, null)::xf_posting order by q.ord) into v_postings from (
    select n.ord, n.account_id as account, n.amount::bigint as amount from net n where n.amount <> 0
    union all
    select 0, (select id from ledger_account where code = 'breakage'), -sum(ex.amount)::bigint
      from expired ex having coalesce(sum(ex.amount), 0) > 0
  ) q;
  v_postings := xf_to_survivors(v_postings);
  -- A move between two accounts merged since (the merge itself) nets to nothing.
  if coalesce(cardinality(v_postings), 0) < 2 then
    return xf_idem_finish(p_key, xf_error('not_reversible', 'the accounts of this entry were merged into one since; there is nothing to reverse'));
  end if;
  v_err := xf_lock_and_check(v_postings);
  if v_err is not null then return xf_idem_finish(p_key, v_err); end if;
  v_entry := xf_insert_entry(p_key, 'reverse', p_actor, p_reason,
                             coalesce(p_metadata, '{}'::jsonb) || jsonb_build_object('reversedKind', v_orig.kind),
                             v_postings, p_reverses => v_orig.id);
  return xf_idem_finish(p_key, jsonb_build_object('status', 'ok', 'entryId', v_entry,
    'reversedEntryId', v_orig.id, 'accounts',
    xf_apply(v_entry, v_postings, p_expiry_months, p_expiry_tz, case when v_orig.kind = 'expire' then null else v_orig.id end)));
end $$;

-- User accounts: locking, the funds check, and accounts closed by a merge. Every path locks
-- user accounts in ascending id order (holds before accounts), so concurrent operations never
-- deadlock; system accounts are read but never locked and keep no cached balance.
-- A merge empties the merged user's accounts and closes them; the guard trigger refuses any
-- increase of a closed account (SQLSTATE XF002), and reversals send points to the survivor's.
--
-- Example:
--   select xf_lock_and_check(array[(6, -50, null), (2, 50, null)]::xf_posting[]);
--   select xf_survivor_account(6);   -- the account that answers for 6 (itself unless closed)

create or replace function xf_account_closed() returns trigger
language plpgsql as $$
begin
  raise exception 'ledger account % is closed: its user was merged into another', old.id using errcode = 'XF002';
end $$;

create trigger ledger_account_closed_guard before update of balance, held on ledger_account
  for each row when (old.closed_at is not null and (new.balance > old.balance or new.held > old.held))
  execute function xf_account_closed();

-- Locks the user accounts touched by the postings (ascending id), lets due points expire
-- first, and checks that every debit fits the available balance. Returns an error object, or
-- null when funds suffice.
create or replace function xf_lock_and_check(p_postings xf_posting[]) returns jsonb
language plpgsql as $$
declare
  v_accounts bigint[] := xf_accounts(p_postings);
  v_id bigint;
  v_kind text;
  v_balance bigint;
  v_held bigint;
  v_delta bigint;
  v_closed boolean;
begin
  if exists (select 1 from ledger_hold where account_id = any (v_accounts) and status = 'active' and expires_at <= now()) then
    perform xf_release_expired_holds(v_accounts);
  end if;
  -- One account at a time with scalar lookups: the plan stays an index scan whatever the
  -- table size, and system accounts are read but never locked.
  foreach v_id in array v_accounts loop
    select kind into v_kind from ledger_account where id = v_id;
    if not found then
      raise exception 'posting to unknown ledger account %', v_id using errcode = '23503';
    end if;
    continue when v_kind = 'system';
    select balance, held, closed_at is not null into v_balance, v_held, v_closed from ledger_account where id = v_id for no key update;
    if v_closed then
      raise exception 'ledger account % is closed: its user was merged into another', v_id using errcode = 'XF002';
    end if;
    select coalesce(sum(x.amount), 0) into v_delta from unnest(p_postings) x where x.account = v_id;
    if v_delta < 0 and exists (select 1 from ledger_lot where account_id = v_id and remaining > 0 and expires_at <= now()) then
      perform xf_expire_due(array[v_id]);
      select balance, held into v_balance, v_held from ledger_account where id = v_id;
    end if;
    if v_delta < 0 and v_balance - v_held + v_delta < 0 then
      return xf_error('insufficient_points', 'not enough points',
        jsonb_build_object('accountId', v_id, 'available', v_balance - v_held, 'required', -v_delta));
    end if;
  end loop;
  return null;
end $$;

-- The account of the user a closed account's user was merged into (opened when missing).
create or replace function xf_survivor_account(p_account bigint) returns bigint
language plpgsql as $$
declare
  v_acc ledger_account;
  v_user bigint;
  v_next bigint;
  v_id bigint;
begin
  select * into v_acc from ledger_account where id = p_account;
  if v_acc.closed_at is null then return p_account; end if;
  v_user := v_acc.user_id;
  for i in 1 .. 64 loop
    select merged_into_id into v_next from app_user where id = v_user;
    exit when v_next is null;
    v_user := v_next;
  end loop;
  insert into ledger_account (code, kind, user_id) values (v_acc.kind || ':' || v_user, v_acc.kind, v_user)
    on conflict do nothing;
  select id into v_id from ledger_account where user_id = v_user and kind = v_acc.kind;
  return v_id;
end $$;

-- The accounts and their survivors' accounts, ascending: what a reversal must lock.
create or replace function xf_with_survivors(p_accounts bigint[]) returns bigint[]
language plpgsql as $$
begin
  return (select coalesce(array_agg(distinct x order by x), '{}')
            from (select unnest(p_accounts) as x union select xf_survivor_account(a) from unnest(p_accounts) a) s);
end $$;

-- Postings on closed accounts moved to the survivors' accounts, netted per account.
create or replace function xf_to_survivors(p_postings xf_posting[]) returns xf_posting[]
language plpgsql as $$
begin
  if not exists (select 1 from unnest(p_postings) x
                   join ledger_account a on a.id = x.account where a.closed_at is not null) then
    return p_postings;
  end if;
  return (select array_agg(row(m.acc, m.amt, null)::xf_posting order by m.ord)
            from (select xf_survivor_account(t.account) as acc, sum(t.amount)::bigint as amt, min(t.o) as ord
                    from unnest(p_postings) with ordinality t(account, amount, expires_at, o) group by 1) m
           where m.amt <> 0);
end $$;

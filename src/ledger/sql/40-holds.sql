-- Holds: points set aside for a while (a redemption being confirmed), then posted (all or part),
-- voided, or expired when their time is up (the database clock decides). A hold's amount is in
-- ledger_account.held, so available = balance - held.
--
-- Inputs are plain typed arguments (metadata jsonb, being free-form); the outcome is a jsonb
-- object, what the idempotency record stores and replays. A null kind, actor or reason of a
-- posting takes the hold's; a null amount posts all of it.
--
-- Example:
--   select xf_hold_reserve(p_key => 'api:k-4', p_hash => 'h', p_account => 6, p_amount => 30,
--     p_ttl_seconds => 600, p_kind => 'deduct.hold', p_actor => 'user:1', p_reason => 'redeem', p_metadata => '{}');
--   select xf_hold_post(p_key => 'api:k-5', p_hash => 'h', p_hold_id => 1, p_amount => null, p_credit_account => 2,
--     p_kind => null, p_actor => null, p_reason => null, p_metadata => null, p_expiry_months => 12, p_expiry_tz => 'UTC');
--   select xf_hold_void(p_key => 'api:k-6', p_hash => 'h', p_hold_id => 1);

-- Releases holds whose time is up for the given accounts (null: all).
create or replace function xf_release_expired_holds(p_accounts bigint[]) returns integer
language plpgsql as $$
declare
  v_n int;
begin
  with ex as (
    update ledger_hold set status = 'expired', resolved_at = now()
      where status = 'active' and expires_at <= now()
        and (p_accounts is null or account_id = any (p_accounts))
      returning account_id, amount
  ), per_account as (
    select account_id, sum(amount) as amount, count(*) as n from ex group by account_id
  ), upd as (
    update ledger_account a set held = a.held - pa.amount
      from (select * from per_account order by account_id) pa where a.id = pa.account_id
      returning pa.n
  )
  select coalesce(sum(n), 0) into v_n from upd;
  return v_n;
end $$;

-- Sets p_amount of account p_account aside for p_ttl_seconds.
create or replace function xf_hold_reserve(p_key text, p_hash text, p_account bigint, p_amount bigint,
                                           p_ttl_seconds double precision, p_kind text, p_actor text,
                                           p_reason text, p_metadata jsonb) returns jsonb
language plpgsql as $$
declare
  v_prev jsonb;
  v_err jsonb;
  v_hold bigint;
  v_exp timestamptz;
begin
  v_prev := xf_idem_begin(p_key, p_hash);
  if v_prev is not null then return v_prev; end if;
  v_err := xf_lock_and_check(array[row(p_account, -p_amount, null)::xf_posting]);
  if v_err is not null then return xf_idem_finish(p_key, v_err); end if;
  update ledger_account set held = held + p_amount where id = p_account;
  insert into ledger_hold (account_id, amount, kind, actor, reason, metadata, expires_at)
    values (p_account, p_amount, p_kind, p_actor, p_reason, coalesce(p_metadata, '{}'::jsonb),
            now() + make_interval(secs => p_ttl_seconds))
    returning id, expires_at into v_hold, v_exp;
  return xf_idem_finish(p_key, jsonb_build_object('status', 'ok', 'holdId', v_hold,
    'expiresAt', v_exp, 'accounts', xf_balances(array[p_account])));
end $$;

-- Locks an active hold (hold row before account row, like every other path). Marks it expired
-- when its time is up. Returns an error object, or null with the hold in o_hold.
create or replace function xf_hold_take(p_id bigint, out o_hold ledger_hold, out o_err jsonb)
language plpgsql as $$
begin
  select * into o_hold from ledger_hold where id = p_id for update;
  if not found then
    o_err := xf_error('hold_not_found', 'no such hold');
  elsif o_hold.status = 'expired' then
    o_err := xf_error('hold_expired', 'this hold expired', jsonb_build_object('status', 'expired'));
  elsif o_hold.status <> 'active' then
    o_err := xf_error('hold_not_active', 'this hold is already ' || o_hold.status,
      jsonb_build_object('status', o_hold.status));
  elsif o_hold.expires_at <= now() then
    update ledger_hold set status = 'expired', resolved_at = now() where id = p_id;
    update ledger_account set held = held - o_hold.amount where id = o_hold.account_id;
    o_err := xf_error('hold_expired', 'this hold expired', jsonb_build_object('status', 'expired'));
  end if;
end $$;

-- Posts p_amount (null: all) of hold p_hold_id to p_credit_account, releasing the rest.
create or replace function xf_hold_post(p_key text, p_hash text, p_hold_id bigint, p_amount bigint,
                                        p_credit_account bigint, p_kind text, p_actor text, p_reason text,
                                        p_metadata jsonb, p_expiry_months integer, p_expiry_tz text) returns jsonb
language plpgsql as $$
declare
  v_prev jsonb;
  v_take record;
  v_hold ledger_hold;
  v_amt bigint;
  v_entry bigint;
  v_postings xf_posting[];
begin
  v_prev := xf_idem_begin(p_key, p_hash);
  if v_prev is not null then return v_prev; end if;
  select * into v_take from xf_hold_take(p_hold_id);
  if v_take.o_err is not null then return xf_idem_finish(p_key, v_take.o_err); end if;
  v_hold := v_take.o_hold;
  v_amt := coalesce(p_amount, v_hold.amount);
  if v_amt > v_hold.amount then
    return xf_idem_finish(p_key, xf_error('hold_amount_exceeded', 'cannot post more than the hold',
      jsonb_build_object('held', v_hold.amount, 'requested', v_amt)));
  end if;
  perform 1 from ledger_account where id = v_hold.account_id for no key update;
  update ledger_account set held = held - v_hold.amount where id = v_hold.account_id;
  if v_amt > 0 then
    v_postings := array[row(v_hold.account_id, -v_amt, null), row(p_credit_account, v_amt, null)]::xf_posting[];
    v_entry := xf_insert_entry(p_key, coalesce(p_kind, v_hold.kind), coalesce(p_actor, v_hold.actor),
                               coalesce(p_reason, v_hold.reason), v_hold.metadata || coalesce(p_metadata, '{}'::jsonb),
                               v_postings, p_hold => v_hold.id);
    perform xf_apply(v_entry, v_postings, p_expiry_months, p_expiry_tz, null);
  end if;
  update ledger_hold set status = 'posted', posted_amount = v_amt, entry_id = v_entry, resolved_at = now()
    where id = v_hold.id;
  -- The hold no longer covers the account's due points: they expire now, like at any debit, so
  -- the balance this returns is the one the balance route shows.
  perform xf_expire_due(array[v_hold.account_id]);
  return xf_idem_finish(p_key, jsonb_build_object('status', 'ok', 'holdId', v_hold.id, 'entryId', v_entry,
    'postedAmount', v_amt, 'accounts', xf_balances(array[v_hold.account_id])));
end $$;

-- Releases hold p_hold_id.
create or replace function xf_hold_void(p_key text, p_hash text, p_hold_id bigint) returns jsonb
language plpgsql as $$
declare
  v_prev jsonb;
  v_take record;
begin
  v_prev := xf_idem_begin(p_key, p_hash);
  if v_prev is not null then return v_prev; end if;
  select * into v_take from xf_hold_take(p_hold_id);
  if v_take.o_err is not null then return xf_idem_finish(p_key, v_take.o_err); end if;
  update ledger_hold set status = 'voided', resolved_at = now() where id = (v_take.o_hold).id;
  update ledger_account set held = held - (v_take.o_hold).amount where id = (v_take.o_hold).account_id;
  return xf_idem_finish(p_key, jsonb_build_object('status', 'ok', 'holdId', (v_take.o_hold).id,
    'accounts', xf_balances(array[(v_take.o_hold).account_id])));
end $$;

import { Migration } from '@mikro-orm/migrations';

/**
 * The ledger's invariants, enforced by the database itself: append-only entries and
 * postings, balanced entries, non-negative wallets (CHECK in the initial migration) and the
 * stored functions that move points. Each function is one round trip that does idempotency,
 * locking (always account ids in ascending order, holds before accounts), lots and postings.
 * Hand-written: the migration generator cannot produce triggers or functions.
 */
export class Migration20261124200900_ledger_rules extends Migration {
  override async up(): Promise<void> {
    this.addSql(LEDGER_RULES_SQL);
  }

  override async down(): Promise<void> {
    this.addSql(DOWN);
  }
}

/** Exported so a later migration's down() can restore the functions it replaced. */
export const LEDGER_RULES_SQL = /* sql */ `
alter table ledger_posting add constraint ledger_posting_entry_fk foreign key (entry_id) references ledger_entry (id);
alter table ledger_lot add constraint ledger_lot_account_fk foreign key (account_id) references ledger_account (id);
alter table ledger_lot add constraint ledger_lot_entry_fk foreign key (entry_id) references ledger_entry (id);
alter table ledger_lot_use add constraint ledger_lot_use_lot_fk foreign key (lot_id) references ledger_lot (id);
alter table ledger_hold add constraint ledger_hold_account_fk foreign key (account_id) references ledger_account (id);
alter table ledger_account add constraint ledger_account_user_fk foreign key (user_id) references app_user (id);
alter table ledger_entry add constraint ledger_entry_reverses_fk foreign key (reverses_entry_id) references ledger_entry (id);
create index ledger_lot_open_idx on ledger_lot (account_id, expires_at, id) where remaining > 0;
-- Every entry would otherwise add a NULL to these indexes: only reversals need the uniqueness,
-- and the open-lot index above serves every lookup of an account's lots.
alter table ledger_entry drop constraint ledger_entry_reverses_uq;
create unique index ledger_entry_reverses_uq on ledger_entry (reverses_entry_id) where reverses_entry_id is not null;
drop index ledger_lot_account_idx;
create index ledger_hold_active_idx on ledger_hold (expires_at) where status = 'active';

insert into ledger_account (code, kind) values
  ('issuance', 'system'), ('redemption', 'system'), ('breakage', 'system'),
  ('promotions', 'system'), ('refunds', 'system');

create function xf_forbid_change() returns trigger language plpgsql as $$
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

-- Checked at commit, so an entry and its postings can be inserted in any order.
create function xf_assert_balanced(p_entry bigint) returns void language plpgsql as $$
declare
  v_sum bigint;
  v_n int;
begin
  select coalesce(sum(amount), 0), count(*) into v_sum, v_n from ledger_posting where entry_id = p_entry;
  if v_sum <> 0 or v_n < 2 then
    raise exception 'ledger entry % is unbalanced (% postings summing to %)', p_entry, v_n, v_sum
      using errcode = '23514';
  end if;
end $$;

create function xf_entry_balanced() returns trigger language plpgsql as $$
begin
  perform xf_assert_balanced(new.id);
  return null;
end $$;

-- Postings are checked once per statement: the postings of an entry go in together.
create function xf_postings_balanced() returns trigger language plpgsql as $$
declare
  v_entry bigint;
begin
  for v_entry in select distinct entry_id from inserted loop
    perform xf_assert_balanced(v_entry);
  end loop;
  return null;
end $$;

create constraint trigger ledger_entry_balanced after insert on ledger_entry
  deferrable initially deferred for each row execute function xf_entry_balanced();
create trigger ledger_posting_balanced after insert on ledger_posting
  referencing new table as inserted for each statement execute function xf_postings_balanced();

-- Idempotency: the first caller inserts the key; concurrent copies wait on the unique index
-- and then read the committed outcome. Returns null when the caller owns the key.
create function xf_idem_begin(p_key text, p_hash text) returns jsonb language plpgsql as $$
declare
  v_rec idempotency_record;
begin
  insert into idempotency_record (key, request_hash) values (p_key, p_hash)
    on conflict (key) do nothing;
  if found then return null; end if;
  select * into v_rec from idempotency_record where key = p_key;
  if v_rec.request_hash <> p_hash then
    return jsonb_build_object('status', 'error', 'code', 'idempotency_conflict',
      'message', 'this Idempotency-Key was already used with a different request');
  end if;
  if v_rec.response is null then
    return jsonb_build_object('status', 'error', 'code', 'idempotency_in_progress',
      'message', 'a request with this Idempotency-Key is still in progress');
  end if;
  return v_rec.response || jsonb_build_object('replayed', true);
end $$;

create function xf_idem_finish(p_key text, p_response jsonb) returns jsonb language plpgsql as $$
begin
  update idempotency_record set response = p_response,
    status = case when p_response->>'status' = 'ok' then 200 else 422 end
    where key = p_key;
  return p_response;
end $$;

-- Helpers are plpgsql, not SQL functions: PostgreSQL re-plans a non-inlined SQL function on
-- every call, while plpgsql caches its plans.
create function xf_error(p_code text, p_message text, p_details jsonb default null) returns jsonb
language plpgsql immutable as $$
begin
  return jsonb_strip_nulls(jsonb_build_object('status', 'error', 'code', p_code,
    'message', p_message, 'details', p_details));
end $$;

-- End of the Nth month after the current one in the given zone (N = 0: never expires).
create function xf_default_expiry(p_months int, p_tz text) returns timestamptz
language plpgsql stable as $$
begin
  if coalesce(p_months, 0) <= 0 then return null; end if;
  return (date_trunc('month', now() at time zone p_tz) + make_interval(months => p_months + 1)) at time zone p_tz;
end $$;

-- Releases holds whose time is up (the database clock decides) for the given accounts.
create function xf_release_expired_holds(p_accounts bigint[]) returns int language plpgsql as $$
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

-- The distinct account ids of a postings array, ascending: the order every lock is taken in.
create function xf_accounts(p_postings jsonb) returns bigint[] language plpgsql immutable as $$
begin
  return (select coalesce(array_agg(distinct (x->>'account')::bigint order by (x->>'account')::bigint), '{}')
            from jsonb_array_elements(p_postings) x);
end $$;

-- Locks the user accounts touched by the postings (ascending id) and checks that every
-- debit fits the available balance. Returns an error object, or null when funds suffice.
create function xf_lock_and_check(p_postings jsonb) returns jsonb language plpgsql as $$
declare
  v_accounts bigint[] := xf_accounts(p_postings);
  v_id bigint;
  v_kind text;
  v_balance bigint;
  v_held bigint;
  v_delta bigint;
  x jsonb;
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
    select balance, held into v_balance, v_held from ledger_account where id = v_id for no key update;
    v_delta := 0;
    for x in select value from jsonb_array_elements(p_postings) loop
      if (x->>'account')::bigint = v_id then v_delta := v_delta + (x->>'amount')::bigint; end if;
    end loop;
    if v_delta < 0 and v_balance - v_held + v_delta < 0 then
      return xf_error('insufficient_points', 'not enough points',
        jsonb_build_object('accountId', v_id, 'available', v_balance - v_held, 'required', -v_delta));
    end if;
  end loop;
  return null;
end $$;

-- Consumes up to p_need points of an account's open lots, earliest expiry first (only the lots
-- of p_from_entry when given), recording each use. Returns what could not be covered.
create function xf_take_lots(p_entry bigint, p_account bigint, p_need bigint, p_from_entry bigint)
returns bigint language plpgsql as $$
declare
  r record;
  v_take bigint;
begin
  for r in select id, remaining from ledger_lot
            where account_id = p_account and remaining > 0 and (p_from_entry is null or entry_id = p_from_entry)
            order by expires_at, id for update
  loop
    exit when p_need = 0;
    v_take := least(p_need, r.remaining);
    update ledger_lot set remaining = remaining - v_take where id = r.id;
    insert into ledger_lot_use (entry_id, lot_id, amount) values (p_entry, r.id, v_take);
    p_need := p_need - v_take;
  end loop;
  return p_need;
end $$;

-- Applies postings of a new entry: balances of user accounts (already locked), lots, and the
-- postings themselves. p_lot_source is the reversed entry: its lots are the first to give back.
-- Returns the new balance and held amount of each user account it touched.
create function xf_apply(p_entry bigint, p_postings jsonb, p_expiry jsonb, p_lot_source bigint)
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
  insert into ledger_posting (entry_id, account_id, amount)
    select p_entry, (j->>'account')::bigint, (j->>'amount')::bigint from jsonb_array_elements(p_postings) j;
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

create function xf_balances(p_postings jsonb) returns jsonb language plpgsql stable as $$
declare
  v_id bigint;
  v_out jsonb := '{}'::jsonb;
  r record;
begin
  foreach v_id in array xf_accounts(p_postings) loop
    select kind, balance, held into r from ledger_account where id = v_id;
    if r.kind <> 'system' then
      v_out := v_out || jsonb_build_object(v_id::text, jsonb_build_object('balance', r.balance, 'held', r.held));
    end if;
  end loop;
  return v_out;
end $$;

-- A new balanced entry. p: {key, hash, kind, actor, reason, metadata, postings:[{account, amount,
-- expiresAt (optional)}], expiry:{months, tz}}.
create function xf_transfer(p jsonb) returns jsonb language plpgsql as $$
declare
  v_prev jsonb;
  v_err jsonb;
  v_entry bigint;
begin
  v_prev := xf_idem_begin(p->>'key', p->>'hash');
  if v_prev is not null then return v_prev; end if;
  v_err := xf_lock_and_check(p->'postings');
  if v_err is not null then return xf_idem_finish(p->>'key', v_err); end if;
  insert into ledger_entry (idempotency_key, kind, actor, reason, metadata)
    values (p->>'key', p->>'kind', p->>'actor', p->>'reason', coalesce(p->'metadata', '{}'::jsonb))
    returning id into v_entry;
  return xf_idem_finish(p->>'key', jsonb_build_object('status', 'ok', 'entryId', v_entry,
    'accounts', xf_apply(v_entry, p->'postings', p->'expiry', null)));
end $$;

-- p: {key, hash, entryId, actor, reason, expiry}
create function xf_reverse(p jsonb) returns jsonb language plpgsql as $$
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
  insert into ledger_entry (idempotency_key, kind, actor, reason, metadata, reverses_entry_id)
    values (p->>'key', 'reverse', p->>'actor', p->>'reason',
            coalesce(p->'metadata', '{}'::jsonb) || jsonb_build_object('reversedKind', v_orig.kind), v_orig.id)
    returning id into v_entry;
  return xf_idem_finish(p->>'key', jsonb_build_object('status', 'ok', 'entryId', v_entry,
    'reversedEntryId', v_orig.id, 'accounts', xf_apply(v_entry, v_postings, p->'expiry', v_orig.id)));
end $$;

-- p: {key, hash, account, amount, ttlSeconds, kind, actor, reason, metadata}
create function xf_hold_reserve(p jsonb) returns jsonb language plpgsql as $$
declare
  v_prev jsonb;
  v_err jsonb;
  v_hold bigint;
  v_acc bigint := (p->>'account')::bigint;
  v_amt bigint := (p->>'amount')::bigint;
  v_exp timestamptz;
begin
  v_prev := xf_idem_begin(p->>'key', p->>'hash');
  if v_prev is not null then return v_prev; end if;
  v_err := xf_lock_and_check(jsonb_build_array(jsonb_build_object('account', v_acc, 'amount', -v_amt)));
  if v_err is not null then return xf_idem_finish(p->>'key', v_err); end if;
  update ledger_account set held = held + v_amt where id = v_acc;
  insert into ledger_hold (account_id, amount, kind, actor, reason, metadata, expires_at)
    values (v_acc, v_amt, p->>'kind', p->>'actor', p->>'reason', coalesce(p->'metadata', '{}'::jsonb),
            now() + make_interval(secs => (p->>'ttlSeconds')::double precision))
    returning id, expires_at into v_hold, v_exp;
  return xf_idem_finish(p->>'key', jsonb_build_object('status', 'ok', 'holdId', v_hold,
    'expiresAt', v_exp, 'accounts', xf_balances(jsonb_build_array(jsonb_build_object('account', v_acc)))));
end $$;

-- Locks an active hold (hold row before account row, like every other path). Marks it expired
-- when its time is up. Returns an error object, or null with the hold in p_hold.
create function xf_hold_take(p_id bigint, out o_hold ledger_hold, out o_err jsonb) language plpgsql as $$
begin
  select * into o_hold from ledger_hold where id = p_id for update;
  if not found then
    o_err := xf_error('hold_not_found', 'no such hold');
  elsif o_hold.status <> 'active' then
    o_err := xf_error('hold_not_active', 'this hold is already ' || o_hold.status,
      jsonb_build_object('status', o_hold.status));
  elsif o_hold.expires_at <= now() then
    update ledger_hold set status = 'expired', resolved_at = now() where id = p_id;
    update ledger_account set held = held - o_hold.amount where id = o_hold.account_id;
    o_err := xf_error('hold_expired', 'this hold expired', jsonb_build_object('status', 'expired'));
  end if;
end $$;

-- p: {key, hash, holdId, amount (optional), creditAccount, kind, actor, reason, metadata, expiry}
create function xf_hold_post(p jsonb) returns jsonb language plpgsql as $$
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
    insert into ledger_entry (idempotency_key, kind, actor, reason, metadata, hold_id)
      values (p->>'key', coalesce(p->>'kind', v_hold.kind), coalesce(p->>'actor', v_hold.actor),
              coalesce(p->>'reason', v_hold.reason), v_hold.metadata || coalesce(p->'metadata', '{}'::jsonb), v_hold.id)
      returning id into v_entry;
    perform xf_apply(v_entry, v_postings, p->'expiry', null);
  end if;
  update ledger_hold set status = 'posted', posted_amount = v_amt, entry_id = v_entry, resolved_at = now()
    where id = v_hold.id;
  return xf_idem_finish(p->>'key', jsonb_build_object('status', 'ok', 'holdId', v_hold.id, 'entryId', v_entry,
    'postedAmount', v_amt, 'accounts', xf_balances(jsonb_build_array(jsonb_build_object('account', v_hold.account_id)))));
end $$;

-- p: {key, hash, holdId}
create function xf_hold_void(p jsonb) returns jsonb language plpgsql as $$
declare
  v_prev jsonb;
  v_take record;
begin
  v_prev := xf_idem_begin(p->>'key', p->>'hash');
  if v_prev is not null then return v_prev; end if;
  select * into v_take from xf_hold_take((p->>'holdId')::bigint);
  if v_take.o_err is not null then return xf_idem_finish(p->>'key', v_take.o_err); end if;
  update ledger_hold set status = 'voided', resolved_at = now() where id = (v_take.o_hold).id;
  update ledger_account set held = held - (v_take.o_hold).amount where id = (v_take.o_hold).account_id;
  return xf_idem_finish(p->>'key', jsonb_build_object('status', 'ok', 'holdId', (v_take.o_hold).id,
    'accounts', xf_balances(jsonb_build_array(jsonb_build_object('account', (v_take.o_hold).account_id)))));
end $$;

-- Moves what is left of expired lots of one account to breakage. Points still covered by
-- an active hold stay until the hold resolves. Idempotent: nothing expired, nothing done.
create function xf_expire_account(p_account bigint, p_breakage bigint) returns bigint language plpgsql as $$
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
  insert into ledger_entry (idempotency_key, kind, actor, reason, metadata)
    values ('expire:' || p_account || ':' || gen_random_uuid(),
            'expire', 'system:expiry', 'points expired', jsonb_build_object('expiredThrough', now()))
    returning id into v_entry;
  perform xf_apply(v_entry, v_postings, null, null);
  return v_amt;
end $$;

-- Several independent transfers and reservations in one transaction: one round trip and one
-- commit for many requests. The user accounts of every operation are locked up front in
-- ascending order, so concurrent batches never deadlock each other; each operation runs in its
-- own subtransaction, so one that fails unexpectedly does not undo the others. Keep batches
-- small (<= 32): a transaction with more than 64 subtransactions slows every snapshot.
create function xf_batch(p_ops jsonb) returns jsonb language plpgsql as $$
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
drop function if exists xf_batch(jsonb);
drop function if exists xf_expire_account(bigint, bigint);
drop function if exists xf_hold_void(jsonb);
drop function if exists xf_hold_post(jsonb);
drop function if exists xf_hold_take(bigint);
drop function if exists xf_hold_reserve(jsonb);
drop function if exists xf_reverse(jsonb);
drop function if exists xf_transfer(jsonb);
drop function if exists xf_balances(jsonb);
drop function if exists xf_apply(bigint, jsonb, jsonb, bigint);
drop function if exists xf_take_lots(bigint, bigint, bigint, bigint);
drop function if exists xf_lock_and_check(jsonb);
drop function if exists xf_accounts(jsonb);
drop function if exists xf_release_expired_holds(bigint[]);
drop function if exists xf_default_expiry(int, text);
drop function if exists xf_error(text, text, jsonb);
drop function if exists xf_idem_finish(text, jsonb);
drop function if exists xf_idem_begin(text, text);
drop trigger if exists ledger_posting_balanced on ledger_posting;
drop trigger if exists ledger_entry_balanced on ledger_entry;
drop function if exists xf_postings_balanced();
drop function if exists xf_entry_balanced();
drop function if exists xf_assert_balanced(bigint);
drop trigger if exists ledger_posting_no_truncate on ledger_posting;
drop trigger if exists ledger_posting_append_only on ledger_posting;
drop trigger if exists ledger_entry_no_truncate on ledger_entry;
drop trigger if exists ledger_entry_append_only on ledger_entry;
drop function if exists xf_forbid_change();
delete from ledger_account where kind = 'system';
drop index if exists ledger_hold_active_idx;
drop index if exists ledger_lot_open_idx;
create index if not exists ledger_lot_account_idx on ledger_lot (account_id, expires_at);
drop index if exists ledger_entry_reverses_uq;
alter table ledger_entry add constraint ledger_entry_reverses_uq unique (reverses_entry_id);
alter table ledger_entry drop constraint if exists ledger_entry_reverses_fk;
alter table ledger_account drop constraint if exists ledger_account_user_fk;
alter table ledger_hold drop constraint if exists ledger_hold_account_fk;
alter table ledger_lot_use drop constraint if exists ledger_lot_use_lot_fk;
alter table ledger_lot drop constraint if exists ledger_lot_entry_fk;
alter table ledger_lot drop constraint if exists ledger_lot_account_fk;
alter table ledger_posting drop constraint if exists ledger_posting_entry_fk;
`;

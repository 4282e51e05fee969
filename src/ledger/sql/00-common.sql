-- The posting type and small helpers every ledger function uses: the error object they return,
-- the expiry of a credit's lot, and the user accounts postings touch with their balances.
--
-- A posting is an xf_posting: an account, a signed amount, and for a credit the expiry of the
-- lot it opens (null: the default policy; 'infinity': never, stored as a lot without expiry).
-- The repeatable step drops every xf_% type with the functions, so this file creates it afresh.
--
-- Helpers are plpgsql, not SQL functions: PostgreSQL re-plans a non-inlined SQL function on
-- every call, while plpgsql caches its plans.
--
-- Example:
--   select xf_error('insufficient_points', 'not enough points', '{"available": 3}');
--   select xf_default_expiry(12, 'Asia/Shanghai');
--   select xf_lot_expiry(null, 12, 'UTC');
--   select xf_balances(array[6, 1]);

create type xf_posting as (account bigint, amount bigint, expires_at timestamptz);

create or replace function xf_error(p_code text, p_message text, p_details jsonb default null) returns jsonb
language plpgsql immutable as $$
begin
  return jsonb_strip_nulls(jsonb_build_object('status', 'error', 'code', p_code,
    'message', p_message, 'details', p_details));
end $$;

-- End of the Nth month after the current one in the given zone (N = 0: never expires).
create or replace function xf_default_expiry(p_months integer, p_tz text) returns timestamptz
language plpgsql stable as $$
begin
  if coalesce(p_months, 0) <= 0 then return null; end if;
  return (date_trunc('month', now() at time zone p_tz) + make_interval(months => p_months + 1)) at time zone p_tz;
end $$;

-- The expiry of the lot a credit opens: its own, else the default policy ('infinity': never).
create or replace function xf_lot_expiry(p_expires_at timestamptz, p_months integer, p_tz text) returns timestamptz
language plpgsql stable as $$
begin
  if p_expires_at = 'infinity' then return null; end if;
  return coalesce(p_expires_at, xf_default_expiry(p_months, coalesce(p_tz, 'UTC')));
end $$;

-- The distinct account ids of postings, ascending: the order every lock is taken in.
create or replace function xf_accounts(p_postings xf_posting[]) returns bigint[]
language plpgsql immutable as $$
begin
  return (select coalesce(array_agg(distinct x.account order by x.account), '{}') from unnest(p_postings) x);
end $$;

-- Balance and held amount of each of the user accounts (system accounts keep none).
create or replace function xf_balances(p_accounts bigint[]) returns jsonb
language plpgsql stable as $$
declare
  v_id bigint;
  v_out jsonb := '{}'::jsonb;
  r record;
begin
  foreach v_id in array p_accounts loop
    select kind, balance, held into r from ledger_account where id = v_id;
    if r.kind <> 'system' then
      v_out := v_out || jsonb_build_object(v_id::text, jsonb_build_object('balance', r.balance, 'held', r.held));
    end if;
  end loop;
  return v_out;
end $$;

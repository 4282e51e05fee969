-- Small helpers every ledger function uses: the error object they return, the default expiry
-- of a credit's lot, and the user accounts a postings array touches with their balances.
-- Postings travel as a jsonb array [{account, amount, expiresAt?}]: the shape the service sends.
--
-- Helpers are plpgsql, not SQL functions: PostgreSQL re-plans a non-inlined SQL function on
-- every call, while plpgsql caches its plans.
--
-- Example:
--   select xf_error('insufficient_points', 'not enough points', '{"available": 3}');
--   select xf_default_expiry(12, 'Asia/Shanghai');
--   select xf_balances('[{"account": 6}, {"account": 1}]');

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

-- The distinct account ids of a postings array, ascending: the order every lock is taken in.
create or replace function xf_accounts(p_postings jsonb) returns bigint[]
language plpgsql immutable as $$
begin
  return (select coalesce(array_agg(distinct (x->>'account')::bigint order by (x->>'account')::bigint), '{}')
            from jsonb_array_elements(p_postings) x);
end $$;

-- Balance and held amount of each user account of the postings (system accounts keep none).
create or replace function xf_balances(p_postings jsonb) returns jsonb
language plpgsql stable as $$
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

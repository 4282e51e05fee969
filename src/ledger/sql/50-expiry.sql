-- Expiry: what is left of expired lots goes to the breakage account. Points still covered by
-- an active hold stay until the hold resolves. Run by the expiry job (runExpiry), and by any
-- debit, reversal or posted hold that meets due points, so a balance never spends points that expired.
--
-- Example:
--   select xf_expire_account(6, (select id from ledger_account where code = 'breakage'));
--   select xf_expire_due(array[6, 7]);

-- Moves the due remainder of one account to breakage. Idempotent: nothing expired, nothing done.
create or replace function xf_expire_account(p_account bigint, p_breakage bigint) returns bigint
language plpgsql as $$
declare
  v_acc ledger_account;
  v_due bigint;
  v_amt bigint;
  v_entry bigint;
  v_postings xf_posting[];
begin
  perform xf_release_expired_holds(array[p_account]);
  select * into v_acc from ledger_account where id = p_account for no key update;
  select coalesce(sum(remaining), 0) into v_due from ledger_lot
    where account_id = p_account and remaining > 0 and expires_at <= now();
  v_amt := least(v_due, v_acc.balance - v_acc.held);
  if v_amt <= 0 then return 0; end if;
  v_postings := array[row(p_account, -v_amt, null), row(p_breakage, v_amt, null)]::xf_posting[];
  v_entry := xf_insert_entry('expire:' || p_account || ':' || gen_random_uuid(), 'expire', 'system:expiry',
                             'points expired', jsonb_build_object('expiredThrough', now()), v_postings);
  perform xf_apply(v_entry, v_postings, null, null, null);
  return v_amt;
end $$;

-- Expires the due points of the given accounts (locked by the caller).
create or replace function xf_expire_due(p_accounts bigint[]) returns void
language plpgsql as $$
declare
  v_id bigint;
  v_breakage bigint;
begin
  for v_id in
    select distinct l.account_id from ledger_lot l
     where l.account_id = any (p_accounts) and l.remaining > 0 and l.expires_at <= now()
     order by l.account_id
  loop
    v_breakage := coalesce(v_breakage, (select id from ledger_account where code = 'breakage'));
    perform xf_expire_account(v_id, v_breakage);
  end loop;
end $$;

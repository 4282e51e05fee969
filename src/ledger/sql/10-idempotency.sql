-- Idempotency, the one implementation: every mutation of the ledger and every composite
-- operation of other modules (orders' redeem and checkout, through withIdempotency in
-- src/ledger/idempotency.ts) claims its key in idempotency_record here. Keys are scoped by
-- their caller ('<scope>:<key>', see scopedKey); the request hash is a sha256 of the request.
--
-- The first caller inserts the key and owns it; concurrent copies wait on the unique index and
-- then read the committed outcome. Outcomes are objects with a status ('ok' or 'error'); a
-- replay gets the stored one back with replayed: true. The same key with another hash is
-- idempotency_conflict; a key whose owner has not committed yet is idempotency_in_progress.
--
-- Example (in one transaction):
--   select xf_idem_begin('api:k-1', 'hash-1');                  -- null: this caller owns k-1
--   select xf_idem_finish('api:k-1', '{"status": "ok", "entryId": 7}');
--   select xf_idem_begin('api:k-1', 'hash-1');                  -- {"status": "ok", …, "replayed": true}

-- Returns null when the caller owns the key, else the outcome to answer with.
create or replace function xf_idem_begin(p_key text, p_hash text) returns jsonb
language plpgsql as $$
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

-- Stores the outcome of the key's request and returns it.
create or replace function xf_idem_finish(p_key text, p_response jsonb) returns jsonb
language plpgsql as $$
begin
  update idempotency_record set response = p_response,
    status = case when p_response->>'status' = 'ok' then 200 else 422 end
    where key = p_key;
  return p_response;
end $$;

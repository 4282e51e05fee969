import { Migration } from '@mikro-orm/migrations';
import { EXPIRY_AND_HISTORY_SQL } from './Migration20261125100000_ledger_expiry_and_history.js';
import { edited, functionSource } from './function-source.js';

/**
 * Merged users' accounts are closed, so no point can strand in them.
 * - A merge moves the merged user's points to the survivor and closes the merged user's
 *   accounts (closed_at) under the same row locks; an account created for a merged user is
 *   born closed. Accounts of users merged before this migration are closed by it; what they
 *   still hold is moved by `npm run ledger:repair-merges`.
 * - A closed account takes part in no transfer or hold: xf_lock_and_check raises XF002 once it
 *   holds the account's lock (nothing is stored under the idempotency key, so the service
 *   resolves the survivor and sends the same operation there); the set-based batch path leaves
 *   a batch that meets one to the per-operation path. A trigger refuses any increase of a
 *   closed account's balance or held amount, whatever path it comes by.
 * - A reversal of an entry that touched a closed account posts to the survivor's account of
 *   the same kind (locked with the others in ascending order); one that nets to nothing there
 *   (the merge itself) is not reversible.
 */
export class Migration20261204223257_merged_accounts_closed extends Migration {
  override async up(): Promise<void> {
    this.addSql(UP);
  }

  override async down(): Promise<void> {
    this.addSql(
      [
        ...['xf_lock_and_check', 'xf_batch_fast', 'xf_reverse'].map((f) =>
          functionSource(EXPIRY_AND_HISTORY_SQL, f),
        ),
        'drop trigger ledger_account_closed_guard on ledger_account;',
        'drop function xf_account_closed();',
        'drop function xf_to_survivors(jsonb);',
        'drop function xf_with_survivors(bigint[]);',
        'drop function xf_survivor_account(bigint);',
        'alter table "ledger_account" drop column "closed_at";',
      ].join('\n\n'),
    );
  }
}

const CLOSED = `raise exception 'ledger account % is closed: its user was merged into another', v_id using errcode = 'XF002'`;

const LOCK_AND_CHECK = edited(functionSource(EXPIRY_AND_HISTORY_SQL, 'xf_lock_and_check'), [
  [`  v_delta bigint;\n`, `  v_delta bigint;\n  v_closed boolean;\n`],
  [
    `    select balance, held into v_balance, v_held from ledger_account where id = v_id for no key update;`,
    `    select balance, held, closed_at is not null into v_balance, v_held, v_closed from ledger_account where id = v_id for no key update;
    if v_closed then
      ${CLOSED};
    end if;`,
  ],
]);

const BATCH_FAST = edited(functionSource(EXPIRY_AND_HISTORY_SQL, 'xf_batch_fast'), [
  [`  v_due boolean;\n`, `  v_due boolean;\n  v_closed boolean;\n`],
  [
    `  select array_agg(a.id), array_agg(a.balance), array_agg(a.held) into v_uacc, v_ubal, v_uheld
    from (select id, balance, held from ledger_account where id = any (v_pacc) and kind <> 'system' order by id for no key update) a;`,
    `  select array_agg(a.id), array_agg(a.balance), array_agg(a.held), coalesce(bool_or(a.closed), false)
    into v_uacc, v_ubal, v_uheld, v_closed
    from (select id, balance, held, closed_at is not null as closed from ledger_account
           where id = any (v_pacc) and kind <> 'system' order by id for no key update) a;
  -- An account closed by a merge: the per-operation path refuses that operation alone.
  if v_closed then return null; end if;`,
  ],
]);

const REVERSE = edited(functionSource(EXPIRY_AND_HISTORY_SQL, 'xf_reverse'), [
  [
    `  perform 1 from (select id from ledger_account where id = any (v_accounts) order by id for no key update) locked;`,
    `  v_accounts := xf_with_survivors(v_accounts);
  perform 1 from (select id from ledger_account where id = any (v_accounts) order by id for no key update) locked;
  -- The survivors were read before the locks: a merge committed in between is a retry.
  if not xf_with_survivors(v_accounts) <@ v_accounts then
    raise exception 'an account of ledger entry % was merged meanwhile', v_orig.id using errcode = 'XF002';
  end if;`,
  ],
  [
    `      from expired ex having coalesce(sum(ex.amount), 0) > 0
  ) q;`,
    `      from expired ex having coalesce(sum(ex.amount), 0) > 0
  ) q;
  v_postings := xf_to_survivors(v_postings);
  -- A move between two accounts merged since (the merge itself) nets to nothing.
  if coalesce(jsonb_array_length(v_postings), 0) < 2 then
    return xf_idem_finish(p->>'key', xf_error('not_reversible', 'the accounts of this entry were merged into one since; there is nothing to reverse'));
  end if;`,
  ],
]);

const UP = /* sql */ `
alter table "ledger_account" add column "closed_at" timestamptz null;

-- Users merged by earlier versions: their accounts close now (ledger:repair-merges empties them).
update ledger_account a set closed_at = coalesce(u.merged_at, now())
  from app_user u where a.user_id = u.id and u.merged_into_id is not null;

create function xf_account_closed() returns trigger language plpgsql as $$
begin
  raise exception 'ledger account % is closed: its user was merged into another', old.id using errcode = 'XF002';
end $$;

-- The last line of defence: whatever path it comes by, a closed account gains nothing.
create trigger ledger_account_closed_guard before update of balance, held on ledger_account
  for each row when (old.closed_at is not null and (new.balance > old.balance or new.held > old.held))
  execute function xf_account_closed();

-- The account that answers for p_account: itself while open; once closed by a merge, the
-- account of the same kind of the user at the end of the merge chain (created when missing).
create function xf_survivor_account(p_account bigint) returns bigint language plpgsql as $$
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

-- The accounts with the survivors of the closed ones, ascending (the lock order).
create function xf_with_survivors(p_accounts bigint[]) returns bigint[] language plpgsql as $$
begin
  return (select coalesce(array_agg(distinct x order by x), '{}')
            from (select unnest(p_accounts) as x union select xf_survivor_account(a) from unnest(p_accounts) a) s);
end $$;

-- Postings with each closed account replaced by its survivor, netted per account.
create function xf_to_survivors(p_postings jsonb) returns jsonb language plpgsql as $$
begin
  if not exists (select 1 from jsonb_array_elements(p_postings) x
                   join ledger_account a on a.id = (x->>'account')::bigint where a.closed_at is not null) then
    return p_postings;
  end if;
  return (select jsonb_agg(jsonb_build_object('account', m.acc, 'amount', m.amt) order by m.ord)
            from (select xf_survivor_account((t.x->>'account')::bigint) as acc, sum((t.x->>'amount')::bigint) as amt, min(t.o) as ord
                    from jsonb_array_elements(p_postings) with ordinality t(x, o) group by 1) m
           where m.amt <> 0);
end $$;

${LOCK_AND_CHECK}

${BATCH_FAST}

${REVERSE}
`;

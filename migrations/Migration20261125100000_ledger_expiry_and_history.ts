import { Migration } from '@mikro-orm/migrations';
import { LEDGER_RULES_SQL } from './Migration20261124200900_ledger_rules.js';
import { FAST_PATH_SQL } from './Migration20261124222423_ledger_fast_path.js';
import {
  BALANCE_CHECKS_SQL,
  INDEX_PLANS,
} from './Migration20261125010000_ledger_balance_checks.js';
import { ENTRY_WITH_POSTINGS_SQL } from './Migration20261125020000_ledger_entry_with_postings.js';
import { edited, functionSource } from './function-source.js';

/**
 * Expired points stay expired, and lots keep a history that explains them.
 * - Points past their expiry are never spent: a debit, hold or reversal first moves the due
 *   remainders of its accounts to breakage (what the expiry job would do), each account at its
 *   turn in the ascending lock order, and the set-based batch path leaves a batch that meets a
 *   due lot to the per-operation path. Before, they stayed spendable until the next expiry run.
 * - A reversed debit gives its points back to the very lots it took them from, with their own
 *   expiry: points of a lot that has expired since stay expired (balance reads leave them out,
 *   and the next debit or expiry run moves them). Before, they came back with a fresh year. A
 *   lot whose credit has been reversed takes nothing back: those points come as a new lot.
 *   Each give-back is recorded as a negative lot use, so every lot's amount less its remainder
 *   equals its recorded uses (ledger:verify checks it).
 * - Reversing a credit whose points expired takes the expired part back from breakage, not a
 *   second time from the user's other lots; what counts as expired is read once the accounts
 *   are locked, so an expiry run committed meanwhile is seen. Reversing an expiry gives the
 *   points back as a new lot with the default expiry, unless the credit they came from has
 *   been reversed (its reversal already took them back from breakage).
 * - Postings can only be added to an entry written in the same transaction: before, a balanced
 *   pair of postings could be appended to an old entry.
 * - A hold that expired answers hold_expired to every later post or void.
 */
export class Migration20261125100000_ledger_expiry_and_history extends Migration {
  override async up(): Promise<void> {
    this.addSql(UP);
  }

  override async down(): Promise<void> {
    this.addSql(
      [
        functionSource(BALANCE_CHECKS_SQL, 'xf_postings_balanced'),
        functionSource(LEDGER_RULES_SQL, 'xf_lock_and_check'),
        ...['xf_apply', 'xf_reverse', 'xf_batch_fast'].map((f) =>
          functionSource(ENTRY_WITH_POSTINGS_SQL, f),
        ),
        functionSource(FAST_PATH_SQL, 'xf_batch'),
        functionSource(LEDGER_RULES_SQL, 'xf_hold_take'),
        'drop function xf_expire_due(bigint[]);',
        'delete from ledger_lot_use where amount < 0;',
        'alter table ledger_lot_use drop constraint ledger_lot_use_amount_ck;',
        'alter table ledger_lot_use add constraint ledger_lot_use_amount_ck check (amount > 0);',
      ].join('\n\n'),
    );
  }
}

const APPLY = edited(functionSource(ENTRY_WITH_POSTINGS_SQL, 'xf_apply'), [
  [
    `        -- a reversed debit: give points back to the lots they came from, while still valid
        for r in
          select u.lot_id, sum(u.amount) as amount from ledger_lot_use u join ledger_lot l on l.id = u.lot_id
            where u.entry_id = p_lot_source and l.account_id = v_acc
              and (l.expires_at is null or l.expires_at > now())
            group by u.lot_id order by u.lot_id`,
    `        -- a reversed debit: give points back to the lots they came from, with their own expiry,
        -- but not to a lot whose credit was reversed (those points come as a new lot)
        for r in
          select u.lot_id, sum(u.amount) as amount from ledger_lot_use u join ledger_lot l on l.id = u.lot_id
            where u.entry_id = p_lot_source and l.account_id = v_acc
              and not exists (select 1 from ledger_entry c where c.reverses_entry_id = l.entry_id)
            group by u.lot_id having sum(u.amount) > 0 order by u.lot_id`,
  ],
  [
    `          update ledger_lot set remaining = remaining + v_take where id = r.lot_id;`,
    `          update ledger_lot set remaining = remaining + v_take where id = r.lot_id;
          insert into ledger_lot_use (entry_id, lot_id, amount) values (p_entry, r.lot_id, -v_take);`,
  ],
]);

// A batch whose debit meets a due lot first leaves it to the per-operation path, which expires
// the lot before spending. The earliest open lot is read anyway; when it is not due, none is.
const BATCH_FAST = edited(functionSource(ENTRY_WITH_POSTINGS_SQL, 'xf_batch_fast'), [
  [`  v_sentry bigint[];\n`, `  v_sentry bigint[];\n  v_due boolean;\n`],
  [
    `       f as (select d.acc, d.need, d.entry, l.id as lot, coalesce(least(d.need, l.remaining), 0) as take
               from d left join lateral (select id, remaining from ledger_lot where account_id = d.acc and remaining > 0
                                          order by expires_at, id limit 1) l on true),`,
    `       f as (select d.acc, d.need, d.entry, l.id as lot, coalesce(least(d.need, l.remaining), 0) as take,
                    coalesce(l.expires_at <= now(), false) as due
               from d left join lateral (select id, remaining, expires_at from ledger_lot where account_id = d.acc and remaining > 0
                                          order by expires_at, id limit 1) l on true),`,
  ],
  [
    `  select array_agg(f.acc), array_agg(f.need - f.take), array_agg(f.entry) into v_sacc, v_sneed, v_sentry
    from f where f.take < f.need;`,
    `  select array_agg(f.acc) filter (where f.take < f.need), array_agg(f.need - f.take) filter (where f.take < f.need),
         array_agg(f.entry) filter (where f.take < f.need), coalesce(bool_or(f.due), false)
    into v_sacc, v_sneed, v_sentry, v_due from f;
  if v_due then
    raise exception 'a debit of this batch meets an expired lot' using errcode = 'XF001';
  end if;`,
  ],
]);

// An expired hold answers hold_expired however it came to be marked expired (before, only the
// call that found it due did; later calls said hold_not_active).
const HOLD_TAKE = edited(functionSource(LEDGER_RULES_SQL, 'xf_hold_take'), [
  [
    `  elsif o_hold.status <> 'active' then`,
    `  elsif o_hold.status = 'expired' then
    o_err := xf_error('hold_expired', 'this hold expired', jsonb_build_object('status', 'expired'));
  elsif o_hold.status <> 'active' then`,
  ],
]);

// An account a debit takes from loses its expired points first, at its turn in the ascending
// lock order (sweeping before the ordered pass took locks out of order).
const LOCK_AND_CHECK = edited(functionSource(LEDGER_RULES_SQL, 'xf_lock_and_check'), [
  [
    `    if v_delta < 0 and v_balance - v_held + v_delta < 0 then`,
    `    if v_delta < 0 and exists (select 1 from ledger_lot where account_id = v_id and remaining > 0 and expires_at <= now()) then
      perform xf_expire_due(array[v_id]);
      select balance, held into v_balance, v_held from ledger_account where id = v_id;
    end if;
    if v_delta < 0 and v_balance - v_held + v_delta < 0 then`,
  ],
]);

// A debit of the batch met an expired lot: the per-operation path expires it first.
const BATCH = edited(functionSource(FAST_PATH_SQL, 'xf_batch'), [
  [
    `    when unique_violation then v_out := null;`,
    `    when unique_violation then v_out := null;
    when sqlstate 'XF001' then v_out := null;`,
  ],
]);

const REVERSE = edited(functionSource(ENTRY_WITH_POSTINGS_SQL, 'xf_reverse'), [
  [`  v_orig ledger_entry;\n`, `  v_orig ledger_entry;\n  v_accounts bigint[];\n`],
  [
    `  select jsonb_agg(jsonb_build_object('account', account_id, 'amount', -amount) order by id)
    into v_postings from ledger_posting where entry_id = v_orig.id;`,
    `  if v_orig.kind = 'expire' and exists (
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
  perform 1 from (select id from ledger_account where id = any (v_accounts) order by id for no key update) locked;
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
  ) q;`,
  ],
  [
    `'reversedEntryId', v_orig.id, 'accounts', xf_apply(v_entry, v_postings, p->'expiry', v_orig.id)));`,
    `'reversedEntryId', v_orig.id, 'accounts',
    xf_apply(v_entry, v_postings, p->'expiry', case when v_orig.kind = 'expire' then null else v_orig.id end)));`,
  ],
]);

const UP = /* sql */ `
${HOLD_TAKE}

-- Postings go in with their entry (xf_insert_entry, xf_batch_fast): an entry written by an
-- earlier transaction can no longer take more postings, balanced or not.
create or replace function xf_postings_balanced() returns trigger language plpgsql
${INDEX_PLANS} as $$
declare
  v_bad record;
begin
  select e.entry_id, s.n, s.total, x.id is not null as entry_exists, x.created_at = now() as entry_new into v_bad
    from (select distinct entry_id from inserted) e
   cross join lateral (select count(*) as n, coalesce(sum(p.amount), 0) as total
                         from ledger_posting p where p.entry_id = e.entry_id) s
    left join ledger_entry x on x.id = e.entry_id
   where s.total <> 0 or s.n < 2 or x.id is null or x.created_at <> now()
   limit 1;
  if not found then return null; end if;
  if not v_bad.entry_exists then
    raise exception 'postings refer to ledger entry %, which does not exist', v_bad.entry_id using errcode = '23503';
  end if;
  if not v_bad.entry_new then
    raise exception 'ledger table ledger_posting is append-only: entry % was written by an earlier transaction', v_bad.entry_id
      using errcode = 'P0001', hint = 'correct an entry with a reversal';
  end if;
  raise exception 'ledger entry % is unbalanced (% postings summing to %)', v_bad.entry_id, v_bad.n, v_bad.total
    using errcode = '23514';
end $$;

-- Moves the due lot remainders of the given user accounts to breakage, as the expiry job
-- does, in ascending account order like every lock.
create function xf_expire_due(p_accounts bigint[]) returns void language plpgsql as $$
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

${LOCK_AND_CHECK}

${APPLY}

-- A reversal negates the entry's postings, account by account, but what of a credit has expired
-- since is taken back from breakage, where it went, not from the user's other points. An
-- expiry's reversal gives the points back as a new lot with the default expiry.
${REVERSE}

${BATCH_FAST}

${BATCH}

-- A negative use is a give-back by a reversal.
alter table ledger_lot_use drop constraint ledger_lot_use_amount_ck;
alter table ledger_lot_use add constraint ledger_lot_use_amount_ck check (amount <> 0);

-- Give-backs made before they were recorded: each lot whose uses exceed what it lost was given
-- the difference back by the latest reversal of an entry that used it.
insert into ledger_lot_use (entry_id, lot_id, amount)
select (select max(r.id) from ledger_entry r join ledger_lot_use s on s.entry_id = r.reverses_entry_id where s.lot_id = l.id),
       l.id, (l.amount - l.remaining) - u.used
  from ledger_lot l
  join (select lot_id, sum(amount) as used from ledger_lot_use group by lot_id) u on u.lot_id = l.id
 where u.used > l.amount - l.remaining
   and exists (select 1 from ledger_entry r join ledger_lot_use s on s.entry_id = r.reverses_entry_id where s.lot_id = l.id);
`;

/** The functions as this migration leaves them, for later migrations to edit and restore. */
export const EXPIRY_AND_HISTORY_SQL = UP;

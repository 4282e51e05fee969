// The ledger's self-check: every invariant recomputed from the postings. Used by
// `npm run ledger:verify`, by the tests after every scenario, and by the property test.
// Which users were merged is membership's to say: the caller passes mergedUserIds.
import { query, queryOne, type Em } from '../db/sql.js';

export interface VerifyReport {
  ok: boolean;
  violations: string[];
  totals: {
    entries: number;
    postings: number;
    userAccounts: number;
    userBalance: number;
    held: number;
    activeHolds: number;
    lotRemaining: number;
    system: Record<string, number>;
    sumAll: number;
  };
}

const CHECKS: { name: string; sql: string }[] = [
  {
    name: 'entry does not sum to zero or has fewer than two postings',
    sql: `select e.id::text as id from ledger_entry e left join ledger_posting p on p.entry_id = e.id
           group by e.id having coalesce(sum(p.amount), 0) <> 0 or count(p.id) < 2 limit 20`,
  },
  {
    name: 'posting refers to a missing account',
    sql: `select p.id::text as id from ledger_posting p left join ledger_account a on a.id = p.account_id where a.id is null limit 20`,
  },
  {
    name: 'cached balance differs from the sum of postings',
    sql: `select a.code as id from ledger_account a
            left join (select account_id, sum(amount) as s from ledger_posting group by account_id) p on p.account_id = a.id
           where a.kind <> 'system' and a.balance <> coalesce(p.s, 0) limit 20`,
  },
  {
    name: 'user account balance is negative or below what is held',
    sql: `select code as id from ledger_account where kind <> 'system' and (balance < 0 or held < 0 or held > balance) limit 20`,
  },
  {
    name: 'lot remainders do not add up to the balance',
    sql: `select a.code as id from ledger_account a
            left join (select account_id, sum(remaining) as s from ledger_lot group by account_id) l on l.account_id = a.id
           where a.kind <> 'system' and a.balance <> coalesce(l.s, 0) limit 20`,
  },
  {
    name: 'held amount differs from the active holds',
    sql: `select a.code as id from ledger_account a
            left join (select account_id, sum(amount) as s from ledger_hold where status = 'active' group by account_id) h
              on h.account_id = a.id
           where a.kind <> 'system' and a.held <> coalesce(h.s, 0) limit 20`,
  },
  {
    name: 'resolved hold is inconsistent with its entry',
    sql: `select h.id::text as id from ledger_hold h
            left join ledger_posting p on p.entry_id = h.entry_id and p.account_id = h.account_id
           where (h.status = 'active' and h.resolved_at is not null)
              or (h.status <> 'active' and h.resolved_at is null)
              or (h.status = 'posted' and h.posted_amount > 0 and coalesce(-p.amount, -1) <> h.posted_amount)
              or (h.status <> 'posted' and h.entry_id is not null) limit 20`,
  },
  {
    name: 'lot use exceeds the lot',
    sql: `select l.id::text as id from ledger_lot l where l.remaining > l.amount or l.remaining < 0 limit 20`,
  },
  {
    // Every point a lot lost went to a recorded use (a give-back by a reversal is a negative use).
    name: 'lot remainder differs from its amount less its recorded uses',
    sql: `select l.id::text as id from ledger_lot l
            left join (select lot_id, sum(amount) as s from ledger_lot_use group by lot_id) u on u.lot_id = l.id
           where l.amount - l.remaining <> coalesce(u.s, 0) limit 20`,
  },
  {
    name: 'entry posted from a hold that does not name it as its posted entry',
    sql: `select e.id::text as id from ledger_entry e left join ledger_hold h on h.id = e.hold_id
           where e.hold_id is not null and (h.id is null or h.status <> 'posted' or h.entry_id is distinct from e.id) limit 20`,
  },
  {
    // A merge moves everything to the survivor; points left behind are reachable by no one
    // (npm run ledger:repair-merges moves what earlier versions left there).
    name: 'account of a merged user still holds points, held points or active holds (run ledger:repair-merges)',
    sql: `select a.code || ' (balance ' || a.balance || ', held ' || a.held || ', lots ' || coalesce(l.s, 0)
                  || ', active holds ' || coalesce(h.n, 0) || ')' as id
            from ledger_account a
            left join (select account_id, sum(remaining) as s from ledger_lot where remaining > 0 group by account_id) l on l.account_id = a.id
            left join (select account_id, count(*) as n from ledger_hold where status = 'active' group by account_id) h on h.account_id = a.id
           where a.user_id = any (?::bigint[])
             and (a.balance <> 0 or a.held <> 0 or l.s is not null or h.n is not null) limit 20`,
  },
  {
    name: 'account is closed unless its user was merged, or open though it was',
    sql: `select a.code as id from ledger_account a
           where a.user_id is not null and (a.closed_at is null) = (a.user_id = any (?::bigint[])) limit 20`,
  },
  {
    // System accounts keep no cached balance (DESIGN.md "Hot rows"): their balance is their postings.
    name: 'system account has a cached balance or held amount',
    sql: `select code as id from ledger_account where kind = 'system' and (balance <> 0 or held <> 0) limit 20`,
  },
];

/** What the checks need to know of users: membership answers it. */
export interface VerifyUsers {
  /** Every user merged into another. */
  mergedUserIds(em: Em): Promise<number[]>;
}

export async function verifyLedger(em: Em, users: VerifyUsers): Promise<VerifyReport> {
  const violations: string[] = [];
  const merged = `{${(await users.mergedUserIds(em)).join(',')}}`;
  for (const check of CHECKS) {
    const rows = await query<{ id: string }>(
      em,
      check.sql,
      check.sql.includes('?') ? [merged] : [],
    );
    if (rows.length) violations.push(`${check.name}: ${rows.map((r) => r.id).join(', ')}`);
  }
  const t = await queryOne<Record<string, string>>(
    em,
    `select (select count(*) from ledger_entry) as entries,
            (select count(*) from ledger_posting) as postings,
            (select count(*) from ledger_account where kind <> 'system') as user_accounts,
            (select coalesce(sum(balance), 0) from ledger_account where kind <> 'system') as user_balance,
            (select coalesce(sum(held), 0) from ledger_account where kind <> 'system') as held,
            (select count(*) from ledger_hold where status = 'active') as active_holds,
            (select coalesce(sum(remaining), 0) from ledger_lot) as lot_remaining,
            (select coalesce(sum(amount), 0) from ledger_posting) as sum_all`,
  );
  const system = await query<{ code: string; s: string }>(
    em,
    `select a.code, coalesce(sum(p.amount), 0) as s from ledger_account a
       left join ledger_posting p on p.account_id = a.id where a.kind = 'system' group by a.code order by a.code`,
  );
  const totals = {
    entries: Number(t!.entries),
    postings: Number(t!.postings),
    userAccounts: Number(t!.user_accounts),
    userBalance: Number(t!.user_balance),
    held: Number(t!.held),
    activeHolds: Number(t!.active_holds),
    lotRemaining: Number(t!.lot_remaining),
    system: Object.fromEntries(system.map((s) => [s.code, Number(s.s)])),
    sumAll: Number(t!.sum_all),
  };
  const systemSum = Object.values(totals.system).reduce((a, b) => a + b, 0);
  if (totals.sumAll !== 0)
    violations.push(`postings of all accounts sum to ${totals.sumAll}, not 0`);
  if (systemSum + totals.userBalance !== 0) {
    violations.push(
      `system accounts (${systemSum}) do not balance the users (${totals.userBalance})`,
    );
  }
  return { ok: violations.length === 0, violations, totals };
}

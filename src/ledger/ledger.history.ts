// Read side of the ledger for account views that span merged users: the entry history of a
// set of users (a survivor and everyone merged into it, a family membership resolves) and the
// wallet's lots by expiry date.
import { query, queryOne, type Em } from '../db/sql.js';
import type { EntryView } from './ledger.queries.js';

interface HistoryRow {
  id: string;
  kind: string;
  amount: string;
  account_kind: string;
  reason: string;
  actor: string;
  metadata: Record<string, unknown>;
  reverses_entry_id: string | null;
  reversed_by: string | null;
  created_at: Date;
}

/** Entries touching any of these users' accounts, newest first, one line per entry and account kind. */
export async function historyOf(
  em: Em,
  userIds: number[],
  opts: { limit?: number; cursor?: number } = {},
): Promise<{ items: EntryView[]; nextCursor: string | null }> {
  const limit = opts.limit ?? 20;
  const rows = await query<HistoryRow>(
    em,
    `select e.id, e.kind, sum(p.amount) as amount, a.kind as account_kind, e.reason, e.actor, e.metadata, e.reverses_entry_id,
            (select r.id from ledger_entry r where r.reverses_entry_id = e.id) as reversed_by, e.created_at
       from ledger_posting p
       join ledger_account a on a.id = p.account_id and a.user_id = any(?::bigint[])
       join ledger_entry e on e.id = p.entry_id
      where (?::bigint is null or e.id < ?::bigint)
      group by e.id, a.kind
     having sum(p.amount) <> 0
      order by e.id desc, a.kind
      limit ?`,
    [`{${userIds.join(',')}}`, opts.cursor ?? null, opts.cursor ?? null, limit + 1],
  );
  const items = rows.slice(0, limit).map<EntryView>((r) => ({
    id: Number(r.id),
    kind: r.kind,
    amount: Number(r.amount),
    account: r.account_kind,
    reason: r.reason,
    actor: r.actor,
    metadata: r.metadata,
    reversesEntryId: r.reverses_entry_id == null ? null : Number(r.reverses_entry_id),
    reversedByEntryId: r.reversed_by == null ? null : Number(r.reversed_by),
    createdAt: new Date(r.created_at).toISOString(),
  }));
  return { items, nextCursor: rows.length > limit ? String(items[items.length - 1]!.id) : null };
}

/** The points left in the user's wallet per expiry date (null = never), soonest first. */
export async function walletLotsByExpiry(
  em: Em,
  userId: number,
): Promise<{ expiresAt: string | null; amount: number }[]> {
  const rows = await query<{ expires_at: Date | null; amount: string }>(
    em,
    `select l.expires_at, sum(l.remaining) as amount from ledger_lot l join ledger_account a on a.id = l.account_id and a.user_id = ? and a.kind = 'wallet'
      where l.remaining > 0 group by l.expires_at order by l.expires_at nulls last`,
    [userId],
  );
  return rows.map((r) => ({
    expiresAt: r.expires_at ? new Date(r.expires_at).toISOString() : null,
    amount: Number(r.amount),
  }));
}

/** The wallet's balance as last posted (0 without a wallet): what a reply right after an
 * earning shows, in the same transaction. */
export async function walletBalance(em: Em, userId: number): Promise<number> {
  const row = await queryOne<{ balance: string }>(
    em,
    `select balance from ledger_account where user_id = ? and kind = 'wallet'`,
    [userId],
  );
  return Number(row?.balance ?? 0);
}

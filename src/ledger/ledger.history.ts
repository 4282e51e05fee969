// Read side of the ledger for account views that span merged users: the entry history of a
// set of users (a survivor and everyone merged into it, a family membership resolves) and the
// wallet's balance with its lots by expiry date, in one read for the chat's frequent questions.
import { query, queryOne, type Em } from '../db/sql.js';
import type { BalanceView, EntryView } from './ledger.queries.js';

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

export interface WalletView extends BalanceView {
  /** The points left in the wallet per expiry date (null = never), soonest first, including
   * those past their date that the expiry job has not taken yet. */
  lots: { expiresAt: string | null; amount: number }[];
}

/** What balanceOf answers (counted the same way) and the wallet's lots by expiry date, in one
 * statement: the chat's balance and expiry answers took two and three round trips. */
export async function walletView(em: Em, userId: number): Promise<WalletView> {
  const row = await queryOne<{
    balance: string;
    held: string;
    due: string;
    pending: string;
    /** [expiry in ms since the epoch (as the driver reads a timestamptz), amount, still ahead]. */
    lots: [number | null, number, boolean | null][] | null;
  }>(
    em,
    `select coalesce(w.balance, 0) as balance,
            coalesce((select sum(h.amount) from ledger_hold h
                       where h.account_id = w.id and h.status = 'active' and h.expires_at > now()), 0) as held,
            coalesce((select sum(l.remaining) from ledger_lot l
                       where l.account_id = w.id and l.remaining > 0 and l.expires_at <= now()), 0) as due,
            coalesce((select p.balance from ledger_account p where p.user_id = ? and p.kind = 'pending'), 0) as pending,
            (select json_agg(json_build_array(floor(extract(epoch from g.expires_at) * 1000)::bigint,
                                              g.amount, g.expires_at > now())
                             order by g.expires_at nulls last)
               from (select l.expires_at, sum(l.remaining) as amount from ledger_lot l
                      where l.account_id = w.id and l.remaining > 0 group by l.expires_at) g) as lots
       from (select 1) one left join ledger_account w on w.user_id = ? and w.kind = 'wallet'`,
    [userId, userId],
  );
  const held = Number(row?.held ?? 0);
  const cached = Number(row?.balance ?? 0);
  const balance = cached - Math.max(0, Math.min(Number(row?.due ?? 0), cached - held));
  const lots = (row?.lots ?? []).map(([at, amount, ahead]) => ({
    expiresAt: at == null ? null : new Date(Number(at)).toISOString(),
    amount: Number(amount),
    ahead: ahead === true,
  }));
  return {
    balance,
    held,
    available: balance - held,
    pending: Number(row?.pending ?? 0),
    // balanceOf's upcoming expiries: dated lots not yet past, the first twelve dates.
    expiring: lots
      .flatMap((l) =>
        l.ahead && l.expiresAt ? [{ amount: l.amount, expiresAt: l.expiresAt }] : [],
      )
      .slice(0, 12),
    lots: lots.map(({ expiresAt, amount }) => ({ expiresAt, amount })),
  };
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

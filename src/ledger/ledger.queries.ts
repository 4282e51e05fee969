// Read side of the ledger: entry history (balances are in ledger.wallet.ts).
import { query, type Em } from '../db/sql.js';

export interface EntryView {
  id: number;
  kind: string;
  amount: number;
  account: string;
  reason: string;
  actor: string;
  metadata: Record<string, unknown>;
  reversesEntryId: number | null;
  reversedByEntryId: number | null;
  createdAt: string;
}

export interface EntryRow {
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

export function toEntryView(r: EntryRow): EntryView {
  return {
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
  };
}

/** The user's postings, newest first, with an opaque cursor (the last entry id seen). */
export async function entriesOf(em: Em, userId: number, opts: { limit: number; cursor?: number }) {
  const rows = await query<EntryRow>(
    em,
    `select e.id, e.kind, sum(p.amount) as amount, a.kind as account_kind, e.reason, e.actor, e.metadata,
            e.reverses_entry_id, (select r.id from ledger_entry r where r.reverses_entry_id = e.id) as reversed_by,
            e.created_at
       from ledger_posting p
       join ledger_account a on a.id = p.account_id and a.user_id = ?
       join ledger_entry e on e.id = p.entry_id
      where (?::bigint is null or e.id < ?::bigint)
      group by e.id, a.kind
      order by e.id desc
      limit ?`,
    [userId, opts.cursor ?? null, opts.cursor ?? null, opts.limit + 1],
  );
  const page = rows.slice(0, opts.limit).map(toEntryView);
  const nextCursor = rows.length > opts.limit ? String(page[page.length - 1]!.id) : null;
  return { items: page, nextCursor };
}

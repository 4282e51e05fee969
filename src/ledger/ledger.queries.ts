// Read side of the ledger: balances with upcoming expiries, and entry history.
import { query, queryOne, type Em } from '../db/sql.js';

export interface BalanceView {
  balance: number;
  held: number;
  available: number;
  pending: number;
  expiring: { amount: number; expiresAt: string }[];
}

export async function balanceOf(em: Em, userId: number): Promise<BalanceView> {
  // The balance as of the database clock, even before the expiry job has run: holds past
  // their expiry no longer count, and points past theirs are gone but for what an active hold
  // still covers (the job moves exactly that, and every debit does it first).
  const row = await queryOne<{ balance: string; held: string; due: string; pending: string }>(
    em,
    `select coalesce(w.balance, 0) as balance,
            coalesce((select sum(h.amount) from ledger_hold h
                       where h.account_id = w.id and h.status = 'active' and h.expires_at > now()), 0) as held,
            coalesce((select sum(l.remaining) from ledger_lot l
                       where l.account_id = w.id and l.remaining > 0 and l.expires_at <= now()), 0) as due,
            coalesce((select p.balance from ledger_account p where p.user_id = ? and p.kind = 'pending'), 0) as pending
       from (select 1) one left join ledger_account w on w.user_id = ? and w.kind = 'wallet'`,
    [userId, userId],
  );
  const expiring = await query<{ amount: string; expires_at: Date }>(
    em,
    `select sum(l.remaining) as amount, l.expires_at from ledger_lot l
       join ledger_account a on a.id = l.account_id and a.user_id = ? and a.kind = 'wallet'
      where l.remaining > 0 and l.expires_at > now()
      group by l.expires_at order by l.expires_at limit 12`,
    [userId],
  );
  const held = Number(row?.held ?? 0);
  const cached = Number(row?.balance ?? 0);
  const balance = cached - Math.max(0, Math.min(Number(row?.due ?? 0), cached - held));
  return {
    balance,
    held,
    available: balance - held,
    pending: Number(row?.pending ?? 0),
    expiring: expiring.map((e) => ({
      amount: Number(e.amount),
      expiresAt: new Date(e.expires_at).toISOString(),
    })),
  };
}

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

/** The user's postings, newest first, with an opaque cursor (the last entry id seen). */
export async function entriesOf(em: Em, userId: number, opts: { limit: number; cursor?: number }) {
  const rows = await query<{
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
  }>(
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
  const page = rows.slice(0, opts.limit).map<EntryView>((r) => ({
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
  const nextCursor = rows.length > opts.limit ? String(page[page.length - 1]!.id) : null;
  return { items: page, nextCursor };
}

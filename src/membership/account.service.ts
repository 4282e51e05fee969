// Read views of a user's points for every channel: balance with expiring points, history
// (including accounts merged into this one) and the points-expiry summary.
import { query, type Em } from '../db/sql.js';
import { balanceOf, type BalanceView, type EntryView } from '../ledger/ledger.queries.js';
import { DAY, type Clock } from '../shared/clock.js';
import { resolveUserId } from './user.lock.js';

export interface ExpirySummary {
  balance: number;
  expiringWithin30Days: number;
  nextExpiry: { amount: number; expiresAt: string } | null;
  schedule: { amount: number; expiresAt: string }[];
  neverExpiring: number;
  pending: number;
}

export type AccountService = ReturnType<typeof createAccountService>;

export function createAccountService(deps: { em: Em; clock: Clock }) {
  async function balance(userId: number): Promise<BalanceView & { userId: number }> {
    const id = await resolveUserId(deps.em, userId);
    return { userId: id, ...(await balanceOf(deps.em, id)) };
  }

  /** Points history, newest first; entries of accounts merged into this one are included. */
  async function history(
    userId: number,
    opts: { limit?: number; cursor?: number } = {},
  ): Promise<{ items: EntryView[]; nextCursor: string | null }> {
    const id = await resolveUserId(deps.em, userId);
    const limit = opts.limit ?? 20;
    const rows = await query<Record<string, any>>(
      deps.em,
      `with recursive members(id) as (select ?::bigint union select u.id from app_user u join members m on u.merged_into_id = m.id)
       select e.id, e.kind, sum(p.amount) as amount, a.kind as account_kind, e.reason, e.actor, e.metadata, e.reverses_entry_id,
              (select r.id from ledger_entry r where r.reverses_entry_id = e.id) as reversed_by, e.created_at
         from ledger_posting p
         join ledger_account a on a.id = p.account_id and a.user_id in (select id from members)
         join ledger_entry e on e.id = p.entry_id
        where (?::bigint is null or e.id < ?::bigint)
        group by e.id, a.kind
       having sum(p.amount) <> 0
        order by e.id desc, a.kind
        limit ?`,
      [id, opts.cursor ?? null, opts.cursor ?? null, limit + 1],
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

  async function expirySummary(userId: number): Promise<ExpirySummary> {
    const id = await resolveUserId(deps.em, userId);
    const b = await balanceOf(deps.em, id);
    const rows = await query<{ expires_at: Date | null; amount: string }>(
      deps.em,
      `select l.expires_at, sum(l.remaining) as amount from ledger_lot l join ledger_account a on a.id = l.account_id and a.user_id = ? and a.kind = 'wallet'
        where l.remaining > 0 group by l.expires_at order by l.expires_at nulls last`,
      [id],
    );
    const horizon = deps.clock.now().getTime() + 30 * DAY;
    const dated = rows
      .filter((r) => r.expires_at)
      .map((r) => ({ amount: Number(r.amount), expiresAt: new Date(r.expires_at!).toISOString() }));
    return {
      balance: b.balance,
      pending: b.pending,
      expiringWithin30Days: dated
        .filter((d) => Date.parse(d.expiresAt) <= horizon)
        .reduce((s, d) => s + d.amount, 0),
      nextExpiry: dated[0] ?? null,
      schedule: dated.slice(0, 12),
      neverExpiring: rows.filter((r) => !r.expires_at).reduce((s, r) => s + Number(r.amount), 0),
    };
  }

  return { balance, history, expirySummary };
}

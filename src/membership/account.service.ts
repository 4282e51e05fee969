// Read views of a user's points for every channel: balance with expiring points, history
// (including accounts merged into this one) and the points-expiry summary.
import type { Em } from '../db/sql.js';
import type { EntryView } from '../ledger/ledger.queries.js';
import { walletView, type BalanceView } from '../ledger/ledger.wallet.js';
import { DAY, type Clock } from '../shared/clock.js';
import { historyOf } from '../ledger/ledger.history.js';
import { mergeFamily, resolveUserId } from './user.lock.js';

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
    const { lots: _lots, ...view } = await walletView(deps.em, id);
    return { userId: id, ...view };
  }

  /** Points history, newest first; entries of accounts merged into this one are included. */
  async function history(
    userId: number,
    opts: { limit?: number; cursor?: number } = {},
  ): Promise<{ items: EntryView[]; nextCursor: string | null }> {
    const id = await resolveUserId(deps.em, userId);
    return historyOf(deps.em, await mergeFamily(deps.em, id), opts);
  }

  async function expirySummary(userId: number): Promise<ExpirySummary> {
    const id = await resolveUserId(deps.em, userId);
    const { lots, ...b } = await walletView(deps.em, id);
    const horizon = deps.clock.now().getTime() + 30 * DAY;
    const dated = lots.flatMap((l) =>
      l.expiresAt ? [{ amount: l.amount, expiresAt: l.expiresAt }] : [],
    );
    return {
      balance: b.balance,
      pending: b.pending,
      expiringWithin30Days: dated
        .filter((d) => Date.parse(d.expiresAt) <= horizon)
        .reduce((s, d) => s + d.amount, 0),
      nextExpiry: dated[0] ?? null,
      schedule: dated.slice(0, 12),
      neverExpiring: lots.filter((l) => !l.expiresAt).reduce((s, l) => s + l.amount, 0),
    };
  }

  return { balance, history, expirySummary };
}

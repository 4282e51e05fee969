// The pending-release job: a purchase's points wait in the 'pending' account through the
// refund window, then move to the wallet, unless the order is no longer paid (a refund in
// progress holds it in 'refunding').
import type { Clock } from '../shared/clock.js';
import { inTransaction, query, queryOne, type Em } from '../db/sql.js';
import type { LedgerService } from '../ledger/ledger.service.js';

/** Job: pending points whose refund window closed move from 'pending' to the wallet. */
export async function releasePendingAwards(
  deps: {
    em: Em;
    clock: Clock;
    ledger: LedgerService;
    isOrderPaid: (em: Em, orderId: number) => Promise<boolean>;
  },
  limit: number,
): Promise<{ released: number; points: number }> {
  const now = deps.clock.now().toISOString();
  const due = await query<{ id: string }>(
    deps.em,
    `select id from reward_award where status = 'pending' and release_at <= ?::timestamptz order by release_at, id limit ?`,
    [now, limit],
  );
  let released = 0;
  let points = 0;
  for (const { id } of due) {
    const moved = await inTransaction(deps.em, async (tx) => {
      // A refund in progress holds its order in 'refunding': its points stay pending.
      const a = await queryOne<{ user_id: string; points: number; order_id: string | null }>(
        tx,
        `select user_id, points, order_id from reward_award
          where id = ? and status = 'pending' and release_at <= ?::timestamptz for update`,
        [Number(id), now],
      );
      if (!a || (a.order_id != null && !(await deps.isOrderPaid(tx, Number(a.order_id))))) return 0;
      await query(tx, `update reward_award set status = 'released' where id = ?`, [Number(id)]);
      const userId = Number(a.user_id);
      const pendingAcc = await deps.ledger.userAccount(userId, 'pending', tx);
      const walletAcc = await deps.ledger.userAccount(userId, 'wallet', tx);
      const e = await deps.ledger.postEntry(
        {
          key: `award-release:${id}`,
          kind: 'earn.release',
          actor: 'system:release',
          reason: 'refund window closed: points are now spendable',
          metadata: { awardId: Number(id) },
          postings: [
            { account: pendingAcc, amount: -a.points },
            { account: walletAcc, amount: a.points },
          ],
        },
        tx,
      );
      await query(tx, `update reward_award set release_entry_id = ? where id = ?`, [
        e.entryId,
        Number(id),
      ]);
      return a.points;
    });
    if (moved) {
      released++;
      points += moved;
    }
  }
  return { released, points };
}

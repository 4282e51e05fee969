// The awards an order earned that are still pending (the refund window is open): a refund
// reverses them through rewards.reverseAward.
import { query, type Em } from '../db/sql.js';

export async function pendingAwardIds(em: Em, orderId: number): Promise<number[]> {
  const rows = await query<{ id: string }>(
    em,
    `select id from reward_award where order_id = ? and status = 'pending' order by id`,
    [orderId],
  );
  return rows.map((r) => Number(r.id));
}

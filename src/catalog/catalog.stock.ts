// Mall stock moves on behalf of orders: taken atomically with the order, returned on a cancel.
// Items without a stock count (null) are unlimited and never change.
import { query, type Em } from '../db/sql.js';

/** Takes `quantity` from a counted item; false when there is not that much left. */
export async function takeStock(em: Em, itemId: number, quantity: number): Promise<boolean> {
  const left = await query(
    em,
    `update mall_item set stock = stock - ? where id = ? and stock >= ? returning stock`,
    [quantity, itemId, quantity],
  );
  return left.length > 0;
}

export async function returnStock(em: Em, itemId: number, quantity: number): Promise<void> {
  await query(em, `update mall_item set stock = stock + ? where id = ? and stock is not null`, [
    quantity,
    itemId,
  ]);
}

// What rewards asks of orders (it is given these functions; orders already imports rewards):
// whether a user ever ordered (only new users accept an invitation) and whether an order is
// paid (a purchase's pending points release only then).
import { queryOne, type Em } from '../db/sql.js';

export async function hasOrders(em: Em, userId: number): Promise<boolean> {
  return !!(await queryOne(em, `select 1 from shop_order where user_id = ? limit 1`, [userId]));
}

export async function isOrderPaid(em: Em, orderId: number): Promise<boolean> {
  return !!(await queryOne(em, `select 1 from shop_order where id = ? and status = 'paid'`, [
    orderId,
  ]));
}

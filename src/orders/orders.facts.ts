// Facts other modules ask of orders. Orders imports catalog and rewards, so they cannot import
// orders: app.services gives them these functions. Rewards asks whether a user ever ordered
// (only new users accept an invitation) and whether an order is paid (a purchase's pending
// points release only then); the catalog asks a course's rating from its reviews.
import { queryOne, type Em } from '../db/sql.js';

export async function hasOrders(em: Em, userId: number): Promise<boolean> {
  return !!(await queryOne(em, `select 1 from shop_order where user_id = ? limit 1`, [userId]));
}

export async function isOrderPaid(em: Em, orderId: number): Promise<boolean> {
  return !!(await queryOne(em, `select 1 from shop_order where id = ? and status = 'paid'`, [
    orderId,
  ]));
}

/** The average rating (2 decimals; null without reviews) and the number of reviews. */
export async function courseRating(
  em: Em,
  courseId: number,
): Promise<{ average: number | null; count: number }> {
  const r = await queryOne<{ avg: string | null; n: string }>(
    em,
    `select round(avg(rating)::numeric, 2)::text as avg, count(*) as n from course_review where course_id = ?`,
    [courseId],
  );
  return { average: r?.avg == null ? null : Number(r.avg), count: Number(r?.n ?? 0) };
}

// Points a user earned in a time window (reversed awards do not count): what membership's
// tier is computed from. Membership is given this function; it does not read rewards' tables.
import { queryOne, type Em } from '../db/sql.js';

/** Points awarded after `since` up to and including `until` (ISO timestamps). */
export async function pointsEarned(
  em: Em,
  userId: number,
  since: string,
  until: string,
): Promise<number> {
  const r = await queryOne<{ s: string }>(
    em,
    `select coalesce(sum(points), 0) as s from reward_award
      where user_id = ? and status <> 'reversed' and created_at > ?::timestamptz and created_at <= ?::timestamptz`,
    [userId, since, until],
  );
  return Number(r?.s ?? 0);
}

// Per-user serialization: business transactions lock the user's row first, so per-user caps,
// limits and streaks are checked and written without races (single-user transactions).
// Merges are total: every service call that names a user goes through resolveUserId (or
// lockUser), so a merged user's id acts on the user it was merged into, following chains
// (A ← B ← C). A merge locks both users' rows, so a locked user cannot be merged under a caller.
import { DomainError } from '../shared/errors.js';
import { query, queryOne, type Em } from '../db/sql.js';

export interface LockedUser {
  id: number;
  timeZone: string;
  languageCode: string;
}

/** Follows identity merges to the user that now owns the account, however long the chain (a
 * merge repoints earlier merges at its survivor, so chains made now have one hop; older data may
 * have more). */
export async function resolveUserId(em: Em, userId: number): Promise<number> {
  const row = await queryOne<{ id: string; next: string | null }>(
    em,
    `with recursive chain(id, next, depth) as (
       select id, merged_into_id, 0 from app_user where id = ?
       union all
       select u.id, u.merged_into_id, c.depth + 1 from app_user u join chain c on u.id = c.next where c.depth < 10000
     )
     select id, next from chain order by depth desc limit 1`,
    [userId],
  );
  if (!row) throw new DomainError('user_not_found', `no user with id ${userId}`);
  if (row.next != null) throw new Error(`merge chain of user ${userId} does not end`);
  return Number(row.id);
}

/**
 * Locks the (resolved) user's row for the rest of the transaction. A merge that committed while
 * we waited for the lock shows in the locked row: then the survivor is locked instead.
 */
export async function lockUser(tx: Em, userId: number): Promise<LockedUser> {
  let id = await resolveUserId(tx, userId);
  for (let hop = 0; hop < 8; hop++) {
    const row = await queryOne<{
      id: string;
      time_zone: string;
      language_code: string;
      merged_into_id: string | null;
    }>(
      tx,
      `select id, time_zone, language_code, merged_into_id from app_user where id = ? for no key update`,
      [id],
    );
    if (!row) throw new DomainError('user_not_found', `no user with id ${userId}`);
    if (row.merged_into_id == null)
      return { id: Number(row.id), timeZone: row.time_zone, languageCode: row.language_code };
    id = await resolveUserId(tx, Number(row.merged_into_id));
  }
  throw new Error(`merge chain of user ${userId} is too long`);
}

/** Locks several users in ascending id order (no deadlocks between two such transactions). */
export async function lockUsers(tx: Em, userIds: number[]): Promise<LockedUser[]> {
  const ids = [...new Set(await Promise.all(userIds.map((u) => resolveUserId(tx, u))))].sort(
    (a, b) => a - b,
  );
  const out: LockedUser[] = [];
  for (const id of ids) out.push(await lockUser(tx, id));
  return out;
}

export async function userInfo(em: Em, userId: number): Promise<LockedUser> {
  const id = await resolveUserId(em, userId);
  const row = await queryOne<{ id: string; time_zone: string; language_code: string }>(
    em,
    `select id, time_zone, language_code from app_user where id = ?`,
    [id],
  );
  return { id: Number(row!.id), timeZone: row!.time_zone, languageCode: row!.language_code };
}

/** Every user merged into another. */
export async function mergedUserIds(em: Em): Promise<number[]> {
  const rows = await query<{ id: string }>(
    em,
    `select id from app_user where merged_into_id is not null order by id`,
  );
  return rows.map((r) => Number(r.id));
}

/** Locks these users' rows as they are (merged or not), in ascending id. */
export async function lockRows(tx: Em, userIds: number[]): Promise<void> {
  await query(
    tx,
    `select id from app_user where id = any(?::bigint[]) order by id for no key update`,
    [`{${userIds.join(',')}}`],
  );
}

/** What the ledger's merge repair asks of membership. */
export const mergedUsers = { mergedUserIds, survivorOf: resolveUserId, lockRows };

/** The user and everyone merged into it, directly or through a chain. */
export async function mergeFamily(em: Em, userId: number): Promise<number[]> {
  const rows = await query<{ id: string }>(
    em,
    `with recursive members(id) as (select ?::bigint union select u.id from app_user u join members m on u.merged_into_id = m.id)
     select id from members`,
    [userId],
  );
  return rows.map((r) => Number(r.id));
}

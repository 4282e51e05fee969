// Community membership and who is staff, for other modules: rewards records who takes part in a
// community (a grant makes both sides members) and leaves staff and merged users off its
// leaderboards.
import { query, type Em } from '../db/sql.js';

const pgArray = (ids: number[]) => `{${ids.join(',')}}`;

/** Records these users as members of the community (already members stay as they are). */
export async function joinCommunity(em: Em, community: string, userIds: number[]): Promise<void> {
  await query(
    em,
    `insert into community_member (community, user_id) select ?, unnest(?::bigint[]) on conflict do nothing`,
    [community, pgArray(userIds)],
  );
}

export async function communityMemberIds(em: Em, community: string): Promise<number[]> {
  const rows = await query<{ user_id: string }>(
    em,
    `select user_id from community_member where community = ?`,
    [community],
  );
  return rows.map((r) => Number(r.user_id));
}

/** Users holding a moderator role anywhere, and users merged into another. */
export async function staffAndMergedUserIds(em: Em): Promise<number[]> {
  const rows = await query<{ id: string }>(
    em,
    `select user_id as id from moderator_role where revoked_at is null
     union select id from app_user where merged_into_id is not null`,
  );
  return rows.map((r) => Number(r.id));
}

/** Display names of these users (null when they have none). */
export async function displayNames(em: Em, userIds: number[]): Promise<Map<number, string | null>> {
  const rows = await query<{ id: string; display_name: string | null }>(
    em,
    `select id, display_name from app_user where id = any(?::bigint[])`,
    [pgArray(userIds)],
  );
  return new Map(rows.map((r) => [Number(r.id), r.display_name]));
}

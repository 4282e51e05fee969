// Who a platform identity is, in one statement: the user an identity belongs to, followed
// through merges to the user that now answers for it. The chat asks this on every turn, so it
// must not cost the look-ups of users.upsert (identity, merge chain, user row, identities), and
// runs as a prepared statement (PostgreSQL plans it once per connection).
import { execPrepared, type Em } from '../db/sql.js';
import type { Channel } from './users.service.js';

export type IdentityLookup = ReturnType<typeof createIdentityLookup>;

/** Follows merges from the identity row `matching` selects. */
const resolvedFrom = (matching: string) =>
  `with recursive chain(id, next, username, depth) as (
     select u.id, u.merged_into_id, i.username, 0
       from user_identity i join app_user u on u.id = i.user_id where ${matching}
     union all
     select u.id, u.merged_into_id, c.username, c.depth + 1
       from app_user u join chain c on u.id = c.next where c.depth < 10000
   )
   select id, next, username from chain order by depth desc limit 1`;

const BY_EXTERNAL_ID = resolvedFrom(`i.channel = $1 and i.external_id = $2`);
const BY_USERNAME = resolvedFrom(
  `i.id = (select max(id) from user_identity where channel = $1 and username = $2)`,
);

export function createIdentityLookup(deps: { em: Em }) {
  async function resolved(
    name: string,
    sql: string,
    params: unknown[],
  ): Promise<{ userId: number; username: string | null } | undefined> {
    const [row] = await execPrepared<{ id: string; next: string | null; username: string | null }>(
      deps.em,
      name,
      sql,
      params,
    );
    if (!row) return undefined;
    if (row.next != null) throw new Error(`merge chain of user ${row.id} does not end`);
    return { userId: Number(row.id), username: row.username };
  }

  /** The (merge-resolved) user of a channel identity, with the username it was last seen with;
   * undefined while the identity is new. */
  function userOf(channel: Channel, externalId: string) {
    return resolved('xf_identity_user', BY_EXTERNAL_ID, [channel, externalId]);
  }

  /** The (merge-resolved) user last seen with this @username on the channel. */
  async function userByUsername(channel: Channel, username: string): Promise<number | undefined> {
    const found = await resolved('xf_identity_username', BY_USERNAME, [
      channel,
      username.replace(/^@/, '').toLowerCase(),
    ]);
    return found?.userId;
  }

  return { userOf, userByUsername };
}

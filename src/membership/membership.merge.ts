// Membership's part of merging two users: identities, roles, communities, a trial tier and the
// user row itself (marked merged; earlier merges into it repointed at the survivor).
import { query, queryOne, type Em } from '../db/sql.js';

export async function mergeMembership(
  from: number,
  into: number,
  tx: Em,
  ctx: { actor: string; now: Date },
): Promise<{ identities: { channel: string; externalId: string }[] }> {
  const now = ctx.now.toISOString();
  const identities = await query<{ channel: string; external_id: string }>(
    tx,
    `update user_identity set user_id = ? where user_id = ? returning channel, external_id`,
    [into, from],
  );
  await query(tx, `update tier_change set user_id = ? where user_id = ?`, [into, from]);
  await query(tx, `delete from link_code where user_id = ? and used_at is null`, [from]);
  await query(
    tx,
    `update moderator_role r set user_id = ? where r.user_id = ? and r.revoked_at is null
       and not exists (select 1 from moderator_role d where d.user_id = ? and d.community = r.community and d.revoked_at is null)`,
    [into, from, into],
  );
  await query(
    tx,
    `update moderator_role set revoked_at = ?::timestamptz, revoked_by = ? where user_id = ? and revoked_at is null`,
    [now, ctx.actor, from],
  );
  await query(
    tx,
    `update community_member m set user_id = ? where m.user_id = ? and not exists (select 1 from community_member d where d.user_id = ? and d.community = m.community)`,
    [into, from, into],
  );
  await carryTrial(from, into, tx, ctx.now);
  await query(
    tx,
    `update membership set tier = 'normal', effective_tier = 'normal', earned365 = 0, trial_tier = null, trial_until = null where user_id = ?`,
    [from],
  );
  await query(
    tx,
    `update app_user set merged_into_id = ?, merged_at = ?::timestamptz where id = ?`,
    [into, now, from],
  );
  // Users merged into `from` earlier now point at `into`: a chain of merges stays one hop long.
  await query(tx, `update app_user set merged_into_id = ? where merged_into_id = ?`, [into, from]);
  return {
    identities: identities.map((i) => ({ channel: i.channel, externalId: i.external_id })),
  };
}

/** A trial tier carries over (the later end wins). */
async function carryTrial(from: number, into: number, tx: Em, now: Date) {
  const trial = await queryOne<{ trial_tier: string | null; trial_until: Date | null }>(
    tx,
    `select trial_tier, trial_until from membership where user_id = ?`,
    [from],
  );
  if (!trial?.trial_tier || !trial.trial_until || new Date(trial.trial_until) <= now) return;
  const until = new Date(trial.trial_until).toISOString();
  await query(tx, `insert into membership (user_id) values (?) on conflict do nothing`, [into]);
  await query(
    tx,
    `update membership set trial_tier = case when trial_until is null or trial_until < ?::timestamptz then ? else trial_tier end,
        trial_until = greatest(coalesce(trial_until, ?::timestamptz), ?::timestamptz) where user_id = ?`,
    [until, trial.trial_tier, until, until, into],
  );
}

// Moderator roles per community (telegram:<chatId>, discord:<guildId>), granted and revoked
// by admins; community membership for per-community leaderboards. Changes are audited.
import { DomainError } from '../shared/errors.js';
import { audit } from '../shared/audit.js';
import { getSetting, putSetting } from '../settings/settings.js';
import { inTransaction, query, queryOne, type Em } from '../db/sql.js';
import { resolveUserId } from './user.lock.js';
import type { Clock } from '../shared/clock.js';

export const COMMUNITY_PATTERN = /^(telegram|discord):-?[A-Za-z0-9_]{1,64}$/;

export interface RoleView {
  userId: number;
  community: string;
  role: 'moderator';
  grantedBy: string;
  grantedAt: string;
}

export type RolesService = ReturnType<typeof createRolesService>;

export function createRolesService(deps: { em: Em; clock: Clock }) {
  const assertCommunity = (c: string) => {
    if (!COMMUNITY_PATTERN.test(c))
      throw new DomainError(
        'invalid_input',
        'community must look like telegram:<chatId> or discord:<guildId>',
      );
  };

  async function isModerator(
    userId: number,
    community: string,
    em: Em = deps.em,
  ): Promise<boolean> {
    return !!(await queryOne(
      em,
      `select 1 from moderator_role where user_id = ? and community = ? and revoked_at is null`,
      [userId, community],
    ));
  }

  /** Platform roles (e.g. Discord role ids) whose holders moderate a community, set by admins. */
  async function moderatorPlatformRoles(community: string, em: Em = deps.em): Promise<string[]> {
    const value = await getSetting(em, `community.moderator_roles:${community}`);
    return Array.isArray(value) ? value.map(String) : [];
  }

  async function setModeratorPlatformRoles(
    community: string,
    roleIds: string[],
    actor: string,
  ): Promise<string[]> {
    assertCommunity(community);
    const ids = [...new Set(roleIds.map(String))].sort();
    return inTransaction(deps.em, async (tx) => {
      await putSetting(tx, `community.moderator_roles:${community}`, ids);
      await audit(tx, {
        actor,
        action: 'role.platform_roles',
        subject: `community:${community}`,
        details: { roleIds: ids },
      });
      return ids;
    });
  }

  /** A moderator through the API, or through a platform role the admins configured. */
  async function mayModerate(
    userId: number,
    community: string,
    platformRoles: string[] = [],
  ): Promise<boolean> {
    if (await isModerator(userId, community)) return true;
    if (!platformRoles.length) return false;
    const configured = new Set(await moderatorPlatformRoles(community));
    return platformRoles.some((r) => configured.has(r));
  }

  async function grantModerator(
    userId: number,
    community: string,
    actor: string,
  ): Promise<{ role: RoleView; created: boolean }> {
    assertCommunity(community);
    return inTransaction(deps.em, async (tx) => {
      const id = await resolveUserId(tx, userId);
      const inserted = await query(
        tx,
        `insert into moderator_role (user_id, community, granted_by, granted_at) values (?, ?, ?, ?::timestamptz)
         on conflict (user_id, community) where revoked_at is null do nothing returning id`,
        [id, community, actor, deps.clock.now().toISOString()],
      );
      await query(
        tx,
        `insert into community_member (community, user_id) values (?, ?) on conflict do nothing`,
        [community, id],
      );
      if (inserted.length)
        await audit(tx, {
          actor,
          action: 'role.grant',
          subject: `user:${id}`,
          details: { role: 'moderator', community },
        });
      const row = (await roles(id, tx)).find((r) => r.community === community)!;
      return { role: row, created: inserted.length > 0 };
    });
  }

  async function revokeModerator(
    userId: number,
    community: string,
    actor: string,
  ): Promise<{ revoked: boolean }> {
    assertCommunity(community);
    return inTransaction(deps.em, async (tx) => {
      const id = await resolveUserId(tx, userId);
      const rows = await query(
        tx,
        `update moderator_role set revoked_at = ?::timestamptz, revoked_by = ? where user_id = ? and community = ? and revoked_at is null returning id`,
        [deps.clock.now().toISOString(), actor, id, community],
      );
      if (!rows.length)
        throw new DomainError('not_found', `user ${userId} is not a moderator of ${community}`);
      await audit(tx, {
        actor,
        action: 'role.revoke',
        subject: `user:${id}`,
        details: { role: 'moderator', community },
      });
      return { revoked: true };
    });
  }

  async function roles(requestedId: number, em: Em = deps.em): Promise<RoleView[]> {
    const userId = await resolveUserId(em, requestedId);
    const rows = await query<{
      user_id: string;
      community: string;
      granted_by: string;
      granted_at: Date;
    }>(
      em,
      `select user_id, community, granted_by, granted_at from moderator_role where user_id = ? and revoked_at is null order by community`,
      [userId],
    );
    return rows.map((r) => ({
      userId: Number(r.user_id),
      community: r.community,
      role: 'moderator',
      grantedBy: r.granted_by,
      grantedAt: new Date(r.granted_at).toISOString(),
    }));
  }

  async function moderators(community: string): Promise<RoleView[]> {
    assertCommunity(community);
    const rows = await query<{ user_id: string }>(
      deps.em,
      `select user_id from moderator_role where community = ? and revoked_at is null order by user_id`,
      [community],
    );
    return (await Promise.all(rows.map((r) => roles(Number(r.user_id)))))
      .flat()
      .filter((r) => r.community === community);
  }

  /** Records that a user is a member of a community (bots call this when they see a member). */
  async function join(userId: number, community: string): Promise<void> {
    assertCommunity(community);
    const id = await resolveUserId(deps.em, userId);
    await query(
      deps.em,
      `insert into community_member (community, user_id, joined_at) values (?, ?, ?::timestamptz) on conflict do nothing`,
      [community, id, deps.clock.now().toISOString()],
    );
  }

  return {
    isModerator,
    mayModerate,
    moderatorPlatformRoles,
    setModeratorPlatformRoles,
    grantModerator,
    revokeModerator,
    roles,
    moderators,
    join,
    assertCommunity,
  };
}

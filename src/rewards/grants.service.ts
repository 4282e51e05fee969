// Moderator task grants: a moderator of a community (telegram:<chatId> / discord:<guildId>)
// gives points with a reason, within the 'moderator.grant' rule's caps (per grant and per
// moderator per day). Every grant is audited; an admin can undo one (a ledger reversal).
import { DomainError } from '../shared/errors.js';
import { audit } from '../shared/audit.js';
import { localDate, type Clock } from '../shared/clock.js';
import { scopedKey } from '../ledger/idempotency.js';
import { inTransaction, query, queryOne, type Em } from '../db/sql.js';
import { lockUsers, resolveUserId } from '../membership/user.lock.js';
import type { RolesService } from '../membership/roles.service.js';
import { joinCommunity } from '../membership/community.js';
import type { RewardsService } from './rewards.service.js';

export interface GrantInput {
  key: string;
  community: string;
  moderatorUserId: number;
  userId: number;
  points: number;
  reason: string;
  /** The chat platform itself vouches that the moderator administers this community (a Telegram
   * chat admin, a Discord member with Manage Server): no role configured through the API is
   * needed. Set only by the assistant from its channel's facts; the HTTP route cannot set it. */
  platformModerator?: boolean;
}

export interface GrantView {
  grantId: number;
  community: string;
  moderatorUserId: number;
  userId: number;
  points: number;
  reason: string;
  entryId: number;
  undone: boolean;
  createdAt: string;
  moderatorRemainingToday: number;
  replayed: boolean;
}

/** A row of `moderator_grant` as the driver returns it (bigints as strings). */
interface GrantRow {
  id: string;
  community: string;
  moderator_user_id: string;
  user_id: string;
  points: number;
  reason: string;
  award_id: string | null;
  entry_id: string;
  undone_at: Date | null;
  created_at: Date;
}

export type GrantsService = ReturnType<typeof createGrantsService>;

export function createGrantsService(deps: {
  em: Em;
  clock: Clock;
  rewards: RewardsService;
  roles: RolesService;
}) {
  const view = (g: GrantRow, remaining: number, replayed: boolean): GrantView => ({
    grantId: Number(g.id),
    community: g.community,
    moderatorUserId: Number(g.moderator_user_id),
    userId: Number(g.user_id),
    points: g.points,
    reason: g.reason,
    entryId: Number(g.entry_id),
    undone: g.undone_at != null,
    createdAt: new Date(g.created_at).toISOString(),
    moderatorRemainingToday: remaining,
    replayed,
  });

  async function grant(input: GrantInput): Promise<GrantView> {
    if (!input.reason.trim()) throw new DomainError('invalid_input', 'a reason is required');
    const key = scopedKey('grant', input.key);
    return inTransaction(deps.em, async (tx) => {
      const moderatorId = await resolveUserId(tx, input.moderatorUserId);
      const userId = await resolveUserId(tx, input.userId);
      const [a, b] = await lockUsers(tx, [moderatorId, userId]);
      const moderator = a!.id === moderatorId ? a! : b!;
      const user = a!.id === userId ? a! : b!;
      const prior = await queryOne<GrantRow>(
        tx,
        `select * from moderator_grant where idempotency_key = ?`,
        [key],
      );
      const rule = await deps.rewards.getRule('moderator.grant', tx);
      const today = localDate(deps.clock.now(), moderator.timeZone);
      const given = async () =>
        Number(
          (await queryOne<{ s: string }>(
            tx,
            `select coalesce(sum(points), 0) as s from moderator_grant where moderator_user_id = ? and local_date = ? and undone_at is null`,
            [moderatorId, today],
          ))!.s,
        );
      if (prior) {
        if (
          Number(prior.moderator_user_id) !== moderatorId ||
          Number(prior.user_id) !== userId ||
          prior.points !== input.points ||
          prior.reason !== input.reason ||
          prior.community !== input.community
        ) {
          throw new DomainError(
            'idempotency_conflict',
            'this Idempotency-Key was already used with a different grant',
          );
        }
        return view(prior, Math.max(0, (rule.actorDailyMax ?? Infinity) - (await given())), true);
      }
      if (
        !input.platformModerator &&
        !(await deps.roles.isModerator(moderatorId, input.community, tx))
      ) {
        throw new DomainError(
          'not_moderator',
          `user ${input.moderatorUserId} is not a moderator of ${input.community}`,
        );
      }
      if (moderatorId === userId)
        throw new DomainError('forbidden', 'moderators cannot grant points to themselves');
      const givenToday = await given();
      const out = await deps.rewards.award(tx, {
        userId,
        timeZone: user.timeZone,
        ruleCode: 'moderator.grant',
        sourceKey: key,
        actor: `moderator:${moderatorId}@${input.community}`,
        reason: input.reason,
        requested: input.points,
        actorToday: givenToday,
        metadata: { community: input.community, moderatorUserId: moderatorId },
      });
      if (!out.awarded) {
        const messages: Record<string, string> = {
          over_grant_max: `at most ${rule.amount} points per grant`,
          actor_daily_limit: `a moderator may grant at most ${rule.actorDailyMax} points a day (${Math.max(0, (rule.actorDailyMax ?? 0) - givenToday)} left today)`,
          inactive: 'moderator grants are switched off',
          not_started: 'moderator grants are not open yet',
          ended: 'moderator grants have ended',
        };
        throw new DomainError(
          'limit_reached',
          messages[out.reason ?? ''] ?? `grant refused: ${out.reason}`,
          {
            reason: out.reason,
            maxPerGrant: rule.amount,
            dailyMax: rule.actorDailyMax,
            givenToday,
          },
        );
      }
      const g = await queryOne<GrantRow>(
        tx,
        `insert into moderator_grant (idempotency_key, moderator_user_id, user_id, community, points, reason, award_id, entry_id, local_date, created_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::timestamptz) returning *`,
        [
          key,
          moderatorId,
          userId,
          input.community,
          out.points,
          input.reason,
          out.awardId,
          out.entryId,
          today,
          deps.clock.now().toISOString(),
        ],
      );
      await joinCommunity(tx, input.community, [userId, moderatorId]);
      await audit(tx, {
        actor: `user:${moderatorId}`,
        action: 'grant.create',
        subject: `user:${userId}`,
        details: {
          grantId: Number(g!.id),
          community: input.community,
          points: out.points,
          reason: input.reason,
        },
      });
      return view(
        g!,
        Math.max(0, (rule.actorDailyMax ?? Infinity) - givenToday - out.points),
        false,
      );
    });
  }

  /** Admin undo: reverses the grant's ledger entry (refused if the points were already spent). */
  async function undo(grantId: number, actor: string, reason: string): Promise<GrantView> {
    return inTransaction(deps.em, async (tx) => {
      const g = await queryOne<GrantRow>(
        tx,
        `select * from moderator_grant where id = ? for update`,
        [grantId],
      );
      if (!g) throw new DomainError('grant_not_found', `no grant with id ${grantId}`);
      if (g.undone_at) throw new DomainError('invalid_state', 'this grant was already undone');
      await lockUsers(tx, [Number(g.user_id)]);
      // The admin's reason as given (up to the entry's 500 characters): a prefix made a long reason
      // overflow the column. The reversal entry links the grant's entry, which says what it undid.
      const r = await deps.rewards.reverseAward(tx, Number(g.award_id), actor, reason);
      if (!r.reversed) throw new DomainError('invalid_state', 'this grant was already reversed');
      const undoEntry = await queryOne<{ reverse_entry_id: string }>(
        tx,
        `select reverse_entry_id from reward_award where id = ?`,
        [Number(g.award_id)],
      );
      const updated = await queryOne<GrantRow>(
        tx,
        `update moderator_grant set undone_at = ?::timestamptz, undone_by = ?, undo_entry_id = ? where id = ? returning *`,
        [deps.clock.now().toISOString(), actor, Number(undoEntry!.reverse_entry_id), grantId],
      );
      await audit(tx, {
        actor,
        action: 'grant.undo',
        subject: `user:${g.user_id}`,
        details: { grantId, points: g.points, reason },
      });
      return view(updated!, 0, false);
    });
  }

  async function list(
    opts: { community?: string; moderatorUserId?: number; limit?: number } = {},
  ): Promise<GrantView[]> {
    if (opts.moderatorUserId !== undefined)
      opts = { ...opts, moderatorUserId: await resolveUserId(deps.em, opts.moderatorUserId) };
    const rows = await query<GrantRow>(
      deps.em,
      `select * from moderator_grant where (?::text is null or community = ?) and (?::bigint is null or moderator_user_id = ?) order by id desc limit ?`,
      [
        opts.community ?? null,
        opts.community ?? null,
        opts.moderatorUserId ?? null,
        opts.moderatorUserId ?? null,
        opts.limit ?? 50,
      ],
    );
    return rows.map((g) => view(g, 0, false));
  }

  return { grant, undo, list };
}

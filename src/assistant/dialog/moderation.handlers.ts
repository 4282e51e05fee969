// Moderator commands through the assistant: grant task points to a mentioned user (or the
// author of the replied-to message) with a reason, and undo one's own last grant. The rules
// (caps, audit, roles) live in the grants service; this only resolves who and how much.
import { DomainError } from '../../shared/errors.js';
import type { InboundUser, Reply } from '../assistant.types.js';
import type { DialogContext } from './dialog.types.js';

/** Who may moderate here: a platform admin (chat admin, Manage Server), a holder of a platform
 * role the admins configured, or a moderator granted over the API. */
async function moderatorVia(ctx: DialogContext): Promise<'platform' | 'api' | null> {
  const community = ctx.inbound.context?.community;
  if (!community) return null;
  if (ctx.inbound.context?.platformModerator) return 'platform';
  if (await ctx.s.roles.isModerator(ctx.userId, community)) return 'api';
  const roles = ctx.inbound.context?.platformRoles ?? [];
  return (await ctx.s.roles.mayModerate(ctx.userId, community, roles)) ? 'platform' : null;
}

async function resolveTarget(
  ctx: DialogContext,
  who: InboundUser,
): Promise<{ userId: number; name: string } | undefined> {
  const name = who.displayName ?? (who.username ? `@${who.username}` : who.externalId);
  if (who.externalId && !who.usernameOnly) {
    const { user } = await ctx.s.users.upsert({
      channel: who.channel,
      externalId: who.externalId,
      displayName: who.displayName,
      username: who.username,
    });
    return { userId: user.id, name };
  }
  if (!who.username) return undefined;
  const userId = await ctx.s.identities.userByUsername(who.channel, who.username);
  return userId === undefined ? undefined : { userId, name };
}

/** The grants service's caps, said as such (the generic limit_reached text is about mall items). */
function grantLimitText({ t }: DialogContext, details: unknown): string {
  const d = (details ?? {}) as {
    reason?: string;
    maxPerGrant?: number;
    dailyMax?: number;
    givenToday?: number;
  };
  if (d.reason === 'over_grant_max' && d.maxPerGrant != null) {
    return t.grantTooLarge(d.maxPerGrant);
  }
  if (d.reason === 'actor_daily_limit' && d.dailyMax != null) {
    const left = Math.max(0, d.dailyMax - (d.givenToday ?? 0));
    return t.grantDailyLimit({ dailyMax: d.dailyMax, left });
  }
  return t.grantNotNow();
}

export async function grant(ctx: DialogContext): Promise<Reply[]> {
  const { s, t, inbound } = ctx;
  const via = await moderatorVia(ctx);
  if (!via) return [{ text: t.notModerator(), private: true }];
  const args = inbound.command?.args ?? {};
  const rest = ctx.text.replace(/<@!?\d+>|@\S+/g, ' ').trim();
  const amountMatch = /^(\d{1,7})\b\s*(.*)$/s.exec(rest);
  const amount = Number(args.amount ?? amountMatch?.[1] ?? ctx.entities.amount);
  const reason = String(args.reason ?? amountMatch?.[2] ?? '').trim();
  const who = inbound.context?.mentions?.[0];
  if (!who || !Number.isSafeInteger(amount) || amount <= 0 || !reason)
    return [{ text: t.grantUsage(), private: true }];
  const target = await resolveTarget(ctx, who);
  if (!target) {
    return [{ text: t.unknownUser(who.username), private: true }];
  }
  try {
    const g = await s.grants.grant({
      key: `chat:${inbound.eventId}:grant`,
      community: inbound.context!.community!,
      moderatorUserId: ctx.userId,
      userId: target.userId,
      points: amount,
      reason,
      platformModerator: via === 'platform',
    });
    ctx.session.lastGrantId = g.grantId;
    const b = await s.account.balance(target.userId);
    return [
      { text: t.granted({ amount: g.points, user: target.name, reason, balance: b.balance }) },
    ];
  } catch (err) {
    if (err instanceof DomainError && err.code === 'limit_reached')
      return [{ text: grantLimitText(ctx, err.details), private: true }];
    if (err instanceof DomainError)
      return [{ text: t.error(err.code, err.message), private: true }];
    throw err;
  }
}

export async function undo(ctx: DialogContext): Promise<Reply[]> {
  const { s, t, inbound } = ctx;
  if (!(await moderatorVia(ctx))) return [{ text: t.notModerator(), private: true }];
  const [last] = await s.grants
    .list({ community: inbound.context!.community!, moderatorUserId: ctx.userId, limit: 5 })
    .then((l) => l.filter((g) => !g.undone));
  if (!last) return [{ text: t.nothingToUndo(), private: true }];
  try {
    const g = await s.grants.undo(last.grantId, `user:${ctx.userId}`, 'undone by the moderator');
    const target = await s.users.get(g.userId);
    return [
      { text: t.grantUndone({ amount: g.points, user: target.displayName ?? `#${g.userId}` }) },
    ];
  } catch (err) {
    if (err instanceof DomainError)
      return [{ text: t.error(err.code, err.message), private: true }];
    throw err;
  }
}

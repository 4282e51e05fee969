// Personal points answers: balance, history, earning guide, check-in, invite, expiry,
// membership, upgrade path, leaderboard and account linking.
import { DomainError } from '../../shared/errors.js';
import { DAY } from '../../shared/clock.js';
import type { Reply } from '../assistant.types.js';
import type { Handler } from './dialog.types.js';
import { button, ids } from './actions.js';

const personal = (text: string, extra: Partial<Reply> = {}): Reply[] => [
  { text, private: true, ...extra },
];

export const balance: Handler = async ({ s, t, userId }) => {
  const b = await s.account.balance(userId);
  const soon = s.clock.now().getTime() + 30 * DAY;
  return personal(
    t.balance({
      ...b,
      expiring: b.expiring.filter((e) => new Date(e.expiresAt).getTime() <= soon),
    }),
  );
};

export const history: Handler = async ({ s, t, userId }) => {
  const h = await s.account.history(userId, { limit: 10 });
  return personal(
    t.history(
      h.items.map((e) => ({
        amount: e.amount,
        kind: e.kind,
        reason: e.reason,
        createdAt: e.createdAt,
      })),
    ),
  );
};

export const earnGuide: Handler = async ({ s, t, lang }) => {
  const rules = await s.rewards.earnGuide(lang);
  return [
    {
      text: t.earnGuide(rules.map((r) => ({ title: r.title, points: r.points }))),
      buttons: [
        button(ids.intent('checkin'), t.buttons.checkIn),
        button(ids.intent('invite'), t.buttons.invite),
      ],
    },
  ];
};

export const checkin: Handler = async ({ s, t, userId }) => {
  try {
    return personal(t.checkedIn(await s.checkins.checkin(userId)));
  } catch (err) {
    if (!(err instanceof DomainError && err.code === 'already_checked_in')) throw err;
    // The refusal says today's streak; asking the check-in status again costs four look-ups.
    const streak = (err.details as { streak?: number } | undefined)?.streak;
    if (typeof streak === 'number') return personal(t.alreadyCheckedIn(streak));
    const user = await s.users.get(userId);
    return personal(t.alreadyCheckedIn((await s.checkins.status(userId, user.timeZone)).streak));
  }
};

export const invite: Handler = async ({ s, t, userId }) => {
  const info = await s.referrals.info(userId);
  const [first, purchase] = await Promise.all(
    [s.rewards.getRule('referral.joined'), s.rewards.getRule('referral.first_purchase')].map((p) =>
      p.catch(() => undefined),
    ),
  );
  return personal(
    t.invite({
      link: info.link,
      code: info.code,
      rewardNow: first?.amount ?? 500,
      rewardPurchase: purchase?.amount ?? 1000,
    }),
  );
};

export const expiry: Handler = async ({ s, t, userId }) => {
  const e = await s.account.expirySummary(userId);
  return personal(t.expiry({ expiring: e.schedule, months: s.settings.pointsExpiryMonths }));
};

export const membership: Handler = async ({ s, t, userId }) => {
  const m = await s.membership.status(userId);
  const perks: string[] = [];
  if (m.benefits.vipFreeCourses) perks.push(t.perks.vipFree);
  if (m.benefits.membersOnlyCourses) perks.push(t.perks.membersOnly);
  if (m.trial) perks.push(t.perks.trialUntil(m.trial.until));
  return personal(
    t.membership({
      tier: m.tier,
      multiplier: m.benefits.multiplierPermille / 1000,
      discountPercent: m.benefits.redemptionDiscountPct,
      earned365: m.earned365,
      nextTier: m.next?.tier ?? null,
      toNext: m.next?.pointsNeeded ?? null,
      perks,
    }),
  );
};

export const upgrade: Handler = async ({ s, t, userId }) => {
  const m = await s.membership.status(userId);
  const trial = await s.catalog.getItem('vip-trial-7d').catch(() => undefined);
  const trialTitle = trial?.active ? t.pick(trial.titleZh, trial.titleEn) : undefined;
  return [
    {
      text: t.upgradePath({
        tier: m.tier,
        nextTier: m.next?.tier ?? null,
        toNext: m.next?.pointsNeeded ?? null,
        trialItem: trialTitle,
      }),
      buttons:
        trialTitle && m.tier !== 'vip' ? [button(ids.item('vip-trial-7d'), trialTitle)] : undefined,
      private: true,
    },
  ];
};

export const leaderboard: Handler = async ({ s, t, userId, inbound, entities, text }) => {
  const period = /周|week/i.test(text)
    ? 'week'
    : /月|month/i.test(text)
      ? 'month'
      : ((entities as { period?: 'all' | 'week' | 'month' }).period ?? 'all');
  const community = inbound.context?.community;
  const board = await s.leaderboard.leaderboard({ period, community, limit: 10, userId });
  const rows = board.entries.map((e) => ({
    rank: e.rank,
    name: e.displayName ?? `#${e.userId}`,
    points: e.points,
    me: e.userId === userId,
  }));
  if (board.me && !rows.some((r) => r.me))
    rows.push({
      rank: board.me.rank,
      name: board.me.displayName ?? `#${userId}`,
      points: board.me.points,
      me: true,
    });
  return [
    {
      text: t.leaderboard({ period, rows, community }),
      buttons: (['all', 'week', 'month'] as const)
        .filter((p) => p !== period)
        .map((p) => button(ids.top(p), t.buttons.period[p])),
    },
  ];
};

export const link: Handler = async ({ s, t, userId, inbound, text }) => {
  const code =
    (inbound.command?.args?.code as string | undefined) ??
    /\b([A-Za-z0-9]{6,12})\b/.exec(inbound.command ? text : '')?.[1];
  if (code) {
    await s.link.redeemCode(userId, code, `user:${userId}`);
    return personal(t.linked());
  }
  const c = await s.link.createCode(userId);
  const minutes = Math.max(
    1,
    Math.round((new Date(c.expiresAt).getTime() - s.clock.now().getTime()) / 60_000),
  );
  return personal(t.linkCode(c.code, minutes));
};

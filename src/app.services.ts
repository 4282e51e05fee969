// Builds every application service from config, ORM and logger. Channels (HTTP, bots, chat)
// receive this object and never reach past it. Tests may pass their own clock.
import type { Config } from './config.js';
import type { Orm } from './db/orm.js';
import type { Em } from './db/sql.js';
import type { Logger } from './shared/logger.js';
import { systemClock, type Clock } from './shared/clock.js';
import { createLedgerService } from './ledger/ledger.service.js';
import { entriesOf } from './ledger/ledger.queries.js';
import { balanceOf } from './ledger/ledger.wallet.js';
import { verifyLedger } from './ledger/ledger.verify.js';
import { createUsersService } from './membership/users.service.js';
import { createMembershipService } from './membership/membership.service.js';
import { createRolesService } from './membership/roles.service.js';
import { createLinkService } from './membership/link.service.js';
import { ledgerMergeHook } from './ledger/ledger.merge.js';
import { ordersMergeHook } from './orders/orders.merge.js';
import { rewardsMergeHook } from './rewards/rewards.merge.js';
import { mergedUserIds, resolveUserId } from './membership/user.lock.js';
import { createAccountService } from './membership/account.service.js';
import { createCatalogService } from './catalog/catalog.service.js';
import { createRewardsService } from './rewards/rewards.service.js';
import { pointsEarned } from './rewards/rewards.earned.js';
import { createCheckinService, type CheckinService } from './rewards/checkin.service.js';
import { createEventsService } from './rewards/events.service.js';
import { createReferralsService } from './rewards/referrals.service.js';
import { createGrantsService } from './rewards/grants.service.js';
import { createLeaderboardService } from './rewards/leaderboard.service.js';
import { createOrdersService, type OrdersService } from './orders/orders.service.js';
import { createPaymentProvider } from './orders/payment.factory.js';
import { courseRating, hasOrders, isOrderPaid } from './orders/orders.facts.js';
import { createCheckoutService } from './orders/checkout.service.js';
import { createReviewsService } from './orders/reviews.service.js';
import { createSupportService } from './assistant/support.service.js';
import { createAssistant } from './assistant/assistant.service.js';
import { createAssistantStore } from './assistant/assistant.store.js';
import { assistantMergeHook } from './assistant/assistant.merge.js';
import { createIdentityLookup } from './membership/identity.lookup.js';
import { createEnrollmentCounts } from './orders/enrollment.counts.js';
import { createRateLimits, type RateLimit } from './shared/rate-limits.js';
import { countRateLimited } from './shared/metrics.js';
import { createWebSessionsService } from './membership/web-sessions.service.js';

export function createCoreServices(deps: {
  config: Config;
  orm: Orm;
  logger: Logger;
  clock?: Clock;
}) {
  const { config, orm, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const em = orm.em as unknown as Em;
  const ledger = createLedgerService({
    em,
    logger: logger.child({ module: 'ledger' }),
    expiry: { months: config.POINTS_EXPIRY_MONTHS, timeZone: config.TIME_ZONE },
    batching: { maxInFlight: config.LEDGER_BATCH_IN_FLIGHT, maxBatch: config.LEDGER_BATCH_MAX },
    resolveUser: resolveUserId,
  });
  const users = createUsersService({ em, ledger, defaultTimeZone: config.TIME_ZONE });
  const ledgerQueries = {
    // A merged user's id reads the survivor's account, like every call that names a user.
    balance: async (userId: number) => {
      const id = await resolveUserId(em, userId);
      return { userId: id, ...(await balanceOf(em, id)) };
    },
    entries: async (userId: number, opts: { limit: number; cursor?: number }) => {
      const id = await resolveUserId(em, userId);
      return { userId: id, ...(await entriesOf(em, id, opts)) };
    },
    verify: () => verifyLedger(em, { mergedUserIds }),
  };
  const membership = createMembershipService({ em, clock, pointsEarned });
  const roles = createRolesService({ em, clock });
  const account = createAccountService({ em, clock });
  const catalog = createCatalogService({ em, courseRating });
  const rewards = createRewardsService({ em, ledger, membership, clock, isOrderPaid });
  const referrals = createReferralsService({
    em,
    clock,
    rewards,
    publicUrl: config.PUBLIC_URL,
    hasOrders,
  });
  // The invitee's first interaction rewards the inviter; it runs after the user's own transaction.
  const onInteraction = async (userId: number) => {
    try {
      await referrals.onInteraction(userId);
    } catch (err) {
      logger.warn({ err, userId }, 'referral reward deferred to the next interaction');
    }
  };
  const checkins = createCheckinService({ em, clock, rewards, ledger, onInteraction });
  const events = createEventsService({ em, clock, rewards, onInteraction });
  const grants = createGrantsService({ em, clock, rewards, roles });
  const leaderboard = createLeaderboardService({ em, clock, timeZone: config.TIME_ZONE });
  // Rewards take self-referral points back before the ledger moves what is left.
  const mergeHooks = [
    rewardsMergeHook(rewards),
    ledgerMergeHook(ledger),
    ordersMergeHook,
    assistantMergeHook,
  ];
  const link = createLinkService({ em, clock, membership, hooks: mergeHooks });
  const orders = createOrdersService({ em, clock, ledger, catalog, membership, onInteraction });
  // `sandbox` is the same provider when PAYMENT_PROVIDER=sandbox (its pay page is ours), else null.
  const { provider: paymentProvider, sandbox } = createPaymentProvider(config.PAYMENT_PROVIDER, {
    em,
    clock,
    publicUrl: config.PUBLIC_URL,
  });
  const checkout = createCheckoutService({
    em,
    clock,
    logger: logger.child({ module: 'payments' }),
    ledger,
    catalog,
    membership,
    rewards,
    referrals,
    orders,
    provider: paymentProvider,
  });
  const reviews = createReviewsService({ em, clock, catalog, events });
  // Check-ins and redemptions are limited per (merge-resolved) user here, the one place the
  // HTTP routes and every chat channel pass, before the services write anything.
  const limits = createRateLimits(config, countRateLimited);
  const { checkins: limitedCheckins, orders: limitedOrders } = withUserLimits(
    { checkins, orders },
    limits,
    (userId) => resolveUserId(em, userId),
  );
  const webSessions = createWebSessionsService({
    em,
    clock,
    ttlHours: config.WEB_SESSION_TTL_HOURS,
    rotateHours: config.WEB_SESSION_ROTATE_HOURS,
  });
  // Filled in by the bots once connected (the invite page links to the Telegram bot).
  const botProfiles: { telegramUsername?: string } = {};
  return {
    botProfiles,
    config,
    orm,
    em,
    logger,
    clock,
    ledger,
    ledgerQueries,
    users,
    membership,
    roles,
    account,
    catalog,
    rewards,
    referrals,
    checkins: limitedCheckins,
    events,
    grants,
    leaderboard,
    link,
    orders: limitedOrders,
    paymentProvider,
    checkout,
    reviews,
    sandbox,
    limits,
    webSessions,
  };
}

/** Every service, plus the assistant that every chat channel talks to. */
export function createServices(deps: { config: Config; orm: Orm; logger: Logger; clock?: Clock }) {
  const core = createCoreServices(deps);
  const { support, assistant, store } = createAssistantOver(core);
  // A referral accepted over the API is news for the invitee's next chat turn (the inviter's
  // join reward); the assistant's own /start tells itself.
  const referrals: typeof core.referrals = {
    ...core.referrals,
    accept: async (inviteeUserId, code) => {
      const accepted = await core.referrals.accept(inviteeUserId, code);
      await store.referralAccepted(accepted.inviteeUserId);
      return accepted;
    },
  };
  return { ...core, referrals, support, assistant };
}

/** The assistant over these services: it is handed the ones it calls, its own store and the two
 * settings it shows, nothing more. */
export function createAssistantOver(
  core: ReturnType<typeof createCoreServices>,
  opts: { catalogTtlMs?: number } = {},
) {
  const { em, config } = core;
  const support = createSupportService({ em });
  const store = createAssistantStore({ em });
  const assistant = createAssistant({
    services: {
      ...pick(core, 'clock', 'users', 'account', 'membership', 'roles', 'link', 'catalog'),
      ...pick(core, 'rewards', 'referrals', 'grants', 'leaderboard', 'checkout'),
      ...forTheTurn(core),
      identities: createIdentityLookup({ em }),
      enrollments: createEnrollmentCounts({ em }),
      settings: { publicUrl: config.PUBLIC_URL, pointsExpiryMonths: config.POINTS_EXPIRY_MONTHS },
    },
    support,
    store,
    logger: core.logger.child({ module: 'assistant' }),
    catalogTtlMs: opts.catalogTtlMs,
  });
  return { support, assistant, store };
}

/**
 * The check-ins and orders the assistant calls. Its turn names the user by the survivor id its
 * identity look-up resolved and records the interaction itself (the referral check at the end
 * of the turn), so these skip the merge-chain look-ups and the referral check that the HTTP
 * routes need; they count against the same per-user limits, keyed by that id.
 */
function forTheTurn(core: ReturnType<typeof createCoreServices>) {
  const base = pick(core, 'em', 'clock', 'ledger');
  const checkins = createCheckinService({ ...base, rewards: core.rewards });
  const orders = createOrdersService({
    ...base,
    ...pick(core, 'catalog', 'membership'),
    survivorIds: true,
  });
  // The turn's id is already the survivor: the limits count against it as it is.
  return withUserLimits({ checkins, orders }, core.limits, (userId) => userId);
}

/** Check-ins and redemptions count against the per-user limits (keyed by `userKey`) before
 * the services write anything. */
function withUserLimits(
  s: { checkins: CheckinService; orders: OrdersService },
  limits: { checkinUser: RateLimit; redeemUser: RateLimit },
  userKey: (userId: number) => number | Promise<number>,
) {
  const take = (limit: RateLimit) => async (userId: number) => limit.consume(await userKey(userId));
  const checkinLimit = take(limits.checkinUser);
  const redeemLimit = take(limits.redeemUser);
  return {
    checkins: {
      ...s.checkins,
      checkin: async (userId) => (await checkinLimit(userId), s.checkins.checkin(userId)),
    } satisfies CheckinService,
    orders: {
      ...s.orders,
      redeem: async (input) => (await redeemLimit(input.userId), s.orders.redeem(input)),
      confirm: async (input) => (await redeemLimit(input.userId), s.orders.confirm(input)),
    } satisfies OrdersService,
  };
}

function pick<T extends object, K extends keyof T>(from: T, ...keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, from[k]])) as Pick<T, K>;
}

export type AppServices = ReturnType<typeof createServices>;

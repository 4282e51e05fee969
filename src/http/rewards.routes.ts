// Earning: POST /v1/events, check-ins, the earn guide, referrals, the leaderboard, moderator
// grants per community; admin: earning rules and grant undo.
import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from './router.js';
import {
  errorResponses,
  Id,
  IdempotencyHeaders,
  IdParam,
  json,
  jsonBody,
  Limit,
  Points,
  rateLimitedResponses,
  Reason,
  security,
  UserIdParams,
} from './common.schemas.js';
import type { AppServices } from '../app.services.js';
import { COMMUNITY_PATTERN } from '../membership/roles.service.js';

const Key = z.string().trim().min(1).max(120);
const Slug = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .regex(/^[a-z0-9][a-z0-9-]*$/);
const EventBody = z
  .discriminatedUnion('type', [
    z
      .object({
        type: z.literal('lesson.completed'),
        userId: Id,
        occurredAt: z.string().datetime({ offset: true }).optional(),
        data: z.object({ lessonId: Key, courseSlug: Slug.optional() }).strict(),
      })
      .strict(),
    z
      .object({
        type: z.literal('quiz.passed'),
        userId: Id,
        occurredAt: z.string().datetime({ offset: true }).optional(),
        data: z
          .object({
            quizId: Key,
            courseSlug: Slug.optional(),
            score: z.number().int().min(0).max(100).optional(),
          })
          .strict(),
      })
      .strict(),
    z
      .object({
        type: z.literal('review.posted'),
        userId: Id,
        occurredAt: z.string().datetime({ offset: true }).optional(),
        data: z
          .object({ courseSlug: Slug, rating: z.number().int().min(1).max(5).optional() })
          .strict(),
      })
      .strict(),
    z
      .object({
        type: z.literal('user.interacted'),
        userId: Id,
        occurredAt: z.string().datetime({ offset: true }).optional(),
        data: z
          .object({ channel: z.string().max(40).optional() })
          .strict()
          .default({}),
      })
      .strict(),
    z
      .object({
        type: z.literal('purchase.completed'),
        userId: Id,
        occurredAt: z.string().datetime({ offset: true }).optional(),
        data: z
          .object({
            purchaseId: Key,
            amountFen: z.number().int().min(1).max(100_000_000),
            description: z.string().max(200).optional(),
          })
          .strict(),
      })
      .strict(),
    z
      .object({
        type: z.literal('purchase.refunded'),
        userId: Id,
        occurredAt: z.string().datetime({ offset: true }).optional(),
        data: z.object({ purchaseId: Key }).strict(),
      })
      .strict(),
  ])
  .openapi('LearningEvent');

const AwardSchema = z.object({
  ruleCode: z.string(),
  awarded: z.boolean(),
  points: z.number().int(),
  pending: z.boolean(),
  reason: z.string().nullable(),
  retryAt: z.string().nullable(),
});
const EventResult = z
  .object({
    eventId: z.number().int(),
    type: z.string(),
    userId: z.number().int(),
    points: z.number().int(),
    reversedPoints: z.number().int(),
    awards: z.array(AwardSchema),
    balance: z.number().int(),
    replayed: z.boolean(),
  })
  .openapi('EventResult');
const CheckinResult = z
  .object({
    userId: z.number().int(),
    date: z.string(),
    points: z.number().int(),
    streak: z.number().int(),
    balance: z.number().int(),
    tomorrowBasePoints: z.number().int(),
    nextCheckinAt: z.string(),
  })
  .openapi('CheckinResult');
const Lang = z.object({ lang: z.enum(['zh', 'en']).default('zh') });
const Community = z.string().regex(COMMUNITY_PATTERN, 'telegram:<chatId> or discord:<guildId>');
const RuleSchema = z
  .object({
    code: z.string(),
    trigger: z.string(),
    titleZh: z.string(),
    titleEn: z.string(),
    descriptionZh: z.string(),
    descriptionEn: z.string(),
    amount: z.number().int().nullable(),
    ratePerYuan: z.number().int().nullable(),
    streakBonus: z.number().int().nullable(),
    maxPoints: z.number().int().nullable(),
    dailyLimit: z.number().int().nullable(),
    totalLimit: z.number().int().nullable(),
    monthlyLimit: z.number().int().nullable(),
    cooldownSeconds: z.number().int().nullable(),
    actorDailyMax: z.number().int().nullable(),
    applyMultiplier: z.boolean(),
    pendingDays: z.number().int().nullable(),
    active: z.boolean(),
    startsAt: z.string().nullable(),
    endsAt: z.string().nullable(),
    sortOrder: z.number().int(),
  })
  .openapi('EarningRule');
const Count = z.number().int().min(0).max(1_000_000).nullable();
const RulePatch = z
  .object({
    titleZh: z.string().trim().min(1).max(200),
    titleEn: z.string().trim().min(1).max(200),
    descriptionZh: z.string().max(2000),
    descriptionEn: z.string().max(2000),
    amount: Count,
    ratePerYuan: Count,
    streakBonus: Count,
    maxPoints: Count,
    dailyLimit: Count,
    totalLimit: Count,
    monthlyLimit: Count,
    cooldownSeconds: z
      .number()
      .int()
      .min(0)
      .max(365 * 86400)
      .nullable(),
    actorDailyMax: Count,
    applyMultiplier: z.boolean(),
    pendingDays: z.number().int().min(0).max(365).nullable(),
    active: z.boolean(),
    startsAt: z.string().datetime({ offset: true }).nullable(),
    endsAt: z.string().datetime({ offset: true }).nullable(),
    sortOrder: z.number().int().min(0).max(10_000),
  })
  .partial()
  .strict()
  .refine((o) => Object.keys(o).length > 0, 'nothing to change');
const GrantSchema = z
  .object({
    grantId: z.number().int(),
    community: z.string(),
    moderatorUserId: z.number().int(),
    userId: z.number().int(),
    points: z.number().int(),
    reason: z.string(),
    entryId: z.number().int(),
    undone: z.boolean(),
    createdAt: z.string(),
    moderatorRemainingToday: z.number().int(),
    replayed: z.boolean(),
  })
  .openapi('ModeratorGrant');

const ruleJson = (r: Awaited<ReturnType<AppServices['rewards']['getRule']>>) => ({
  ...r,
  startsAt: r.startsAt ? r.startsAt.toISOString() : null,
  endsAt: r.endsAt ? r.endsAt.toISOString() : null,
});
const actor = (c: { get: (k: 'role') => string | undefined }) => `api:${c.get('role')}`;

export function rewardsRoutes(s: AppServices) {
  const r = newRouter();

  r.openapi(
    createRoute({
      method: 'post',
      path: '/events',
      tags: ['rewards'],
      security,
      summary:
        'Report a learning or activity event; earns per the rules, once per key and occasion',
      description:
        'Service and admin keys may report lesson.completed, quiz.passed, review.posted and user.interacted. purchase.completed and purchase.refunded need an admin key (403 forbidden otherwise): they earn or take back points by an amount the caller names. Paid course orders earn their points through the payment webhook, not here.',
      request: { headers: IdempotencyHeaders, body: jsonBody(EventBody) },
      responses: { 201: json(EventResult, 'Recorded (or replayed)'), ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const res = await s.events.record(
        { ...body, key: c.req.valid('header')['idempotency-key'] } as Parameters<
          AppServices['events']['record']
        >[0],
        {
          actor: actor(c),
          role: c.get('role') === 'admin' ? 'admin' : 'service',
        },
      );
      return c.json(res, 201);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/checkins',
      tags: ['rewards'],
      security,
      summary: "Daily check-in (streak in the user's time zone)",
      request: { params: UserIdParams },
      responses: {
        201: json(CheckinResult, 'Checked in'),
        ...errorResponses,
        ...rateLimitedResponses,
      },
    }),
    async (c) => c.json(await s.checkins.checkin(c.req.valid('param').id), 201),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/users/{id}/checkins',
      tags: ['rewards'],
      security,
      summary: 'Check-in status: today, current streak',
      request: { params: UserIdParams },
      responses: {
        200: json(
          z.object({
            checkedInToday: z.boolean(),
            today: z.string(),
            streak: z.number().int(),
            nextCheckinAt: z.string(),
          }),
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const u = await s.users.get(c.req.valid('param').id);
      return c.json(await s.checkins.status(u.id, u.timeZone), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/earn-guide',
      tags: ['rewards'],
      security,
      summary: 'How to earn points: the active rules in zh or en',
      request: { query: Lang },
      responses: {
        200: json(
          z.object({
            lang: z.enum(['zh', 'en']),
            items: z.array(
              z.object({
                code: z.string(),
                title: z.string(),
                description: z.string(),
                points: z.string(),
              }),
            ),
          }),
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { lang } = c.req.valid('query');
      return c.json({ lang, items: await s.rewards.earnGuide(lang) }, 200);
    },
  );

  const ReferralInfo = z
    .object({
      code: z.string(),
      link: z.string(),
      invited: z.number().int(),
      rewarded: z.number().int(),
      pointsEarned: z.number().int(),
      referredBy: z.number().int().nullable(),
    })
    .openapi('ReferralInfo');
  r.openapi(
    createRoute({
      method: 'get',
      path: '/users/{id}/referral',
      tags: ['rewards'],
      security,
      summary: "The user's referral code, link and results",
      request: { params: UserIdParams },
      responses: { 200: json(ReferralInfo), ...errorResponses },
    }),
    async (c) => c.json(await s.referrals.info(c.req.valid('param').id), 200),
  );
  r.openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/referral',
      tags: ['rewards'],
      security,
      summary: "Accept an invitation: bind this new user to the code's owner",
      request: {
        params: UserIdParams,
        body: jsonBody(z.object({ code: z.string().trim().min(4).max(32) }).strict()),
      },
      responses: {
        201: json(
          z.object({ inviterUserId: z.number().int(), inviteeUserId: z.number().int() }),
          'Bound',
        ),
        ...errorResponses,
      },
    }),
    async (c) =>
      c.json(await s.referrals.accept(c.req.valid('param').id, c.req.valid('json').code), 201),
  );

  const Entry = z.object({
    rank: z.number().int(),
    userId: z.number().int(),
    displayName: z.string().nullable(),
    points: z.number().int(),
  });
  r.openapi(
    createRoute({
      method: 'get',
      path: '/leaderboard',
      tags: ['rewards'],
      security,
      summary:
        'Points earned, all time / this week / this month; global or per community; staff excluded',
      request: {
        query: z.object({
          period: z.enum(['all', 'week', 'month']).default('all'),
          community: Community.optional(),
          limit: Limit(100, 10),
          userId: IdParam.optional(),
        }),
      },
      responses: {
        200: json(
          z
            .object({
              period: z.string(),
              community: z.string().nullable(),
              since: z.string().nullable(),
              entries: z.array(Entry),
              me: Entry.nullable(),
            })
            .openapi('Leaderboard'),
        ),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await s.leaderboard.leaderboard(c.req.valid('query')), 200),
  );

  const CommunityParams = z.object({
    community: Community.openapi({
      param: { name: 'community', in: 'path' },
      example: 'telegram:-1001234',
    }),
  });
  r.openapi(
    createRoute({
      method: 'post',
      path: '/communities/{community}/grants',
      tags: ['rewards'],
      security,
      summary:
        'A moderator grants task points (admin key only: the grant names its moderator; ≤ 500 per grant, ≤ 5,000 per day, reason required)',
      request: {
        params: CommunityParams,
        headers: IdempotencyHeaders,
        body: jsonBody(
          z.object({ moderatorUserId: Id, userId: Id, points: Points, reason: Reason }).strict(),
        ),
      },
      responses: { 201: json(GrantSchema, 'Granted (or replayed)'), ...errorResponses },
    }),
    async (c) =>
      c.json(
        await s.grants.grant({
          ...c.req.valid('json'),
          community: c.req.valid('param').community,
          key: c.req.valid('header')['idempotency-key'],
        }),
        201,
      ),
  );
  r.openapi(
    createRoute({
      method: 'post',
      path: '/communities/{community}/members',
      tags: ['membership'],
      security,
      summary: 'Record that a user belongs to a community (for its leaderboard)',
      request: { params: CommunityParams, body: jsonBody(z.object({ userId: Id }).strict()) },
      responses: { 201: json(z.object({ ok: z.literal(true) }), 'Recorded'), ...errorResponses },
    }),
    async (c) => {
      await s.roles.join(c.req.valid('json').userId, c.req.valid('param').community);
      return c.json({ ok: true as const }, 201);
    },
  );

  const admin = newRouter();
  admin.openapi(
    createRoute({
      method: 'get',
      path: '/rules',
      tags: ['admin'],
      security,
      summary: 'Earning rules',
      responses: { 200: json(z.object({ items: z.array(RuleSchema) })), ...errorResponses },
    }),
    async (c) => c.json({ items: (await s.rewards.listRules()).map(ruleJson) }, 200),
  );
  admin.openapi(
    createRoute({
      method: 'patch',
      path: '/rules/{code}',
      tags: ['admin'],
      security,
      summary: 'Change an earning rule (amount or rate, caps, cooldown, window, active)',
      request: {
        params: z.object({
          code: z
            .string()
            .min(1)
            .max(60)
            .regex(/^[a-z._]+$/)
            .openapi({ param: { name: 'code', in: 'path' }, example: 'checkin.daily' }),
        }),
        body: jsonBody(RulePatch),
      },
      responses: { 200: json(RuleSchema), ...errorResponses },
    }),
    async (c) =>
      c.json(
        ruleJson(
          await s.rewards.updateRule(c.req.valid('param').code, c.req.valid('json'), actor(c)),
        ),
        200,
      ),
  );
  admin.openapi(
    createRoute({
      method: 'get',
      path: '/moderator-grants',
      tags: ['admin'],
      security,
      summary: 'Moderator grants, newest first',
      request: {
        query: z.object({
          community: Community.optional(),
          moderatorUserId: IdParam.optional(),
          limit: Limit(200, 50),
        }),
      },
      responses: { 200: json(z.object({ items: z.array(GrantSchema) })), ...errorResponses },
    }),
    async (c) => c.json({ items: await s.grants.list(c.req.valid('query')) }, 200),
  );
  admin.openapi(
    createRoute({
      method: 'post',
      path: '/moderator-grants/{id}/undo',
      tags: ['admin'],
      security,
      summary: 'Undo a moderator grant (ledger reversal, audited)',
      request: {
        params: z.object({ id: IdParam.openapi({ param: { name: 'id', in: 'path' } }) }),
        body: jsonBody(z.object({ reason: Reason }).strict()),
      },
      responses: { 200: json(GrantSchema), ...errorResponses },
    }),
    async (c) =>
      c.json(
        await s.grants.undo(c.req.valid('param').id, actor(c), c.req.valid('json').reason),
        200,
      ),
  );

  return { public: r, admin };
}

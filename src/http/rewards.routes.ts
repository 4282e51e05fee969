// Earning: POST /v1/events, check-ins, the earn guide, referrals, the leaderboard, moderator
// grants per community; the admin routes (earning rules, grant undo) are in rewards.admin.routes.ts.
import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from './router.js';
import { rewardsAdminRoutes } from './rewards.admin.routes.js';
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
import {
  EventBody,
  EventResult,
  CheckinResult,
  Lang,
  Community,
  GrantSchema,
  actor,
} from './rewards.schemas.js';

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

  const admin = rewardsAdminRoutes(s);

  return { public: r, admin };
}

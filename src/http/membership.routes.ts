// Membership and identity: tier status, link codes and merges, moderator roles (admin),
// and the points views the assistant uses (history incl. merged accounts, expiry summary).
import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from './router.js';
import {
  errorResponses,
  Id,
  IdParam,
  json,
  jsonBody,
  Limit,
  security,
  UserIdParams,
} from './common.schemas.js';
import type { AppServices } from '../app.services.js';
import { auditTrail } from '../shared/audit.js';
import { runBusinessJobs } from '../jobs.js';
import {
  MembershipSchema,
  Community,
  RoleSchema,
  EntrySchema,
  actor,
} from './membership.schemas.js';

export function membershipRoutes(s: AppServices) {
  const r = newRouter();

  r.openapi(
    createRoute({
      method: 'get',
      path: '/users/{id}/membership',
      tags: ['membership'],
      security,
      summary: 'Tier, benefits and points needed for the next tier',
      request: { params: UserIdParams },
      responses: { 200: json(MembershipSchema), ...errorResponses },
    }),
    async (c) => {
      return c.json(await s.membership.status(c.req.valid('param').id), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/link-code',
      tags: ['membership'],
      security,
      summary: 'A one-time code (10 minutes) to link another channel identity',
      request: { params: UserIdParams },
      responses: {
        201: json(z.object({ code: z.string(), expiresAt: z.string() }), 'Created'),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await s.link.createCode(c.req.valid('param').id), 201),
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/link',
      tags: ['membership'],
      security,
      summary: "Enter a link code as this user: merges this user into the code's owner",
      request: {
        params: UserIdParams,
        body: jsonBody(z.object({ code: z.string().trim().min(4).max(20) }).strict()),
      },
      responses: {
        200: json(
          z.object({
            userId: z.number().int(),
            mergedUserId: z.number().int(),
            pointsMoved: z.number().int(),
            pendingMoved: z.number().int(),
            lotsMoved: z.number().int(),
            identities: z.array(z.object({ channel: z.string(), externalId: z.string() })),
            enrollmentsMoved: z.number().int(),
            notes: z.array(z.string()),
          }),
        ),
        ...errorResponses,
      },
    }),
    async (c) =>
      c.json(
        await s.link.redeemCode(c.req.valid('param').id, c.req.valid('json').code, actor(c)),
        200,
      ),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/users/{id}/roles',
      tags: ['membership'],
      security,
      request: { params: UserIdParams },
      responses: { 200: json(z.object({ items: z.array(RoleSchema) })), ...errorResponses },
    }),
    async (c) => c.json({ items: await s.roles.roles(c.req.valid('param').id) }, 200),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/users/{id}/history',
      tags: ['ledger'],
      security,
      summary: 'Points history, newest first, including linked (merged) accounts',
      request: {
        params: UserIdParams,
        query: z.object({ limit: Limit(100, 20), cursor: IdParam.optional() }),
      },
      responses: {
        200: json(z.object({ items: z.array(EntrySchema), nextCursor: z.string().nullable() })),
        ...errorResponses,
      },
    }),
    async (c) =>
      c.json(await s.account.history(c.req.valid('param').id, c.req.valid('query')), 200),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/users/{id}/expiry',
      tags: ['ledger'],
      security,
      summary: 'When points expire: next expiry, the next 30 days, the schedule',
      request: { params: UserIdParams },
      responses: {
        200: json(
          z.object({
            balance: z.number().int(),
            pending: z.number().int(),
            expiringWithin30Days: z.number().int(),
            nextExpiry: z.object({ amount: z.number().int(), expiresAt: z.string() }).nullable(),
            schedule: z.array(z.object({ amount: z.number().int(), expiresAt: z.string() })),
            neverExpiring: z.number().int(),
          }),
        ),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await s.account.expirySummary(c.req.valid('param').id), 200),
  );

  const admin = newRouter();
  const RoleBody = z
    .object({ userId: Id, community: Community, role: z.literal('moderator').default('moderator') })
    .strict();
  admin.openapi(
    createRoute({
      method: 'post',
      path: '/roles',
      tags: ['admin'],
      security,
      summary: 'Make a user moderator of a community',
      request: { body: jsonBody(RoleBody) },
      responses: {
        201: json(RoleSchema, 'Granted'),
        200: json(RoleSchema, 'Already granted'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const b = c.req.valid('json');
      const res = await s.roles.grantModerator(b.userId, b.community, actor(c));
      return c.json(res.role, res.created ? 201 : 200);
    },
  );
  admin.openapi(
    createRoute({
      method: 'post',
      path: '/roles/revoke',
      tags: ['admin'],
      security,
      summary: 'Revoke a moderator role',
      request: { body: jsonBody(RoleBody) },
      responses: { 200: json(z.object({ revoked: z.boolean() })), ...errorResponses },
    }),
    async (c) => {
      const b = c.req.valid('json');
      return c.json(await s.roles.revokeModerator(b.userId, b.community, actor(c)), 200);
    },
  );
  const PlatformRoles = z
    .object({ roleIds: z.array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)).max(50) })
    .strict();
  admin.openapi(
    createRoute({
      method: 'put',
      path: '/communities/{community}/moderator-roles',
      tags: ['admin'],
      security,
      summary: 'Platform roles (e.g. Discord role ids) whose members moderate the community',
      request: { params: z.object({ community: Community }), body: jsonBody(PlatformRoles) },
      responses: {
        200: json(z.object({ community: z.string(), roleIds: z.array(z.string()) })),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { community } = c.req.valid('param');
      const roleIds = await s.roles.setModeratorPlatformRoles(
        community,
        c.req.valid('json').roleIds,
        actor(c),
      );
      return c.json({ community, roleIds }, 200);
    },
  );
  admin.openapi(
    createRoute({
      method: 'get',
      path: '/communities/{community}/moderator-roles',
      tags: ['admin'],
      security,
      request: { params: z.object({ community: Community }) },
      responses: {
        200: json(z.object({ community: z.string(), roleIds: z.array(z.string()) })),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { community } = c.req.valid('param');
      return c.json({ community, roleIds: await s.roles.moderatorPlatformRoles(community) }, 200);
    },
  );
  admin.openapi(
    createRoute({
      method: 'get',
      path: '/audit',
      tags: ['admin'],
      security,
      summary:
        'Audit trail of a subject (user:<id>, order:<id>, rule:<code>, course:<slug>, item:<slug>)',
      request: {
        query: z.object({
          subject: z
            .string()
            .min(3)
            .max(120)
            .regex(/^[a-z]+:[A-Za-z0-9._:-]+$/),
        }),
      },
      responses: {
        200: json(
          z.object({
            items: z.array(
              z.object({
                id: z.number().int(),
                actor: z.string(),
                action: z.string(),
                subject: z.string(),
                details: z.record(z.string(), z.unknown()),
                createdAt: z.string(),
              }),
            ),
          }),
        ),
        ...errorResponses,
      },
    }),
    async (c) => c.json({ items: await auditTrail(s.em, c.req.valid('query').subject) }, 200),
  );
  admin.openapi(
    createRoute({
      method: 'post',
      path: '/jobs/run',
      tags: ['admin'],
      security,
      summary:
        'Run the periodic jobs now (payment timeouts, pending releases, refunds, tiers, expiry)',
      responses: {
        200: json(
          z.object({
            expiredOrders: z.number().int(),
            released: z.number().int(),
            resumedRefunds: z.number().int(),
            tiersChanged: z.number().int(),
          }),
        ),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await runBusinessJobs(s), 200),
  );

  return { public: r, admin };
}

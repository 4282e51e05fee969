// Admin earning routes: earning rules (list, change) and moderator grants (list, undo).
import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from './router.js';
import {
  errorResponses,
  IdParam,
  json,
  jsonBody,
  Limit,
  Reason,
  security,
} from './common.schemas.js';
import type { AppServices } from '../app.services.js';
import {
  Community,
  RuleSchema,
  RulePatch,
  GrantSchema,
  ruleJson,
  actor,
} from './rewards.schemas.js';

export function rewardsAdminRoutes(s: AppServices) {
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

  return admin;
}

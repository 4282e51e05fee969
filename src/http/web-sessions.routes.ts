// POST /v1/admin/web-sessions/revoke: an admin ends every web chat session of a user (for a
// merged user, its survivor's); the browsers holding them start over as new web users.
import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from './router.js';
import { errorResponses, Id, json, jsonBody, security } from './common.schemas.js';
import type { AppServices } from '../app.services.js';

const RevokeRequest = z.object({ userId: Id }).strict().openapi('WebSessionRevokeRequest');
const RevokeResult = z
  .object({ userId: z.number().int(), revoked: z.number().int() })
  .openapi('WebSessionRevokeResult');

export function webSessionsRoutes(s: AppServices) {
  const r = newRouter();
  r.openapi(
    createRoute({
      method: 'post',
      path: '/web-sessions/revoke',
      tags: ['admin'],
      security,
      summary: 'Revoke every web chat session of a user',
      description:
        '`userId` is resolved through merges; `revoked` counts the live sessions ended. Cookies of those sessions (and signed cookies of earlier versions for this user) are treated as no cookie from now on.',
      request: { body: jsonBody(RevokeRequest) },
      responses: { 200: json(RevokeResult), ...errorResponses },
    }),
    async (c) => c.json(await s.webSessions.revokeUser(c.req.valid('json').userId), 200),
  );
  return r;
}

// Points redemptions over the API, in one step (POST /redemptions, optionally at a price quoted
// earlier) or two: a quote that holds the points (POST /quotes with "hold": true), then
// POST /quotes/{quoteId}/confirm or /cancel. An unconfirmed quote expires with its hold.
import { createRoute, z } from '@hono/zod-openapi';
import type { newRouter } from './router.js';
import {
  errorResponses,
  IdempotencyHeaders,
  json,
  jsonBody,
  rateLimitedResponses,
  security,
  UserIdParams,
} from './common.schemas.js';
import { QuoteBody, QuoteParams, QuoteSchema, RedeemBody, RedeemResult } from './orders.schemas.js';
import type { AppServices } from '../app.services.js';

export function redemptionRoutes(r: ReturnType<typeof newRouter>, s: AppServices) {
  r.openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/redemptions',
      tags: ['orders'],
      security,
      summary: 'Redeem a course or mall item with points (idempotent)',
      request: { params: UserIdParams, headers: IdempotencyHeaders, body: jsonBody(RedeemBody) },
      responses: {
        201: json(RedeemResult, 'Redeemed (a replay returns the first result)'),
        ...errorResponses,
        ...rateLimitedResponses,
      },
    }),
    async (c) => {
      const res = await s.orders.redeem({
        ...c.req.valid('json'),
        userId: c.req.valid('param').id,
        key: c.req.valid('header')['idempotency-key'],
      });
      const { replayed, ...body } = res;
      if (replayed) c.header('idempotent-replayed', 'true');
      return c.json(body, 201);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/quotes',
      tags: ['orders'],
      security,
      summary:
        'What a redemption costs this user now and the balance after; the price holds 10 minutes',
      description:
        'With "hold": true the quoted points are also reserved (holdId) until the quote is confirmed (POST /users/{id}/quotes/{quoteId}/confirm), cancelled or expires; a physical item then needs its address here. Nothing is reserved when the redemption is blocked or unaffordable (quoteId null).',
      request: { params: UserIdParams, body: jsonBody(QuoteBody) },
      responses: { 201: json(QuoteSchema, 'Quoted'), ...errorResponses },
    }),
    async (c) =>
      c.json(
        await s.orders.start({ ...c.req.valid('json'), userId: c.req.valid('param').id }),
        201,
      ),
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/quotes/{quoteId}/confirm',
      tags: ['orders'],
      security,
      summary: 'Redeem what a holding quote reserved (idempotent on the quote)',
      description:
        "Posts the held points and creates the order. Confirming again returns the same order (header idempotent-replayed); an expired quote answers 409 quote_expired, a cancelled one 409 invalid_state, another user's 404 quote_not_found.",
      request: { params: QuoteParams },
      responses: {
        201: json(RedeemResult, 'Redeemed (a replay returns the first result)'),
        ...errorResponses,
        ...rateLimitedResponses,
      },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const { replayed, ...body } = await s.orders.confirm({ userId: p.id, quoteId: p.quoteId });
      if (replayed) c.header('idempotent-replayed', 'true');
      return c.json(body, 201);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/quotes/{quoteId}/cancel',
      tags: ['orders'],
      security,
      summary: 'Cancel a quote and release the points it held (again: no-op)',
      description:
        "A confirmed quote answers 409 invalid_state; another user's 404 quote_not_found.",
      request: { params: QuoteParams },
      responses: {
        200: json(z.object({ quoteId: z.string(), status: z.literal('cancelled') })),
        ...errorResponses,
      },
    }),
    async (c) => {
      const p = c.req.valid('param');
      return c.json(await s.orders.cancel({ userId: p.id, quoteId: p.quoteId }), 200);
    },
  );
}

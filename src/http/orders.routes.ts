// Orders (points and paid), refunds, reviews, enrollments; the payment webhook
// (signature-checked, no API key); admin order status changes. Redemptions and quotes are in
// redemptions.routes.ts.
import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from './router.js';
import { redemptionRoutes } from './redemptions.routes.js';
import { ordersAdminRoutes } from './orders.admin.routes.js';
import { OrderParams, OrderSchema, Slug } from './orders.schemas.js';
import {
  errorResponses,
  IdempotencyHeaders,
  IdParam,
  json,
  jsonBody,
  Limit,
  Reason,
  security,
  UserIdParams,
} from './common.schemas.js';
import type { AppServices } from '../app.services.js';

export function ordersRoutes(s: AppServices) {
  const r = newRouter();

  redemptionRoutes(r, s);

  r.openapi(
    createRoute({
      method: 'get',
      path: '/users/{id}/orders',
      tags: ['orders'],
      security,
      summary: "The user's orders, newest first",
      request: {
        params: UserIdParams,
        query: z.object({
          limit: Limit(100, 20),
          cursor: IdParam.optional(),
          status: z
            .string()
            .regex(/^[a-z_]{3,20}$/)
            .optional(),
        }),
      },
      responses: {
        200: json(z.object({ items: z.array(OrderSchema), nextCursor: z.string().nullable() })),
        ...errorResponses,
      },
    }),
    async (c) =>
      c.json(await s.orders.listOrders(c.req.valid('param').id, c.req.valid('query')), 200),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/users/{id}/orders/{orderId}',
      tags: ['orders'],
      security,
      summary: 'One order and its status',
      request: { params: OrderParams },
      responses: { 200: json(OrderSchema), ...errorResponses },
    }),
    async (c) => {
      const p = c.req.valid('param');
      return c.json(await s.orders.getOrder(p.orderId, p.id), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/orders',
      tags: ['orders'],
      security,
      summary:
        'Buy a course with money; points may pay up to 30% (100 points = ¥1). Returns the pay link.',
      request: {
        params: UserIdParams,
        headers: IdempotencyHeaders,
        body: jsonBody(
          z
            .object({
              courseSlug: Slug,
              points: z.number().int().min(0).max(100_000_000).default(0),
              couponCode: z.string().trim().min(4).max(40).optional(),
            })
            .strict(),
        ),
      },
      responses: {
        201: json(OrderSchema, 'Order created, waiting for payment'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { replayed, ...order } = await s.checkout.createOrder({
        ...c.req.valid('json'),
        userId: c.req.valid('param').id,
        key: c.req.valid('header')['idempotency-key'],
      });
      if (replayed) c.header('idempotent-replayed', 'true');
      return c.json(order, 201);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/users/{id}/checkout-quote',
      tags: ['orders'],
      security,
      summary: 'How many points can pay for a course now',
      request: { params: UserIdParams, query: z.object({ course: Slug }) },
      responses: {
        200: json(
          z.object({
            courseSlug: z.string(),
            priceFen: z.number().int(),
            maxPoints: z.number().int(),
            availablePoints: z.number().int(),
            usablePoints: z.number().int(),
            amountFenWithMaxPoints: z.number().int(),
          }),
        ),
        ...errorResponses,
      },
    }),
    async (c) =>
      c.json(
        await s.checkout.checkoutQuote(c.req.valid('param').id, c.req.valid('query').course),
        200,
      ),
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/orders/{orderId}/refund',
      tags: ['orders'],
      security,
      summary: 'Refund a paid course order inside the 7-day window',
      request: {
        params: OrderParams,
        body: {
          required: false,
          content: {
            'application/json': { schema: z.object({ reason: Reason.optional() }).strict() },
          },
        },
      },
      responses: {
        200: json(
          z.object({
            orderId: z.number().int(),
            status: z.literal('refunded'),
            refundedFen: z.number().int(),
            pointsReturned: z.number().int(),
            pointsReversed: z.number().int(),
            refundRef: z.string(),
          }),
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const body =
        (c.req.header('content-length') === '0' || !c.req.header('content-type')
          ? {}
          : c.req.valid('json')) ?? {};
      return c.json(
        await s.checkout.refund({ userId: p.id, orderId: p.orderId, reason: body.reason }),
        200,
      );
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/orders/{orderId}/cancel',
      tags: ['orders'],
      security,
      summary: 'Cancel a mall order before it ships (points and stock returned)',
      request: { params: OrderParams },
      responses: { 200: json(OrderSchema), ...errorResponses },
    }),
    async (c) => {
      const p = c.req.valid('param');
      return c.json(
        await s.orders.setStatus(p.orderId, 'cancelled', `user:${p.id}`, { userId: p.id }),
        200,
      );
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/users/{id}/enrollments',
      tags: ['orders'],
      security,
      request: { params: UserIdParams },
      responses: {
        200: json(
          z.object({
            items: z.array(
              z.object({
                slug: z.string(),
                titleZh: z.string(),
                titleEn: z.string(),
                source: z.string(),
                orderId: z.number().int().nullable(),
                enrolledAt: z.string(),
              }),
            ),
          }),
        ),
        ...errorResponses,
      },
    }),
    async (c) => c.json({ items: await s.orders.enrollments(c.req.valid('param').id) }, 200),
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/reviews',
      tags: ['orders'],
      security,
      summary: 'Review an enrolled course (1–5 and a comment, once per course)',
      request: {
        params: UserIdParams,
        body: jsonBody(
          z
            .object({
              courseSlug: Slug,
              rating: z.number().int().min(1).max(5),
              comment: z.string().trim().max(2000).default(''),
            })
            .strict(),
        ),
      },
      responses: {
        201: json(
          z.object({
            reviewId: z.number().int(),
            userId: z.number().int(),
            courseSlug: z.string(),
            rating: z.number().int(),
            comment: z.string(),
            createdAt: z.string(),
            points: z.number().int(),
          }),
          'Posted',
        ),
        ...errorResponses,
      },
    }),
    async (c) =>
      c.json(
        await s.reviews.post({ ...c.req.valid('json'), userId: c.req.valid('param').id }),
        201,
      ),
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/payments/webhook',
      tags: ['payments'],
      summary:
        'Payment provider webhook (HMAC-signed: X-Sandbox-Signature: t=<unix>,v1=<hex>; no API key)',
      description:
        'Body: {"id","type":"payment.succeeded"|"payment.failed","created","data":{"ref","merchantOrderId","amountFen"}}. Bad signature or stale timestamp → 401; a replayed event id has no second effect.',
      responses: {
        200: json(
          z.object({ received: z.literal(true), duplicate: z.boolean(), outcome: z.string() }),
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const raw = await c.req.text();
      const headers: Record<string, string> = {};
      c.req.raw.headers.forEach((v, k) => (headers[k] = v));
      return c.json(await s.checkout.handleWebhook(raw, headers), 200);
    },
  );

  return { public: r, admin: ordersAdminRoutes(s) };
}

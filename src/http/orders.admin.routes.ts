// Admin order routes: ship, deliver or cancel a physical order; read any order.
import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from './router.js';
import { errorResponses, IdParam, json, jsonBody, security } from './common.schemas.js';
import { OrderSchema } from './orders.schemas.js';
import type { AppServices } from '../app.services.js';

const actor = (c: { get: (k: 'role') => string | undefined }) => `api:${c.get('role')}`;

export function ordersAdminRoutes(s: AppServices) {
  const admin = newRouter();
  admin.openapi(
    createRoute({
      method: 'post',
      path: '/orders/{orderId}/status',
      tags: ['admin'],
      security,
      summary: 'Ship, deliver or cancel a physical order (cancel returns points and stock)',
      request: {
        params: z.object({ orderId: IdParam.openapi({ param: { name: 'orderId', in: 'path' } }) }),
        body: jsonBody(
          z
            .object({
              status: z.enum(['shipped', 'delivered', 'cancelled']),
              note: z.string().trim().max(300).optional(),
            })
            .strict(),
        ),
      },
      responses: { 200: json(OrderSchema), ...errorResponses },
    }),
    async (c) => {
      const b = c.req.valid('json');
      return c.json(
        await s.orders.setStatus(c.req.valid('param').orderId, b.status, actor(c), {
          note: b.note,
        }),
        200,
      );
    },
  );
  admin.openapi(
    createRoute({
      method: 'get',
      path: '/orders/{orderId}',
      tags: ['admin'],
      security,
      request: {
        params: z.object({ orderId: IdParam.openapi({ param: { name: 'orderId', in: 'path' } }) }),
      },
      responses: { 200: json(OrderSchema), ...errorResponses },
    }),
    async (c) => c.json(await s.orders.getOrder(c.req.valid('param').orderId), 200),
  );

  return admin;
}

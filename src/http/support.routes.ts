// /v1/admin/faq (the assistant's editable knowledge base) and /v1/admin/tickets (human handoff
// tickets opened in chat). Admin key only (the /v1/admin/* middleware enforces it).
import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from './router.js';
import { errorResponses, IdParam, json, jsonBody, Limit, security } from './common.schemas.js';
import type { AppServices } from '../app.services.js';

const FaqId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes');
const FaqIdParams = z.object({
  id: FaqId.openapi({ param: { name: 'id', in: 'path' }, example: 'shipping-time' }),
});
const Question = z.string().trim().min(1).max(300);
const Answer = z.string().trim().min(1).max(4000);

const FaqSchema = z
  .object({
    id: z.string(),
    questions: z.object({ zh: z.array(z.string()), en: z.array(z.string()) }),
    answer: z.object({ zh: z.string(), en: z.string() }),
    active: z.boolean(),
    updatedAt: z.string(),
  })
  .openapi('FaqEntry');

const FaqPut = z
  .object({
    questions: z
      .object({ zh: z.array(Question).max(50), en: z.array(Question).max(50) })
      .strict()
      .refine((q) => q.zh.length + q.en.length > 0, 'at least one question'),
    answer: z.object({ zh: Answer, en: Answer }).strict(),
    active: z.boolean().optional(),
  })
  .strict()
  .openapi('FaqPut');

const TicketSchema = z
  .object({
    id: z.number().int(),
    userId: z.number().int(),
    channel: z.string(),
    message: z.string(),
    transcript: z.array(z.unknown()),
    status: z.enum(['open', 'closed']),
    note: z.string().nullable(),
    createdAt: z.string(),
    closedAt: z.string().nullable(),
  })
  .openapi('SupportTicket');

const TicketParams = z.object({
  id: IdParam.openapi({ param: { name: 'id', in: 'path' }, example: 1 }),
});

export function supportRoutes(s: AppServices) {
  const r = newRouter();

  r.openapi(
    createRoute({
      method: 'get',
      path: '/faq',
      tags: ['admin', 'assistant'],
      security,
      summary: 'The FAQ knowledge base, including deactivated entries',
      responses: { 200: json(z.object({ items: z.array(FaqSchema) })), ...errorResponses },
    }),
    async (c) => c.json({ items: await s.support.listFaq({ includeInactive: true }) }, 200),
  );

  r.openapi(
    createRoute({
      method: 'put',
      path: '/faq/{id}',
      tags: ['admin', 'assistant'],
      security,
      summary: 'Create or replace an FAQ entry (the assistant answers from it at once)',
      request: { params: FaqIdParams, body: jsonBody(FaqPut) },
      responses: { 200: json(FaqSchema), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const b = c.req.valid('json');
      return c.json(
        await s.support.upsertFaq({
          id,
          questions: b.questions,
          answer: b.answer,
          active: b.active,
        }),
        200,
      );
    },
  );

  r.openapi(
    createRoute({
      method: 'delete',
      path: '/faq/{id}',
      tags: ['admin', 'assistant'],
      security,
      summary: 'Deactivate an FAQ entry',
      request: { params: FaqIdParams },
      responses: { 204: { description: 'Deactivated' }, ...errorResponses },
    }),
    async (c) => {
      await s.support.deleteFaq(c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/tickets',
      tags: ['admin', 'assistant'],
      security,
      summary: 'Support tickets opened by human handoff, newest first',
      request: {
        query: z.object({ status: z.enum(['open', 'closed']).optional(), limit: Limit(200, 50) }),
      },
      responses: { 200: json(z.object({ items: z.array(TicketSchema) })), ...errorResponses },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(
        { items: await s.support.listTickets({ status: q.status, limit: q.limit }) },
        200,
      );
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/tickets/{id}/close',
      tags: ['admin', 'assistant'],
      security,
      summary: 'Close a ticket, optionally with a note',
      request: {
        params: TicketParams,
        body: {
          required: false,
          content: {
            'application/json': {
              schema: z.object({ note: z.string().trim().min(1).max(2000).optional() }).strict(),
            },
          },
        },
      },
      responses: { 200: json(TicketSchema), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = (c.req.valid('json') as { note?: string } | undefined) ?? {};
      return c.json(await s.support.closeTicket(id, body.note), 200);
    },
  );

  return r;
}

// /v1/users: identities, balances and points history.
import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from './router.js';
import {
  errorResponses,
  IdParam,
  json,
  jsonBody,
  Limit,
  security,
  UserIdParams,
} from './common.schemas.js';
import type { AppServices } from '../app.services.js';

const UserSchema = z
  .object({
    id: z.number().int(),
    displayName: z.string().nullable(),
    languageCode: z.string(),
    timeZone: z.string(),
    identities: z.array(z.object({ channel: z.string(), externalId: z.string() })),
    createdAt: z.string(),
  })
  .openapi('User');

const CreateUser = z
  .object({
    channel: z.enum(['telegram', 'discord', 'web']),
    externalId: z.string().trim().min(1).max(128),
    displayName: z.string().trim().min(1).max(200).optional(),
    languageCode: z.enum(['zh', 'en']).optional(),
  })
  .strict();

const BalanceSchema = z
  .object({
    userId: z.number().int().openapi({
      description: 'The user whose account this is: for a merged user, the user it was merged into',
    }),
    balance: z.number().int(),
    held: z.number().int(),
    available: z.number().int(),
    pending: z.number().int(),
    expiring: z.array(z.object({ amount: z.number().int(), expiresAt: z.string() })),
  })
  .openapi('Balance');

const EntrySchema = z
  .object({
    id: z.number().int(),
    kind: z.string(),
    amount: z.number().int(),
    account: z.string(),
    reason: z.string(),
    actor: z.string(),
    metadata: z.record(z.string(), z.unknown()),
    reversesEntryId: z.number().int().nullable(),
    reversedByEntryId: z.number().int().nullable(),
    createdAt: z.string(),
  })
  .openapi('Entry');

export function usersRoutes(s: AppServices) {
  const r = newRouter();

  r.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags: ['users'],
      security,
      summary: 'Find or create the user behind a channel identity',
      request: { body: jsonBody(CreateUser) },
      responses: {
        200: json(UserSchema, 'Existing user'),
        201: json(UserSchema, 'Created'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { user, created } = await s.users.upsert(c.req.valid('json'));
      return c.json(user, created ? 201 : 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      tags: ['users'],
      security,
      request: { params: UserIdParams },
      responses: { 200: json(UserSchema), ...errorResponses },
    }),
    async (c) => c.json(await s.users.get(c.req.valid('param').id), 200),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/balance',
      tags: ['ledger'],
      security,
      summary: 'Balance, held, available and upcoming expiries',
      request: { params: UserIdParams },
      responses: { 200: json(BalanceSchema), ...errorResponses },
    }),
    async (c) => {
      return c.json(await s.ledgerQueries.balance(c.req.valid('param').id), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/entries',
      tags: ['ledger'],
      security,
      summary: 'Points history, newest first',
      request: {
        params: UserIdParams,
        query: z.object({
          limit: Limit(100, 20),
          cursor: IdParam.optional(),
        }),
      },
      responses: {
        200: json(
          z.object({
            userId: z.number().int().openapi({
              description:
                'The user whose history this is: for a merged user, the user it was merged into',
            }),
            items: z.array(EntrySchema),
            nextCursor: z.string().nullable(),
          }),
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { limit, cursor } = c.req.valid('query');
      return c.json(await s.ledgerQueries.entries(id, { limit, cursor }), 200);
    },
  );

  return r;
}

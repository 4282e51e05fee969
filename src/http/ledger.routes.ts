// /v1/admin: grants, deductions, holds and reversals (admin keys only).
import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from './router.js';
import {
  errorResponses,
  Id,
  IdempotencyHeaders,
  IdParam,
  json,
  jsonBody,
  Points,
  Reason,
  security,
} from './common.schemas.js';
import type { AppServices } from '../app.services.js';
import { scopedKey } from '../ledger/idempotency.js';

const Move = z.object({ userId: Id, amount: Points, reason: Reason }).strict();
// userId: the user acted on; for a merged user, the user it was merged into.
const MoveResult = z
  .object({
    entryId: z.number().int(),
    userId: z.number().int(),
    balance: z.number().int(),
    replayed: z.boolean(),
  })
  .openapi('MoveResult');
const HoldCreate = z
  .object({
    userId: Id,
    amount: Points,
    reason: Reason,
    ttlSeconds: z
      .number()
      .int()
      .min(1)
      .max(30 * 86400)
      .optional()
      .openapi({ description: 'Lifetime of the hold; HOLD_DEFAULT_TTL_SECONDS when left out' }),
  })
  .strict();
const HoldIdParams = z.object({ id: IdParam.openapi({ param: { name: 'id', in: 'path' } }) });
const OptionalKey = z.object({
  'idempotency-key': IdempotencyHeaders.shape['idempotency-key'].optional(),
});

export function ledgerRoutes(s: AppServices) {
  const r = newRouter();
  const actor = (c: { get: (k: 'role') => string | undefined }) => `api:${c.get('role')}`;
  // A caller's key gets its own namespace, so it can never take a key the service makes for
  // itself (an order's hold, a day's check-in, a hold posted without a key).
  const apiKey = <K extends string | undefined>(key: K) =>
    (key === undefined ? undefined : scopedKey('api', key)) as K;

  for (const [path, op] of [
    ['/grants', 'credit'],
    ['/deductions', 'debit'],
  ] as const) {
    r.openapi(
      createRoute({
        method: 'post',
        path,
        tags: ['ledger'],
        security,
        summary: op === 'credit' ? 'Grant points to a user' : 'Deduct points from a user',
        request: { headers: IdempotencyHeaders, body: jsonBody(Move) },
        responses: { 201: json(MoveResult, 'Posted'), ...errorResponses },
      }),
      async (c) => {
        const body = c.req.valid('json');
        const req = {
          key: apiKey(c.req.valid('header')['idempotency-key']),
          userId: body.userId,
          amount: body.amount,
          reason: body.reason,
          actor: actor(c),
          kind: op === 'credit' ? 'grant.admin' : 'deduct.admin',
        };
        const res = op === 'credit' ? await s.ledger.credit(req) : await s.ledger.debit(req);
        return c.json(
          {
            entryId: res.entryId,
            userId: res.userId,
            balance: res.balance,
            replayed: res.replayed,
          },
          201,
        );
      },
    );
  }

  r.openapi(
    createRoute({
      method: 'post',
      path: '/holds',
      tags: ['ledger'],
      security,
      summary: 'Reserve points (two-phase)',
      request: { headers: IdempotencyHeaders, body: jsonBody(HoldCreate) },
      responses: {
        201: json(
          z.object({
            holdId: z.number().int(),
            userId: z.number().int(),
            expiresAt: z.string(),
            replayed: z.boolean(),
          }),
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const res = await s.ledger.reserve({
        ...body,
        ttlSeconds: body.ttlSeconds ?? s.config.HOLD_DEFAULT_TTL_SECONDS,
        key: apiKey(c.req.valid('header')['idempotency-key']),
        actor: actor(c),
      });
      return c.json(res, 201);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/holds/{id}/post',
      tags: ['ledger'],
      security,
      summary: 'Post a hold, fully or partly',
      request: {
        params: HoldIdParams,
        headers: OptionalKey,
        body: {
          required: false,
          content: {
            'application/json': {
              schema: z
                .object({
                  amount: Points.optional().openapi({
                    description:
                      'Points to take (the whole hold when left out); to take none, void the hold',
                  }),
                })
                .strict(),
            },
          },
        },
      },
      responses: {
        200: json(
          z.object({
            holdId: z.number().int(),
            entryId: z.number().int().nullable(),
            postedAmount: z.number().int(),
            replayed: z.boolean(),
          }),
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const body = (c.req.header('content-length') === '0' ? {} : c.req.valid('json')) ?? {};
      const res = await s.ledger.postHold({
        holdId: c.req.valid('param').id,
        amount: body.amount,
        key: apiKey(c.req.valid('header')['idempotency-key']),
        actor: actor(c),
      });
      return c.json(res, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/holds/{id}/void',
      tags: ['ledger'],
      security,
      summary: 'Release a hold',
      request: { params: HoldIdParams, headers: OptionalKey },
      responses: {
        200: json(z.object({ holdId: z.number().int(), replayed: z.boolean() })),
        ...errorResponses,
      },
    }),
    async (c) =>
      c.json(
        await s.ledger.voidHold({
          holdId: c.req.valid('param').id,
          key: apiKey(c.req.valid('header')['idempotency-key']),
        }),
        200,
      ),
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/entries/{id}/reverse',
      tags: ['ledger'],
      security,
      summary: 'Reverse an entry with a linked entry',
      request: {
        params: HoldIdParams,
        headers: IdempotencyHeaders,
        body: {
          required: false,
          content: {
            'application/json': { schema: z.object({ reason: Reason.optional() }).strict() },
          },
        },
      },
      responses: {
        201: json(
          z.object({
            entryId: z.number().int(),
            reversedEntryId: z.number().int(),
            replayed: z.boolean(),
          }),
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const body = (c.req.header('content-length') === '0' ? {} : c.req.valid('json')) ?? {};
      const res = await s.ledger.reverse({
        entryId: c.req.valid('param').id,
        key: apiKey(c.req.valid('header')['idempotency-key']),
        actor: actor(c),
        reason: body.reason ?? 'reversal',
      });
      return c.json(
        { entryId: res.entryId, reversedEntryId: res.reversedEntryId, replayed: res.replayed },
        201,
      );
    },
  );

  return r;
}

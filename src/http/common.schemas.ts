// zod pieces that several route modules share (also documented in the OpenAPI file).
import { z } from '@hono/zod-openapi';

export const ErrorSchema = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown() }),
  })
  .openapi('Error');

export const errorResponses = {
  400: { description: 'Invalid input', content: { 'application/json': { schema: ErrorSchema } } },
  401: {
    description: 'Missing or invalid API key',
    content: { 'application/json': { schema: ErrorSchema } },
  },
  403: {
    description: 'The key lacks the right',
    content: { 'application/json': { schema: ErrorSchema } },
  },
  404: { description: 'Not found', content: { 'application/json': { schema: ErrorSchema } } },
  409: { description: 'Conflict', content: { 'application/json': { schema: ErrorSchema } } },
  422: {
    description: 'Not enough points',
    content: { 'application/json': { schema: ErrorSchema } },
  },
} as const;

/** What any route with a request body may also answer, before its own validation runs. */
export const bodyErrorResponses = {
  413: {
    description: 'The body is larger than MAX_BODY_BYTES',
    content: { 'application/json': { schema: ErrorSchema } },
  },
  415: {
    description: 'The body is not sent as application/json',
    content: { 'application/json': { schema: ErrorSchema } },
  },
} as const;

/** An id in a JSON body: a JSON number, never a string, boolean or array coerced into one. */
export const Id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/**
 * A whole number written in a path or query string: decimal digits only. Number() alone would
 * also take " 1 ", "0x1" or "1e3".
 */
const decimal = (v: unknown) => (typeof v === 'string' && /^[0-9]{1,16}$/.test(v) ? Number(v) : v);

/** An id in a path or query string. */
export const IdParam = z.preprocess(decimal, Id);

/** A page size in a query string. */
export const Limit = (max: number, fallback: number) =>
  z.preprocess(decimal, z.number().int().min(1).max(max)).default(fallback);

export const UserIdParams = z.object({
  id: IdParam.openapi({ param: { name: 'id', in: 'path' }, example: 1 }),
});

export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? 'this request needs an Idempotency-Key header (a key of your own for this one change)'
          : undefined,
    })
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
    .openapi({ param: { name: 'idempotency-key', in: 'header' }, example: 'grant-2026-11-24-001' }),
});

/** Points: positive integers, bounded so they stay exact in JSON and JavaScript. */
export const Points = z.number().int().min(1).max(1_000_000_000);

export const Reason = z.string().trim().min(1).max(500);

export const json = <T extends z.ZodType>(schema: T, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

export const security = [{ bearer: [] as string[] }];

/** What a flood-limited route answers (check-ins, redemptions, chat). */
export const rateLimitedResponses = {
  429: {
    description: 'Too many requests: wait `Retry-After` seconds (code `rate_limited`)',
    headers: {
      'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' as const } },
    },
    content: { 'application/json': { schema: ErrorSchema } },
  },
} as const;

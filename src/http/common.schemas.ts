// zod pieces that several route modules share (also documented in the OpenAPI file).
import { z } from '@hono/zod-openapi';

export const ErrorSchema = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown() }),
  })
  .openapi('Error');

export const errorResponses = {
  400: { description: 'Invalid input', content: { 'application/json': { schema: ErrorSchema } } },
  401: { description: 'Missing or invalid API key', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'The key lacks the right', content: { 'application/json': { schema: ErrorSchema } } },
  404: { description: 'Not found', content: { 'application/json': { schema: ErrorSchema } } },
  409: { description: 'Conflict', content: { 'application/json': { schema: ErrorSchema } } },
  422: { description: 'Not enough points', content: { 'application/json': { schema: ErrorSchema } } },
} as const;

export const Id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const UserIdParams = z.object({
  id: Id.openapi({ param: { name: 'id', in: 'path' }, example: 1 }),
});

export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
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

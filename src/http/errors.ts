// The one mapping from domain error codes to HTTP: status plus
// {"error":{"code","message","details"}}. Validation failures share the same shape.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { DomainError, type ErrorCode } from '../shared/errors.js';
import { ERROR_STATUS } from './error-status.js';
import type { AppEnv } from './http.types.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';

/** Seconds a client should wait before retrying while the database is out of reach. */
export const UNAVAILABLE_RETRY_AFTER_S = 5;

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: { code, message, details: details ?? null } };
}

export function errorResponse(c: Context, code: ErrorCode, message: string, details?: unknown) {
  return c.json(errorBody(code, message, details), ERROR_STATUS[code]);
}

export function zodDetails(error: ZodError) {
  return error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

/** `databaseAnswers` (a probe) decides about an unexpected error: an outage is a 503, a bug a 500. */
export async function onError(
  err: Error,
  c: Context<AppEnv>,
  databaseAnswers?: () => Promise<boolean>,
) {
  const log = c.get('log')?.();
  if (err instanceof DomainError) {
    log?.info({ code: err.code }, err.message);
    // A refusal that says when to come back (rate limits) says it in the standard header too.
    const retryAfter = (err.details as { retryAfterSeconds?: unknown } | null | undefined)
      ?.retryAfterSeconds;
    if (typeof retryAfter === 'number') c.header('Retry-After', String(retryAfter));
    return errorResponse(c, err.code, err.message, err.details);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const code: ErrorCode =
      status === 413
        ? 'payload_too_large'
        : status === 415
          ? 'unsupported_media_type'
          : status === 401
            ? 'unauthorized'
            : status === 403
              ? 'forbidden'
              : status === 404
                ? 'not_found'
                : 'invalid_input';
    // Hono raises a 400 HTTPException for a body that is not valid JSON.
    const message =
      status === 400
        ? 'the request body is not valid JSON'
        : status === 415
          ? 'send the body as application/json'
          : err.message || 'request rejected';
    log?.info({ status }, message);
    return c.json(errorBody(code, message), status as ContentfulStatusCode);
  }
  if (isDatabaseUnavailable(err) || (databaseAnswers && !(await databaseAnswers()))) {
    // An outage, not a bug: one line without a stack (the request line follows at error level).
    log?.warn({ reason: err.message }, 'database unavailable');
    c.header('Retry-After', String(UNAVAILABLE_RETRY_AFTER_S));
    return c.json(
      errorBody('unavailable', 'the database is not reachable right now; try again shortly'),
      503,
    );
  }
  log?.error({ err }, 'unhandled error');
  return c.json(errorBody('internal', 'internal error'), 500);
}

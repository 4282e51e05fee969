// Request body limit. A declared Content-Length is checked from the header alone: hono's
// bodyLimit reads `request.body`, which makes @hono/node-server build a full web Request (with
// an AbortController) for every POST, a large share of the per-request cost. Bodies without a
// length (chunked) still go through hono's streaming check.
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from './http.types.js';
import { errorResponse } from './errors.js';

export function limitBody(maxSize: number): MiddlewareHandler<AppEnv> {
  const tooLarge = `the body is larger than ${maxSize} bytes`;
  const streaming = bodyLimit({ maxSize, onError: (c) => errorResponse(c, 'payload_too_large', tooLarge) });
  return async (c, next) => {
    const declared = c.req.header('content-length');
    if (declared !== undefined && /^\d+$/.test(declared) && !c.req.header('transfer-encoding')) {
      if (Number(declared) > maxSize) return errorResponse(c, 'payload_too_large', tooLarge);
      return next();
    }
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    return streaming(c, next);
  };
}

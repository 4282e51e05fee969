// Request body limit and strict decoding. A declared Content-Length is checked from the header
// alone: hono's bodyLimit reads `request.body`, which makes @hono/node-server build a full web
// Request (with an AbortController) for every POST, a large share of the per-request cost.
// Bodies without a length (chunked) still go through hono's streaming check.
//
// A JSON body is decoded here, once, as strict UTF-8: the runtime's decoder would put U+FFFD in
// place of invalid bytes and the result would be stored as if the client had sent it. Invalid
// bytes are a client bug, so they are refused with a 400 (chat text included), and every later
// reader (route validators, webhooks) gets the strictly decoded text from hono's body cache.
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from './http.types.js';
import { errorResponse } from './errors.js';

const JSON_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const NOT_UTF8 = 'the request body is not valid UTF-8';

export function limitBody(maxSize: number): MiddlewareHandler<AppEnv> {
  const tooLarge = `the body is larger than ${maxSize} bytes`;
  const streaming = bodyLimit({
    maxSize,
    onError: (c) => errorResponse(c, 'payload_too_large', tooLarge),
  });
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const declared = c.req.header('content-length');
    const json = JSON_TYPE.test(c.req.header('content-type') ?? '');
    if (declared !== undefined && /^\d+$/.test(declared) && !c.req.header('transfer-encoding')) {
      if (Number(declared) > maxSize) return errorResponse(c, 'payload_too_large', tooLarge);
      return json ? decodeStrictly(c, next) : next();
    }
    return streaming(c, async () => {
      if (!json) return next();
      // hono's bodyLimit hands on what next() returns as nothing: the refusal goes in c.res.
      const refused = await decodeStrictly(c, next);
      if (refused) c.res = refused;
    });
  };
}

async function decodeStrictly(
  c: Context<AppEnv>,
  next: () => Promise<void>,
): Promise<Response | void> {
  let text: string;
  try {
    text = strictUtf8.decode(await c.req.arrayBuffer());
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    return errorResponse(c, 'invalid_input', NOT_UTF8, [
      { path: '', message: 'invalid UTF-8 byte sequence' },
    ]);
  }
  // c.req.json() and c.req.text() read this entry first.
  (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(text);
  await next();
}

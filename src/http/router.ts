// Sub-apps are OpenAPIHono instances whose validation failures use our error shape.
import { OpenAPIHono, type z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './http.types.js';
import { errorBody, zodDetails } from './errors.js';
import { bodyErrorResponses } from './common.schemas.js';
import { unstorableText } from './text-guard.js';

const invalid = (c: Context, error: z.ZodError) =>
  c.json(errorBody('invalid_input', 'the request is invalid', zodDetails(error)), 400);

export function newRouter() {
  const router = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return invalid(c, result.error);
      const bad = unstorableText(result.data);
      if (bad) {
        const message = 'text must not contain NUL characters or unpaired UTF-16 surrogates';
        return c.json(
          errorBody('invalid_input', 'the request is invalid', [{ path: bad.join('.'), message }]),
          400,
        );
      }
    },
  });
  // Route headers are validated by reading only the headers the route declares. The stock header
  // validator copies every request header into a sorted web Headers object first: about a quarter
  // of the CPU of a whole POST /v1/admin/grants. The route is still documented with its headers.
  const openapi = router.openapi;
  router.openapi = ((given, handler, hook) => {
    const withBody = given.request?.body
      ? { ...given, responses: { ...bodyErrorResponses, ...given.responses } }
      : given;
    // A read changes nothing: it meets no idempotency conflict and moves no points.
    const route =
      given.method === 'get'
        ? { ...withBody, responses: withoutStatuses(withBody.responses, ['409', '422']) }
        : withBody;
    const headers = route.request?.headers as z.ZodObject | undefined;
    if (!headers || route.hide) return openapi(route, handler, hook);
    const { middleware, hide: _hide, ...documented } = route;
    router.openAPIRegistry.registerPath(documented);
    const { headers: _headers, ...request } = route.request!;
    const before = middleware ? [middleware].flat() : [];
    return openapi(
      { ...route, hide: true, request, middleware: [...before, validateHeaders(headers)] },
      handler,
      hook,
    );
  }) as typeof openapi;
  return router;
}

function validateHeaders(schema: z.ZodObject): MiddlewareHandler {
  const names = Object.keys(schema.shape);
  return async (c, next) => {
    const values: Record<string, string | undefined> = {};
    for (const name of names) values[name] = c.req.header(name);
    const result = schema.safeParse(values);
    if (!result.success) return invalid(c, result.error);
    c.req.addValidatedData('header', result.data as Record<string, unknown>);
    await next();
  };
}

function withoutStatuses<R extends Record<string, unknown>>(responses: R, statuses: string[]): R {
  return Object.fromEntries(
    Object.entries(responses).filter(([status]) => !statuses.includes(status)),
  ) as R;
}

// Sub-apps are OpenAPIHono instances whose validation failures use our error shape.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './http.types.js';
import { errorBody, zodDetails } from './errors.js';

export function newRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        return c.json(errorBody('invalid_input', 'the request is invalid', zodDetails(result.error)), 400);
      }
    },
  });
}

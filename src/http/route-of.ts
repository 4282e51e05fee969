// The route pattern a request matched ("/v1/users/:id/balance"), for metrics labels: never the
// raw path, whose ids would make a label value per user. Middleware (app.use) is registered
// for method ALL; the last route with a real method is the handler. No handler: "unmatched".
import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';

export function routeOf(c: Context): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--)
    if (routes[i]!.method !== 'ALL') return routes[i]!.path;
  return 'unmatched';
}

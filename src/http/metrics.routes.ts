// GET /metrics: the Prometheus registry (src/shared/metrics.ts) as text. On the API port the
// permission matrix lets an admin key or METRICS_TOKEN through; on the optional METRICS_PORT
// listener only METRICS_TOKEN, and nothing when none is set (that port stays inside the network).
import { createRoute, z } from '@hono/zod-openapi';
import { Hono, type Context } from 'hono';
import { newRouter } from './router.js';
import { createKeyring } from './auth.js';
import { errorBody } from './errors.js';
import { errorResponses, security } from './common.schemas.js';
import { metricsContentType, renderMetrics } from '../shared/metrics.js';
import type { Config } from '../config.js';

/** Checks the bearer token against `keys` (METRICS_TOKEN); an empty list lets everyone in. */
function gate(keys: string[]) {
  const keyring = createKeyring({ admin: keys, service: [] });
  return (c: Context): Response | undefined => {
    if (!keys.length) return undefined;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    if (m && keyring.roleOf(m[1]!)) return undefined;
    return c.json(
      errorBody(
        'unauthorized',
        'this port serves metrics to METRICS_TOKEN only (Authorization: Bearer <METRICS_TOKEN>)',
      ),
      401,
    );
  };
}

const serve = async (c: Context) =>
  c.body(await renderMetrics(), 200, {
    'content-type': metricsContentType,
    'cache-control': 'no-store',
  });

export function metricsRoutes() {
  const r = newRouter();
  r.openapi(
    createRoute({
      method: 'get',
      path: '/metrics',
      tags: ['ops'],
      security,
      summary:
        'Prometheus metrics (admin key or METRICS_TOKEN): HTTP latency by route and status, ledger operations and batch sizes, chat turns by intent, database pool, rate-limit refusals, process',
      responses: {
        200: {
          description: 'Prometheus text format',
          content: { 'text/plain': { schema: z.string() } },
        },
        ...errorResponses,
      },
    }),
    serve as never,
  );
  return r;
}

/** The app of the METRICS_PORT listener: only /metrics. */
export function metricsListenerApp(config: Config) {
  const app = new Hono();
  const refuse = gate(config.METRICS_TOKEN ? [config.METRICS_TOKEN] : []);
  app.get('/metrics', (c) => refuse(c) ?? serve(c));
  return app;
}

// createApp(services): the Hono app with every route module, auth, body limits, the error
// mapping and the OpenAPI document. Tests call app.request(); main.ts serves it.
import { randomUUID } from 'node:crypto';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { limitBody } from './body-limit.js';
import { pageHeaders, secureResponses } from './secure-headers.js';
import type { AppServices } from '../app.services.js';
import type { AppEnv } from './http.types.js';
import { createKeyring, enforcePermissions } from './auth.js';
import { permissionMatrix } from './permissions.js';
import { errorBody, errorResponse, onError, UNAVAILABLE_RETRY_AFTER_S } from './errors.js';
import { newRouter } from './router.js';
import { allowedMethods } from './allowed-methods.js';
import { json } from './common.schemas.js';
import { usersRoutes } from './users.routes.js';
import { ledgerRoutes } from './ledger.routes.js';
import { docsRoutes } from './docs.js';
import { catalogRoutes } from './catalog.routes.js';
import { rewardsRoutes } from './rewards.routes.js';
import { ordersRoutes } from './orders.routes.js';
import { membershipRoutes } from './membership.routes.js';
import { sandboxRoutes } from './sandbox.routes.js';
import { chatRoutes } from './chat.routes.js';
import { supportRoutes } from './support.routes.js';
import { webSessionsRoutes } from './web-sessions.routes.js';
import { CHAT_PAGE } from '../web/chat.page.js';
import { queryOne } from '../db/sql.js';
import { databaseProbe } from '../db/unavailable.js';
import { poolStats } from '../db/pool-stats.js';
import { observeHttp, watchPool } from '../shared/metrics.js';
import { metricsRoutes } from './metrics.routes.js';
import { routeOf } from './route-of.js';
import { inviteRoutes } from './invite.routes.js';
import type { Logger } from '../shared/logger.js';

export function createApp(s: AppServices) {
  const app = newRouter() as OpenAPIHono<AppEnv>;
  const keyring = createKeyring({
    admin: s.config.ADMIN_API_KEYS,
    service: s.config.SERVICE_API_KEYS,
    metrics: s.config.METRICS_TOKEN ? [s.config.METRICS_TOKEN] : [],
  });

  // The request's logger (and its id) is made when something logs: on the hot path nothing
  // does, and a child logger per request was a measurable share of a grant's CPU. A failed
  // request answers with the id its log lines carry.
  const logDebug = s.logger.isLevelEnabled('debug');
  app.use('*', async (c, next) => {
    let logger: Logger | undefined;
    let requestId = '';
    const log = () => (logger ??= s.logger.child({ requestId: (requestId = randomUUID()) }));
    c.set('log', log);
    const started = performance.now();
    await next();
    const status = c.res.status;
    observeHttp(c.req.method, routeOf(c), status, (performance.now() - started) / 1000);
    if (status < 500 && !logDebug) return;
    const fields = {
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    };
    if (status >= 500) {
      log().error(fields, 'request failed');
      c.header('x-request-id', requestId);
    } else log().debug(fields, 'request');
  });
  const https = s.config.PUBLIC_URL.startsWith('https:');
  app.use('*', secureResponses({ https }));
  app.use('*', limitBody(s.config.MAX_BODY_BYTES));
  // Every route, the bots' included (mounted later by bots.ts), passes the permission matrix
  // (permissions.ts): registered before any route, so none can skip it.
  app.use(
    '*',
    enforcePermissions({
      matrix: permissionMatrix(s.config),
      keyring,
      telegramSecret: s.config.TELEGRAM_WEBHOOK_SECRET,
      discordPublicKey: s.config.DISCORD_PUBLIC_KEY,
      isWebSession: (cookie) => s.webSessions.isLive(cookie),
    }),
  );
  const databaseAnswers = databaseProbe(() => queryOne(s.em, 'select 1'));
  app.onError((err, c) => onError(err, c, databaseAnswers));
  const methodsFor = allowedMethods(app.routes);
  app.notFound((c) => {
    const allowed = methodsFor(c.req.path);
    if (allowed.length === 0)
      return c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404);
    c.header('Allow', allowed.join(', '));
    return errorResponse(
      c,
      'method_not_allowed',
      `${c.req.path} does not take ${c.req.method}; it takes ${allowed.join(', ')}`,
      { allowed },
    );
  });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      tags: ['health'],
      summary: 'Whether the service and its database answer',
      responses: {
        200: json(z.object({ status: z.literal('ok') }), 'The database answers'),
        503: json(z.object({ status: z.literal('unavailable') }), 'The database does not answer'),
      },
    }),
    async (c) => {
      try {
        await queryOne(s.em, 'select 1 as ok');
        return c.json({ status: 'ok' as const }, 200);
      } catch (err) {
        c.get('log')().warn({ err }, 'health check failed');
        c.header('Retry-After', String(UNAVAILABLE_RETRY_AFTER_S));
        return c.json({ status: 'unavailable' as const }, 503);
      }
    },
  );

  // The web chat page: static HTML that talks to POST /v1/chat with its session cookie.
  app.get('/', pageHeaders({ html: CHAT_PAGE, https }), (c) => c.html(CHAT_PAGE));

  app.route('/v1/users', usersRoutes(s));
  app.route('/v1/admin', ledgerRoutes(s));
  app.route('/v1', chatRoutes(s));
  app.route('/v1/admin', supportRoutes(s));
  app.route('/v1/admin', webSessionsRoutes(s));
  const catalog = catalogRoutes(s);
  const rewards = rewardsRoutes(s);
  const orders = ordersRoutes(s);
  const membership = membershipRoutes(s);
  for (const m of [catalog, rewards, orders, membership]) {
    app.route('/v1', m.public);
    app.route('/v1/admin', m.admin);
  }
  // The sandbox provider's hosted pages deliver its signed webhooks to this same app. Mounted
  // only when PAYMENT_PROVIDER=sandbox: otherwise /sandbox/* is a 404.
  if (s.sandbox) {
    app.route(
      '/sandbox',
      sandboxRoutes(s.sandbox, (rawBody, headers) =>
        Promise.resolve(
          app.request('/v1/payments/webhook', { method: 'POST', body: rawBody, headers }),
        ),
      ),
    );
  }

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'xuefen API',
      version: '0.1.0',
      description: 'Points ledger, catalog, mall and assistant of xuefen (学分).',
    },
  });
  app.route('/docs', docsRoutes());
  app.route('/', metricsRoutes());
  app.route('/', inviteRoutes(s));
  watchPool(() => poolStats(s.orm));
  return app;
}

export type App = ReturnType<typeof createApp>;

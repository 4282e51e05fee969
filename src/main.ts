// Composition root: config → logger → database (migrated) → services → HTTP app → bots → jobs.
// SIGINT/SIGTERM stop the bots and stop accepting connections, let in-flight requests and
// updates finish, then close the DB.
import { serve } from '@hono/node-server';
import { randomBytes } from 'node:crypto';
import { ConfigError, createConfig } from './config.js';
import { createLogger } from './shared/logger.js';
import { createOrm, migrate } from './db/orm.js';
import { createServices } from './app.services.js';
import { createApp } from './http/app.js';
import { startJobs } from './jobs.js';
import { startBots } from './bots.js';
import { metricsListenerApp } from './http/metrics.routes.js';

async function main() {
  let config;
  try {
    config = createConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  const logger = createLogger({ level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });
  const target = config.DATABASE_URL
    ? { databaseUrl: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX }
    : { dataDir: config.DATA_DIR };
  logger.info(
    config.DATABASE_URL
      ? 'database: PostgreSQL (DATABASE_URL)'
      : `database: embedded PGlite in ${config.DATA_DIR}`,
  );
  const orm = await createOrm(target);
  const applied = await migrate(orm);
  if (applied.length) logger.info({ applied }, 'migrations applied');

  if (!config.ADMIN_API_KEYS.length && !config.SERVICE_API_KEYS.length) {
    if (config.NODE_ENV === 'production') {
      logger.warn('no ADMIN_API_KEYS or SERVICE_API_KEYS set: every /v1 route will answer 401');
    } else {
      // A fresh clone should be usable at once: a throwaway admin key for this run only.
      const key = `dev-${randomBytes(18).toString('base64url')}`;
      config.ADMIN_API_KEYS.push(key);
      logger.warn(`no ADMIN_API_KEYS set: this run's temporary admin key is ${key}`);
    }
  }
  const services = createServices({ config, orm, logger });
  if (config.PAYMENT_PROVIDER === 'none')
    logger.info(
      'payments: off (PAYMENT_PROVIDER=none): buying with money answers 503 payments_unavailable, /sandbox is not served',
    );
  else if (config.PAYMENT_PROVIDER === 'sandbox' && config.NODE_ENV === 'production')
    logger.warn(
      'payments: SANDBOX in production (PAYMENT_SANDBOX_IN_PRODUCTION=true): pay links complete without real money',
    );
  else if (config.PAYMENT_PROVIDER === 'sandbox')
    logger.info(
      'payments: sandbox provider (no real money; set PAYMENT_PROVIDER=none to switch payments off)',
    );
  const seed = await services.catalog.seedDemo();
  if (seed.seeded) logger.info('demo catalog seeded (first start)');
  await services.support.seedFaq();
  const app = createApp(services);
  // Before serve(): the bots mount their HTTP routes (Telegram webhook, Discord interactions).
  const bots = startBots({ config, services, app, logger });
  const jobs = startJobs(services);

  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    logger.info(
      `xuefen listening on http://${info.address === '0.0.0.0' ? 'localhost' : info.address}:${info.port} (docs at /docs)`,
    );
  });
  // A port that cannot be had ends the start with one line, the database closed.
  server.once('error', async (err: NodeJS.ErrnoException) => {
    const why =
      err.code === 'EADDRINUSE'
        ? 'is in use by another process'
        : err.code === 'EACCES'
          ? 'needs privileges'
          : `failed (${err.message})`;
    logger.error(
      `cannot listen on ${config.HOST}:${config.PORT}: the port ${why}; set PORT (or HOST) to one that is free`,
    );
    jobs.stop();
    await Promise.allSettled([bots.stop(), jobs.idle()]);
    await orm.close(true);
    logger.flush();
    process.exit(1);
  });

  // Optional second listener for Prometheus, so the scrape need not reach the public port.
  const metricsServer = config.METRICS_PORT
    ? serve(
        {
          fetch: metricsListenerApp(config).fetch,
          port: config.METRICS_PORT,
          hostname: config.HOST,
        },
        (info) =>
          logger.info(
            `metrics on http://${info.address === '0.0.0.0' ? 'localhost' : info.address}:${info.port}/metrics${config.METRICS_TOKEN ? ' (METRICS_TOKEN required)' : ''}`,
          ),
      )
    : undefined;
  metricsServer?.once('error', (err: NodeJS.ErrnoException) =>
    logger.error(
      `cannot listen on METRICS_PORT ${config.METRICS_PORT} (${err.code ?? err.message}); metrics stay on the API port`,
    ),
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    jobs.stop();
    // Bots stop taking updates and finish those under way while the server drains its requests.
    await Promise.all([
      bots.stop(),
      new Promise<void>((resolve) => server.close(() => resolve())),
      new Promise<void>((resolve) =>
        metricsServer ? metricsServer.close(() => resolve()) : resolve(),
      ),
    ]);
    await jobs.idle();
    await orm.close(true);
    logger.info('stopped');
    logger.flush();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error(err instanceof Error ? `xuefen failed to start: ${err.message}` : err);
  process.exit(1);
});

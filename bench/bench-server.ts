// The real service on a port, for the HTTP part of the benchmark (a separate process, so the
// load generator does not share its event loop).
import { serve } from '@hono/node-server';
import { createConfig } from '../src/config.js';
import { createOrm } from '../src/db/orm.js';
import { createServices } from '../src/app.services.js';
import { createApp } from '../src/http/app.js';
import { createLogger } from '../src/shared/logger.js';

const config = createConfig({ ...process.env, LOG_LEVEL: 'warn', JOBS_INTERVAL_SECONDS: '0' });
const orm = await createOrm({
  databaseUrl: config.DATABASE_URL!,
  poolMax: config.DATABASE_POOL_MAX,
});
const app = createApp(
  createServices({ config, orm, logger: createLogger({ level: 'warn', pretty: false }) }),
);
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
  console.log(`LISTENING ${info.port}`),
);
process.on('SIGTERM', () => void orm.close(true).then(() => process.exit(0)));

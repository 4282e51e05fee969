// Shared start-up for command-line scripts: the same config and database as the service.
import { ConfigError, createConfig } from '../src/config.js';
import { createOrm, migrate } from '../src/db/orm.js';
import { createServices, type AppServices } from '../src/app.services.js';
import { createLogger } from '../src/shared/logger.js';

export async function withServices(fn: (s: AppServices) => Promise<number>): Promise<never> {
  let code = 1;
  try {
    const config = createConfig();
    const logger = createLogger({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, pretty: config.LOG_PRETTY });
    const orm = await createOrm(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL, poolMax: 4 } : { dataDir: config.DATA_DIR });
    try {
      await migrate(orm);
      code = await fn(createServices({ config, orm, logger }));
    } finally {
      await orm.close(true);
    }
  } catch (err) {
    console.error(err instanceof ConfigError || err instanceof Error ? err.message : err);
    code = err instanceof ConfigError ? 78 : 1;
  }
  process.exit(code);
}

// Shared start-up for command-line scripts: the same config and database as the service.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, createConfig } from '../src/config.js';
import { createOrm, migrate } from '../src/db/orm.js';
import { createServices, type AppServices } from '../src/app.services.js';
import { createLogger } from '../src/shared/logger.js';

/**
 * Runs fn on the service's database. With `existing`, a database the service never set up is
 * refused rather than created: checking a mistyped DATA_DIR must not report an empty ledger as OK.
 */
export async function withServices(
  fn: (s: AppServices) => Promise<number>,
  opts: { existing?: boolean } = {},
): Promise<never> {
  let code = 1;
  try {
    const config = createConfig();
    const logger = createLogger({
      level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL,
      pretty: config.LOG_PRETTY,
    });
    const where = config.DATABASE_URL
      ? 'the database at DATABASE_URL'
      : `DATA_DIR=${config.DATA_DIR}`;
    const missing = `no xuefen database in ${where}: start the service once to create it, or point ${config.DATABASE_URL ? 'DATABASE_URL' : 'DATA_DIR'} at its data`;
    if (
      opts.existing &&
      !config.DATABASE_URL &&
      !existsSync(join(config.DATA_DIR, 'pglite', 'PG_VERSION'))
    )
      throw new Error(missing);
    const orm = await createOrm(
      config.DATABASE_URL
        ? { databaseUrl: config.DATABASE_URL, poolMax: 4 }
        : { dataDir: config.DATA_DIR },
    );
    try {
      if (opts.existing) {
        const [row] = await orm.em
          .getConnection()
          .execute<{ t: string | null }[]>(`select to_regclass('mikro_orm_migrations')::text as t`);
        if (!row?.t) throw new Error(missing);
      }
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

// npm run migrate: applies pending migrations to DATABASE_URL (or the embedded database).
import { ConfigError, createConfig } from '../src/config.js';
import { createOrm, migrate } from '../src/db/orm.js';

try {
  const config = createConfig();
  const orm = await createOrm(
    config.DATABASE_URL
      ? { databaseUrl: config.DATABASE_URL, poolMax: 2 }
      : { dataDir: config.DATA_DIR },
  );
  try {
    const applied = await migrate(orm);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  } finally {
    await orm.close(true);
  }
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(err instanceof ConfigError ? 78 : 1);
}

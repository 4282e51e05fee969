// ORM start-up: real PostgreSQL when a URL is given, embedded PGlite (persisted under a
// directory, or in memory) otherwise. One set of migrations serves both.
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { PGlite } from '@electric-sql/pglite';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { entities } from './entities.js';
import { lockDataDir } from './data-dir-lock.js';
import { BoundPGliteDriver, BoundPostgreSqlDriver } from './bound-drivers.js';
import { migrationsList } from '../../migrations/index.js';
import { applyRepeatable, readSqlSources } from './migrate-repeatable.js';
import type { Em } from './sql.js';

export type Orm = MikroORM;

export interface DbTarget {
  /** postgres:// URL; without it the embedded PGlite is used. */
  databaseUrl?: string;
  /** PGlite data directory; undefined = in memory. Ignored with a URL. */
  dataDir?: string;
  poolMax?: number;
  debug?: boolean;
  /** Keep migrations/.snapshot-xuefen.json up to date (only `npm run migration:create` does:
   * MikroORM rewrites the snapshot after every migration run, which would make the service and
   * each test run write into the source tree). */
  writeSnapshot?: boolean;
}

function ormOptions(target: DbTarget, embedded: { pglite?: PGlite }): Options {
  const common: Options = {
    entities,
    extensions: [Migrator],
    migrations: {
      tableName: 'mikro_orm_migrations',
      path: 'migrations',
      snapshot: target.writeSnapshot ?? false,
      snapshotName: '.snapshot-xuefen',
      transactional: true,
      silent: true,
      allOrNothing: true,
      migrationsList,
    },
    allowGlobalContext: false,
    debug: target.debug ?? false,
    // The ledger keeps numbers as JS numbers (points fit 2^53 by validation).
    forceUtcTimezone: true,
    discovery: { warnWhenNoEntities: false },
  };
  if (target.databaseUrl) {
    return {
      ...common,
      driver: BoundPostgreSqlDriver as never,
      clientUrl: target.databaseUrl,
      pool: { min: 0, max: target.poolMax ?? 20, idleTimeoutMillis: 10_000 },
    };
  }
  return {
    ...common,
    driver: BoundPGliteDriver as never,
    dbName: 'postgres',
    pool: { min: 1, max: 1 },
    driverOptions: {
      connection: {
        pglite: () => {
          if (!embedded.pglite) {
            // The database lives in a subdirectory: PGlite wants a directory of its own.
            const dir = target.dataDir ? join(target.dataDir, 'pglite') : undefined;
            if (dir) mkdirSync(dir, { recursive: true });
            embedded.pglite = new PGlite(dir);
          }
          return embedded.pglite;
        },
      },
    },
  };
}

export async function createOrm(target: DbTarget): Promise<Orm> {
  const unlock = !target.databaseUrl && target.dataDir ? lockDataDir(target.dataDir) : undefined;
  const embedded: { pglite?: PGlite } = {};
  // The driver treats a PGlite it was handed as borrowed and never closes it: without this the
  // data directory is left as after a crash, and every start replays its WAL.
  const shutDownEmbedded = async () => {
    if (embedded.pglite && !embedded.pglite.closed) await embedded.pglite.close();
    unlock?.();
  };
  try {
    const orm = await MikroORM.init(ormOptions(target, embedded));
    if (!target.databaseUrl) {
      const close = orm.close.bind(orm);
      orm.close = async (force?: boolean) => {
        await close(force);
        await shutDownEmbedded();
      };
    }
    return orm;
  } catch (err) {
    await shutDownEmbedded();
    throw err;
  }
}

/** The ledger's functions and triggers (repeatable: see src/db/migrate-repeatable.ts). */
export const LEDGER_SQL_DIR = new URL('../ledger/sql/', import.meta.url);

/** Versioned migrations, then the SQL source files that changed; returns what was applied. */
export async function migrate(orm: Orm): Promise<string[]> {
  const done = await orm.getMigrator().up();
  const sources = await applyRepeatable(orm.em as Em, readSqlSources(LEDGER_SQL_DIR));
  return [...done.map((m) => m.name), ...sources];
}

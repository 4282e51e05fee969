// ORM start-up: real PostgreSQL when a URL is given, embedded PGlite (persisted under a
// directory, or in memory) otherwise. One set of migrations serves both.
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDriver } from 'mikro-orm-pglite';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { entities } from './entities.js';
import { lockDataDir } from './data-dir-lock.js';
import { migrationsList } from '../../migrations/index.js';

export type Orm = MikroORM;

export interface DbTarget {
  /** postgres:// URL; without it the embedded PGlite is used. */
  databaseUrl?: string;
  /** PGlite data directory; undefined = in memory. Ignored with a URL. */
  dataDir?: string;
  poolMax?: number;
  debug?: boolean;
}

export function ormOptions(target: DbTarget): Options {
  const common: Options = {
    entities,
    extensions: [Migrator],
    migrations: {
      tableName: 'mikro_orm_migrations',
      path: 'migrations',
      snapshot: true,
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
      clientUrl: target.databaseUrl,
      pool: { min: 0, max: target.poolMax ?? 20, idleTimeoutMillis: 10_000 },
    };
  }
  let pglite: PGlite | undefined;
  return {
    ...common,
    driver: PGliteDriver as never,
    dbName: 'postgres',
    pool: { min: 1, max: 1 },
    driverOptions: {
      connection: {
        pglite: () => {
          if (!pglite) {
            // The database lives in a subdirectory: PGlite wants a directory of its own.
            const dir = target.dataDir ? join(target.dataDir, 'pglite') : undefined;
            if (dir) mkdirSync(dir, { recursive: true });
            pglite = new PGlite(dir);
          }
          return pglite;
        },
      },
    },
  };
}

export async function createOrm(target: DbTarget): Promise<Orm> {
  const unlock = !target.databaseUrl && target.dataDir ? lockDataDir(target.dataDir) : undefined;
  try {
    const orm = await MikroORM.init(ormOptions(target));
    if (unlock) {
      const close = orm.close.bind(orm);
      orm.close = async (force?: boolean) => {
        await close(force);
        unlock();
      };
    }
    return orm;
  } catch (err) {
    unlock?.();
    throw err;
  }
}

export async function migrate(orm: Orm): Promise<string[]> {
  const done = await orm.getMigrator().up();
  return done.map((m) => m.name);
}

// The connection pool's state for the metrics gauges: knex keeps a tarn pool for PostgreSQL and
// one of size 1 for PGlite. Read on each scrape, never on the request path.
import type { Orm } from './orm.js';
import type { PoolStats } from '../shared/metrics.js';

interface TarnPool {
  max: number;
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
}

export function poolStats(orm: Orm): PoolStats | undefined {
  const knex = orm.em.getConnection().getKnex() as unknown as { client?: { pool?: TarnPool } };
  const pool = knex.client?.pool;
  // No pool: the ORM is closed (or not connected yet).
  if (!pool) return { used: 0, free: 0, pending: 0, max: 0 };
  return {
    used: pool.numUsed(),
    free: pool.numFree(),
    pending: pool.numPendingAcquires() + pool.numPendingCreates(),
    max: pool.max,
  };
}

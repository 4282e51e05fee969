// Raw SQL on the ORM's connection, inside the caller's transaction when there is one, and a
// transaction helper that retries serialization failures and deadlocks a bounded number of times.
import type { EntityManager } from '@mikro-orm/postgresql';

export type Em = EntityManager;

export async function query<T = Record<string, unknown>>(
  em: Em,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  return (await em
    .getConnection()
    .execute(sql, params as never[], 'all', em.getTransactionContext())) as T[];
}

export async function queryOne<T = Record<string, unknown>>(
  em: Em,
  sql: string,
  params: unknown[] = [],
): Promise<T | undefined> {
  return (await query<T>(em, sql, params))[0];
}

const RETRYABLE = new Set(['40001', '40P01']);

export function isRetryable(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return typeof code === 'string' && RETRYABLE.has(code);
}

export function pgErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: string })?.code;
  return typeof code === 'string' ? code : undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs fn again on a serialization failure or deadlock (up to `attempts` times, with jitter). */
export async function withRetry<T>(fn: () => Promise<T>, attempts = 8): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetryable(err) || i >= attempts) throw err;
      await sleep(Math.random() * 5 * i);
    }
  }
}

/**
 * Runs fn in a transaction on a fork of em, retried as a whole on serialization failures
 * and deadlocks. Nested calls (em already in a transaction) join the outer transaction.
 */
export async function inTransaction<T>(em: Em, fn: (tx: Em) => Promise<T>): Promise<T> {
  if (em.isInTransaction()) return fn(em);
  return withRetry(() => em.fork().transactional((tx) => fn(tx as Em)));
}

interface PgLikeClient {
  query(config: { text: string; values: unknown[]; name?: string }): Promise<{ rows: unknown[] }>;
}

/**
 * The hot path: one statement outside any transaction, as a named prepared statement on a
 * pooled node-postgres connection (skipping the query builder). Placeholders are $1, $2, …
 * Falls back to the ORM connection elsewhere (e.g. PGlite).
 */
export async function execPrepared<T>(
  em: Em,
  name: string,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  const knex = em.getConnection().getKnex() as unknown as {
    client: {
      driverName: string;
      acquireConnection(): Promise<PgLikeClient>;
      releaseConnection(c: PgLikeClient): Promise<void>;
    };
  };
  if (knex.client.driverName !== 'pg') return query<T>(em, sql.replace(/\$\d+/g, '?'), params);
  const conn = await knex.client.acquireConnection();
  try {
    return (await conn.query({ text: sql, values: params, name })).rows as T[];
  } finally {
    await knex.client.releaseConnection(conn);
  }
}

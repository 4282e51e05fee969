// Whether an error means "the database cannot be reached right now" (as opposed to a bug or a
// refused statement): the HTTP layer answers those with 503 and Retry-After, so clients and load
// balancers back off and retry instead of reading a 500 as a broken request.

/** Socket errors of node-postgres and the OS when the server is down or the network fails. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * PostgreSQL SQLSTATEs of a server that is going or not there: 57P01 admin_shutdown (also
 * pg_terminate_backend), 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up or in
 * recovery), 53300 too_many_connections; class 08 is connection_exception.
 */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

/**
 * Messages without a code: node-postgres ("Connection terminated unexpectedly"), knex/tarn
 * ("Timeout acquiring a connection", and "Unable to acquire a connection" once its pool is
 * destroyed), PGlite ("PGlite is closed"), and PostgreSQL's 55000 for a database that does not
 * accept connections (ALTER DATABASE … ALLOW_CONNECTIONS false).
 */
const MESSAGES =
  /Connection terminated|Connection ended unexpectedly|Timeout acquiring a connection|Unable to acquire a connection|PGlite is closed|is not currently accepting connections|the database system is (shutting down|starting up|in recovery mode)/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  // MikroORM wraps driver errors (`previous`), knex and undici use `cause`: look a few levels down.
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e instanceof Error; depth++) {
    const { code, name } = e as Error & { code?: unknown };
    if (
      typeof code === 'string' &&
      (NETWORK_CODES.has(code) || SERVER_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))
    )
      return true;
    if (name === 'KnexTimeoutError' || MESSAGES.test(e.message)) return true;
    e = (e as { previous?: unknown }).previous ?? e.cause;
  }
  return false;
}

/**
 * Whether the database answers a trivial query within `timeoutMs`. For errors that lost their
 * cause on the way up (knex reports "Transaction query already complete" when BEGIN failed on a
 * dead connection): when the database does not answer, the failure was the outage.
 */
export function databaseProbe(
  run: () => Promise<unknown>,
  timeoutMs = 2000,
): () => Promise<boolean> {
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error('probe timed out')), timeoutMs)),
    );
    try {
      await Promise.race([run(), timeout]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  };
}

// Connection to the test server's maintenance database, used to create and drop the
// per-file databases. Refuses any database whose name lacks "test".
import pg from 'pg';

export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
/** Databases of one test run are named xuefen_test_<pid of the vitest process>_…, so parallel
 * runs never touch each other's databases and leftovers of dead runs can be recognised. */
export const templateDb = (runId: string) => `xuefen_test_${runId}_template`;

export function urlFor(dbName: string): string {
  const u = new URL(TEST_DATABASE_URL);
  u.pathname = `/${dbName}`;
  return u.toString();
}

export function assertTestDb(name: string): void {
  if (!name.includes('test'))
    throw new Error(`refusing to use database "${name}": its name lacks "test"`);
}

export async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({
    connectionString: TEST_DATABASE_URL,
    connectionTimeoutMillis: 3000,
  });
  assertTestDb(new URL(TEST_DATABASE_URL).pathname.slice(1));
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

export async function postgresReachable(): Promise<boolean> {
  try {
    await withAdmin((c) => c.query('select 1'));
    return true;
  } catch {
    return false;
  }
}

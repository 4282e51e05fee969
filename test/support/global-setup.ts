// Once per run: if PostgreSQL answers at TEST_DATABASE_URL, migrate a template database that
// every test file clones; otherwise tests run on PGlite and PostgreSQL-only tests say so.
import type { TestProject } from 'vitest/node';
import { createOrm, migrate } from '../../src/db/orm.js';
import { isProcessAlive } from '../../src/db/data-dir-lock.js';
import { postgresReachable, templateDb, urlFor, withAdmin } from './pg-admin.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: boolean;
    runId: string;
  }
}

export default async function setup(project: TestProject) {
  // The pglite project runs the same files on the embedded database only: tests that need
  // PostgreSQL skip there, each saying why.
  const reachable = project.name !== 'pglite' && (await postgresReachable());
  project.provide('postgres', reachable);
  // The vitest process id leads (stale databases of dead runs are found by it), then the project.
  const runId = `${process.pid}_${project.name || 'main'}`;
  project.provide('runId', runId);
  const TEMPLATE_DB = templateDb(runId);
  if (!reachable) {
    if (project.name === 'pglite') return;
    console.warn(
      '[xuefen tests] PostgreSQL is not reachable at TEST_DATABASE_URL: running on PGlite; PostgreSQL-only tests will be skipped',
    );
    return;
  }
  await withAdmin(async (c) => {
    // Databases left by interrupted earlier runs (their vitest process is gone).
    const stale = await c.query(
      `select datname from pg_database where datname like 'xuefen\\_test\\_%'`,
    );
    for (const row of stale.rows) {
      const pid = Number(/^xuefen_test_(\d+)_/.exec(row.datname)?.[1]);
      if (pid && !isProcessAlive(pid))
        await c.query(`drop database if exists "${row.datname}" with (force)`);
    }
    await c.query(`create database "${TEMPLATE_DB}"`);
  });
  const orm = await createOrm({ databaseUrl: urlFor(TEMPLATE_DB), poolMax: 2 });
  await migrate(orm);
  await orm.close(true);
  return async () => {
    await withAdmin((c) => c.query(`drop database if exists "${TEMPLATE_DB}" with (force)`));
  };
}

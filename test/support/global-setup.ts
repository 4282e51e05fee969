// Once per run: if PostgreSQL answers at TEST_DATABASE_URL, migrate a template database that
// every test file clones; otherwise tests run on PGlite and PostgreSQL-only tests say so.
import type { TestProject } from 'vitest/node';
import { createOrm, migrate } from '../../src/db/orm.js';
import { postgresReachable, TEMPLATE_DB, urlFor, withAdmin } from './pg-admin.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: boolean;
  }
}

export default async function setup(project: TestProject) {
  const reachable = await postgresReachable();
  project.provide('postgres', reachable);
  if (!reachable) {
    console.warn('[xuefen tests] PostgreSQL is not reachable at TEST_DATABASE_URL: running on PGlite; PostgreSQL-only tests will be skipped');
    return;
  }
  await withAdmin(async (c) => {
    // Databases left by an interrupted earlier run.
    const stale = await c.query(`select datname from pg_database where datname like 'xuefen_test_%'`);
    for (const row of stale.rows) await c.query(`drop database if exists "${row.datname}" with (force)`);
    await c.query(`create database "${TEMPLATE_DB}"`);
  });
  const orm = await createOrm({ databaseUrl: urlFor(TEMPLATE_DB), poolMax: 2 });
  await migrate(orm);
  await orm.close(true);
  return async () => {
    await withAdmin((c) => c.query(`drop database if exists "${TEMPLATE_DB}" with (force)`));
  };
}

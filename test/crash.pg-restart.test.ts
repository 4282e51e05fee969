// PostgreSQL restarted under load (a private cluster of this test's own, never the shared one):
// the service keeps running, answers 5xx while the database is away, then recovers by itself,
// without a restart. Afterwards nothing is lost or doubled and `npm run ledger:verify` passes.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createLoad, Gate, type Transient } from './support/crash-load.js';
import { closingCheck, CRASH_ADMIN_KEY, loadEnv, seedUsers } from './support/crash-scenario.js';
import {
  findPgBin,
  startPrivatePostgres,
  type PrivatePostgres,
} from './support/private-postgres.js';
import { killAllStarted, startService } from './support/service-process.js';

const CLIENTS = 6;
const DB = 'xuefen_crash_test';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const bin = findPgBin();
const skip =
  process.env.XF_TEST_DB === 'pglite'
    ? 'PGlite runs inside the service process, so there is no database server to restart (the kill -9 test covers PGlite)'
    : !bin
      ? 'initdb and pg_ctl were not found (pg_config --bindir, /usr/lib/postgresql/<version>/bin)'
      : undefined;
if (skip) console.warn(`[crash.pg-restart] SKIPPED: ${skip}`);

let cluster: PrivatePostgres | undefined;
afterAll(async () => {
  await killAllStarted();
  await cluster?.destroy();
});

describe.skipIf(skip)('PostgreSQL restarted under load', () => {
  it('the service recovers by itself, and keeps exactly what it answered', async () => {
    cluster = await startPrivatePostgres(bin!);
    const admin = new pg.Client({ connectionString: cluster.url('postgres') });
    await admin.connect();
    await admin.query(`create database ${DB}`);
    await admin.end();
    const env = loadEnv({ DATABASE_URL: cluster.url(DB), DATABASE_POOL_MAX: '10' });
    const service = startService(env);
    const gate = new Gate();
    gate.open(`http://127.0.0.1:${await service.port}`);
    const tag = `pgr-${randomBytes(3).toString('hex')}`;
    const load = createLoad({ gate, adminKey: CRASH_ADMIN_KEY, tag });
    const users = await seedUsers(gate, load, tag, 6);
    const answered = () =>
      load.calls.filter((c) => c.status !== undefined && c.status < 300).length;

    const clients = load.run(users, CLIENTS);
    const restarts: { mode: string; up: number; recoveredMs: number; failures: Transient[] }[] = [];
    for (const mode of ['fast', 'immediate'] as const) {
      await sleep(2000);
      const before = load.transients.length;
      await cluster.restart(mode);
      const up = Date.now();
      // Recovered: requests sent after the database is back succeed again (within 20 s).
      const base = answered();
      while (answered() < base + 20 && Date.now() - up < 20_000) await sleep(50);
      restarts.push({
        mode,
        up,
        recoveredMs: Date.now() - up,
        failures: load.transients.slice(before),
      });
      expect(
        answered(),
        `no requests succeeded within 20 s of the ${mode} restart`,
      ).toBeGreaterThanOrEqual(base + 20);
    }
    await sleep(1500);
    await clients.stop();

    // Healed for good: a burst over every pooled connection, then requests one by one, all answered at once.
    const transientsBefore = load.transients.length;
    const probe = (i: number) =>
      load.send(
        load.newCall('grant', users[i % users.length]!, '/v1/admin/grants', {
          userId: users[i % users.length]!,
          amount: 1,
          reason: 'after the restarts',
        }),
      );
    await Promise.all(Array.from({ length: 30 }, (_, i) => probe(i)));
    for (let i = 0; i < 20; i++) await probe(i);
    const lateFailures = load.transients.slice(transientsBefore);

    expect(
      service.child.exitCode,
      `the service exited:\n${service.output().slice(-3000)}`,
    ).toBeNull();
    const v = await closingCheck({
      gate,
      load,
      users,
      service,
      env,
      target: { databaseUrl: cluster.url(DB) },
    });
    console.log(
      `[crash.pg-restart] ${v.audit.figures.calls} requests (${v.audit.figures.succeeded} 2xx, refused ${JSON.stringify(v.audit.figures.refused)}), ` +
        restarts
          .map(
            (r) =>
              `${r.mode} restart: ${r.failures.length} failed sends (${[...new Set(r.failures.map((f) => f.what))].join(', ')}), 20 successes ${r.recoveredMs} ms after it was back`,
          )
          .join('; ') +
        `, ${v.audit.figures.retried} requests sent again`,
    );

    // The restarts fell under load: some requests failed while the database was away...
    expect(restarts.reduce((n, r) => n + r.failures.length, 0)).toBeGreaterThan(0);
    // ...with an answer (5xx), never a dropped connection: the process stayed up throughout.
    for (const r of restarts) for (const f of r.failures) expect(f.what).not.toMatch(/^network/);
    expect(restarts.flatMap((r) => r.failures).some((f) => /^5\d\d /.test(f.what))).toBe(true);
    expect(lateFailures).toEqual([]);
    expect(v.audit.problems).toEqual([]);
    expect(v.apiMismatches).toEqual([]);
    expect(v.stopCode).toBe(0);
    expect(v.verify.out).toContain('ledger OK');
    expect(v.verify.code).toBe(0);
  }, 150_000);
});

// The real service process (`node --import tsx src/main.ts`, as `npm start` runs it) under mixed
// load from several clients, killed with SIGKILL several times and started again on the same
// database. Afterwards the ledger holds exactly what the clients were told: every 2xx once,
// nothing else (an answer lost to a kill is asked for again with the same key), balances are
// the sum of what succeeded, and `npm run ledger:verify` passes. Runs on the vitest project's
// database: a clone of the template on PostgreSQL, or a fresh DATA_DIR on PGlite.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbTarget } from '../src/db/orm.js';
import { defaultKind, newPostgresDatabase } from './support/harness.js';
import { createLoad, Gate } from './support/crash-load.js';
import { closingCheck, CRASH_ADMIN_KEY, loadEnv, seedUsers } from './support/crash-scenario.js';
import { killAllStarted, killHard, startService } from './support/service-process.js';

const kind = defaultKind();
// A PGlite start opens the database inside the process (seconds, not milliseconds): fewer kills
// there keep the file within its time budget.
const KILLS = kind === 'postgres' ? 4 : 3;
const CLIENTS = 6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let db: Awaited<ReturnType<typeof newPostgresDatabase>> | undefined;
let dataDir: string | undefined;
let target: DbTarget;
let env: Record<string, string>;

beforeAll(async () => {
  if (kind === 'postgres') {
    db = await newPostgresDatabase();
    target = { databaseUrl: db.url };
    env = loadEnv({ DATABASE_URL: db.url });
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'xuefen-crash-'));
    target = { dataDir };
    env = loadEnv({ DATABASE_URL: '', DATA_DIR: dataDir });
  }
});

afterAll(async () => {
  await killAllStarted();
  await db?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe(`the service killed with SIGKILL under load (${kind})`, () => {
  it('keeps exactly what it answered, and the ledger verifies', async () => {
    const gate = new Gate();
    const tag = `k9-${randomBytes(3).toString('hex')}`;
    const load = createLoad({ gate, adminKey: CRASH_ADMIN_KEY, tag });
    const t0 = Date.now();
    let service = startService(env);
    gate.open(`http://127.0.0.1:${await service.port}`);
    const users = await seedUsers(gate, load, tag, 6);
    const tSeeded = Date.now();

    const clients = load.run(users, CLIENTS);
    const answered = () => load.calls.filter((c) => c.status !== undefined).length;
    // Each run of the process answers some requests before it is killed, at a random moment.
    const underLoad = async () => {
      const base = answered();
      const since = Date.now();
      while (answered() < base + 25) {
        if (Date.now() - since > 60_000)
          throw new Error(
            `the service answered ${answered() - base} requests in 60 s after a start:\n${service.output().slice(-3000)}`,
          );
        await sleep(20);
      }
      await sleep(Math.random() * 1000);
    };
    const pids = new Set<number>();
    const startMs: number[] = [];
    for (let i = 0; i < KILLS; i++) {
      await underLoad();
      // Closed first, so clients whose request dies with the process wait for the restart.
      gate.close();
      pids.add(service.pid);
      await killHard(service);
      const t = Date.now();
      service = startService(env);
      gate.open(`http://127.0.0.1:${await service.port}`);
      startMs.push(Date.now() - t);
    }
    await underLoad();
    await clients.stop();
    const tLoaded = Date.now();
    const v = await closingCheck({ gate, load, users, service, env, target });
    const phases = `start and seed ${tSeeded - t0} ms, load ${tLoaded - tSeeded} ms, closing check ${Date.now() - tLoaded} ms`;
    const lost = load.transients.filter((t) => t.what.startsWith('network')).length;
    const replayedAfterLoss = load.calls.filter((c) => c.retries > 0 && c.replayed).length;
    console.log(
      `[crash.kill9 ${kind}] ${KILLS} kills, ${v.audit.figures.calls} requests (${v.audit.figures.succeeded} 2xx, refused ${JSON.stringify(v.audit.figures.refused)}), ` +
        `${lost} lost to a kill, ${v.audit.figures.retried} sent again, ${replayedAfterLoss} of them had committed before the kill; ${v.audit.figures.entries} ledger entries, restarts took ${startMs.join('/')} ms (${phases})`,
    );

    expect(pids.size).toBe(KILLS);
    expect(lost).toBeGreaterThan(0);
    expect(v.audit.problems).toEqual([]);
    expect(v.apiMismatches).toEqual([]);
    expect(v.stopCode).toBe(0);
    expect(v.verify.out).toContain('ledger OK');
    expect(v.verify.code).toBe(0);
  }, 150_000);
});

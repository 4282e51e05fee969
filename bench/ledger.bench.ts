// npm run bench:ledger — grants+deductions per second through the service layer and through
// HTTP (8 and 32 clients; uniform users and one hot user), next to pgbench tpcb-like on the
// same server. The last line is one JSON object for machines.
import { execFileSync, spawn } from 'node:child_process';
import pg from 'pg';
import { createConfig } from '../src/config.js';
import { createOrm, migrate } from '../src/db/orm.js';
import { createServices } from '../src/app.services.js';
import { createLogger } from '../src/shared/logger.js';
import { closedLoop, combine, fmt, type LoadResult } from './bench-kit.js';
import type { HttpLoadRun, HttpLoadSetup } from './http-load.js';
import { findPgbench } from './ledger.pgbench.js';

const BASE = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const SECONDS = Number(process.env.BENCH_SECONDS || 6);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);
const CLIENTS = process.env.BENCH_CLIENTS
  ? process.env.BENCH_CLIENTS.split(',').map(Number)
  : [8, 32];
for (const [name, value] of [
  ['BENCH_SECONDS', SECONDS],
  ['BENCH_ROUNDS', ROUNDS],
  ...CLIENTS.map((c) => ['BENCH_CLIENTS', c] as const),
] as const) {
  if (!Number.isInteger(value) || value < 1) {
    console.error(
      `${name} must be ${name === 'BENCH_CLIENTS' ? 'a comma-separated list of positive whole numbers' : 'a positive whole number'}`,
    );
    process.exit(2);
  }
}
const USERS = 1000;
const ADMIN = 'bench-admin-key-0123456789';
const dbUrl = (name: string) => Object.assign(new URL(BASE), { pathname: `/${name}` }).toString();

async function recreate(name: string, create = true) {
  const c = new pg.Client({ connectionString: BASE });
  await c.connect();
  await c.query(`drop database if exists ${name} with (force)`);
  if (create) await c.query(`create database ${name}`);
  await c.end();
}

/** One line of what a failed command wrote to stderr. */
const failure = (err: unknown) =>
  String((err as { stderr?: Buffer | string }).stderr ?? (err as Error).message)
    .trim()
    .split('\n')
    .pop();

async function main() {
  const started = Date.now();
  const benchDb = 'xuefen_bench';
  await recreate(benchDb);
  const config = createConfig({
    ...process.env,
    DATABASE_URL: dbUrl(benchDb),
    ADMIN_API_KEYS: ADMIN,
    LOG_LEVEL: 'warn',
    POINTS_EXPIRY_MONTHS: '12',
  });
  const orm = await createOrm({ databaseUrl: config.DATABASE_URL, poolMax: 40 });
  await migrate(orm);
  const s = createServices({ config, orm, logger: createLogger({ level: 'warn', pretty: false }) });
  const userIds: number[] = [];
  for (let i = 0; i < USERS; i++) {
    const { user } = await s.users.upsert({ channel: 'web', externalId: `bench-${i}` });
    await s.ledger.credit({
      key: `seed-${i}`,
      userId: user.id,
      amount: 1_000_000,
      reason: 'seed',
      actor: 'bench',
    });
    userIds.push(user.id);
  }
  console.log(
    `xuefen ledger benchmark: ${SECONDS}s per figure (uniform users: ${ROUNDS} rounds side by side with pgbench), ${USERS} users, PostgreSQL ${BASE.replace(/\/\/.*@/, '//…@')}`,
  );
  let seq = 0;
  const pick = (hot: boolean) => (hot ? userIds[0]! : userIds[Math.floor(Math.random() * USERS)]!);
  // Alternate grants and deductions so balances stay put.
  const serviceOp = (hot: boolean) => (_c: number, i: number) => {
    const req = {
      key: `svc-${++seq}`,
      userId: pick(hot),
      amount: 10,
      reason: 'bench',
      actor: 'bench',
    };
    return i % 2 ? s.ledger.debit(req) : s.ledger.credit(req);
  };

  const server = spawn(process.execPath, ['--import', 'tsx', 'bench/bench-server.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: config.DATABASE_URL,
      ADMIN_API_KEYS: ADMIN,
      DATABASE_POOL_MAX: '40',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const serverExited = new Promise((resolve) => server.once('exit', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    server.stdout!.on('data', (d: Buffer) => {
      const m = /LISTENING (\d+)/.exec(d.toString());
      if (m) resolve(Number(m[1]));
    });
    server.on('exit', (code) => reject(new Error(`bench server exited (${code})`)));
  });
  // The HTTP load comes from a process of its own (bench/http-load.ts), as pgbench's client is one.
  const setup: HttpLoadSetup = { port, adminKey: ADMIN, userIds, maxClients: Math.max(...CLIENTS) };
  const loader = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/http-load.ts', JSON.stringify(setup)],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const loaderGone = new Promise<never>((_, reject) =>
    loader.once('exit', (code) => reject(new Error(`HTTP load generator exited (${code})`))),
  );
  loaderGone.catch(() => {});
  await Promise.race([new Promise((resolve) => loader.once('message', resolve)), loaderGone]);
  const httpLoad = (clients: number, ms: number, hot: boolean) =>
    Promise.race([
      new Promise<LoadResult>((resolve) => {
        loader.once('message', (result) => resolve(result as LoadResult));
        loader.send({ clients, ms, hot } satisfies HttpLoadRun);
      }),
      loaderGone,
    ]);

  const pgbenchBin = findPgbench();
  let hasPgbench = pgbenchBin !== null;
  const pgbDb = 'xuefen_pgbench';
  if (pgbenchBin) {
    if (pgbenchBin !== 'pgbench') console.log(`pgbench is not on the PATH: using ${pgbenchBin}`);
    await recreate(pgbDb);
    try {
      execFileSync(pgbenchBin, ['-i', '-s', '10', '-q', dbUrl(pgbDb)], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    } catch (err) {
      console.log(`pgbench -i failed (${failure(err)}): ratios are not computed`);
      hasPgbench = false;
    }
  } else {
    console.log(
      'pgbench is neither on the PATH nor in the PostgreSQL installation: ratios are not computed',
    );
  }
  const pgbench = (clients: number, seconds: number) => {
    try {
      const out = execFileSync(
        pgbenchBin!,
        ['-M', 'prepared', '-c', String(clients), '-j', '2', '-T', String(seconds), dbUrl(pgbDb)],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const tps = /tps = ([\d.]+)/.exec(out)?.[1];
      if (!tps) throw Object.assign(new Error('no tps figure in its output'), { stderr: out });
      return Number(tps);
    } catch (err) {
      throw new Error(`pgbench failed: ${failure(err)}`);
    }
  };

  // Before each client count, the ledger's tables are vacuumed, as autovacuum would have done
  // by then (it is off on some servers, this one included, and the earlier runs' dead row
  // versions would otherwise weigh on the later ones), and a checkpoint writes out what the
  // setup left dirty: some 150 MB of data files (the seed users, pgbench -i) that the kernel
  // would otherwise write back 30 s later, in the middle of whatever is measured then, with
  // every commit's fsync waiting behind it.
  const settle = async () => {
    const c = new pg.Client({ connectionString: config.DATABASE_URL });
    await c.connect();
    try {
      await c.query('vacuum (analyze)');
      await c.query('checkpoint');
    } catch (err) {
      console.log(
        `could not vacuum and checkpoint (${(err as Error).message}): the figures may include the setup's write-back`,
      );
    } finally {
      await c.end();
    }
  };

  // Unmeasured runs first, so nothing is measured while its JIT warms up. The server's takes
  // longer: after 1.5 s it still spent about a third more CPU per request than after 5 s.
  await closedLoop(8, 1500, serviceOp(false));
  await httpLoad(8, 4000, false);

  // The machine's speed drifts by tens of per cent within a minute (other tenants), so the
  // figures that are compared (uniform users: service, HTTP, pgbench) are taken in rounds of
  // SECONDS/ROUNDS each, side by side, rather than one after another a minute apart.
  const results: Record<string, LoadResult> = {};
  const pgbenchTps: Record<number, number> = {};
  for (const clients of CLIENTS) {
    await settle();
    const slice = (SECONDS * 1000) / ROUNDS;
    const service: LoadResult[] = [];
    const http: LoadResult[] = [];
    const pgb: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      service.push(await closedLoop(clients, slice, serviceOp(false)));
      http.push(await httpLoad(clients, slice, false));
      if (hasPgbench) pgb.push(pgbench(clients, Math.max(1, Math.round(slice / 1000))));
    }
    results[`service-${clients}-uniform`] = combine(service);
    results[`http-${clients}-uniform`] = combine(http);
    results[`service-${clients}-hot`] = await closedLoop(clients, SECONDS * 1000, serviceOp(true));
    results[`http-${clients}-hot`] = await httpLoad(clients, SECONDS * 1000, true);
    const rounds = { service, http };
    for (const [kind, label] of [
      ['service', 'service'],
      ['http', 'http   '],
    ] as const) {
      for (const load of ['uniform', 'hot'] as const) {
        const perRound =
          load === 'uniform' ? ` (rounds: ${rounds[kind].map((r) => r.tps).join(', ')})` : '';
        console.log(
          `${label}  ${String(clients).padStart(2)} clients ${load === 'hot' ? 'hot user' : 'uniform '}: ${fmt(results[`${kind}-${clients}-${load}`]!)}${perRound}`,
        );
      }
    }
    if (hasPgbench) {
      pgbenchTps[clients] = Math.round(pgb.reduce((a, b) => a + b, 0) / pgb.length);
      console.log(
        `pgbench  ${String(clients).padStart(2)} clients tpcb-like -s 10 -M prepared: ${pgbenchTps[clients]} tps (rounds: ${pgb.map(Math.round).join(', ')})`,
      );
    }
  }
  server.kill('SIGTERM');
  loader.disconnect();
  await orm.close(true);
  // The two databases it made on that server go with the run (BENCH_KEEP_DATABASES=1 keeps them).
  if (process.env.BENCH_KEEP_DATABASES !== '1') {
    await serverExited;
    for (const name of [pgbDb, benchDb]) await recreate(name, false);
  }

  for (const clients of CLIENTS) {
    const base = pgbenchTps[clients];
    if (!base) continue;
    const svc = results[`service-${clients}-uniform`]!.tps;
    const web = results[`http-${clients}-uniform`]!.tps;
    console.log(
      `ratios at ${clients} clients (uniform users): service ${(svc / base).toFixed(2)}× pgbench, http ${(web / base).toFixed(2)}× pgbench`,
    );
  }
  console.log(`total time ${Math.round((Date.now() - started) / 1000)}s`);
  // The machine-readable line is for 8 clients (or the first count asked for).
  const n = CLIENTS.includes(8) ? 8 : CLIENTS[0]!;
  const svcN = results[`service-${n}-uniform`]!;
  const httpN = results[`http-${n}-uniform`]!;
  const baseN = pgbenchTps[n] ?? null;
  const ratio = (tps: number) => (baseN ? Math.round((tps / baseN) * 100) / 100 : null);
  console.log(
    JSON.stringify({
      clients: n,
      service_tps: svcN.tps,
      http_tps: httpN.tps,
      pgbench_tps: baseN,
      service_ratio: ratio(svcN.tps),
      http_ratio: ratio(httpN.tps),
      http_p99_ms: httpN.p99,
    }),
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);

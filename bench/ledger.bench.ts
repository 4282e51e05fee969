// npm run bench:ledger — grants+deductions per second through the service layer and through
// HTTP (8 and 32 clients; uniform users and one hot user), next to pgbench tpcb-like on the
// same server. The last line is one JSON object for machines.
import { execFileSync, spawn } from 'node:child_process';
import pg from 'pg';
import { Client } from 'undici';
import { createConfig } from '../src/config.js';
import { createOrm, migrate } from '../src/db/orm.js';
import { createServices } from '../src/app.services.js';
import { createLogger } from '../src/shared/logger.js';
import { closedLoop, fmt, type LoadResult } from './bench-kit.js';

const BASE = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const SECONDS = Number(process.env.BENCH_SECONDS || 6);
const CLIENTS = [8, 32];
const USERS = 1000;
const ADMIN = 'bench-admin-key-0123456789';
const dbUrl = (name: string) => Object.assign(new URL(BASE), { pathname: `/${name}` }).toString();

async function recreate(name: string) {
  const c = new pg.Client({ connectionString: BASE });
  await c.connect();
  await c.query(`drop database if exists ${name} with (force)`);
  await c.query(`create database ${name}`);
  await c.end();
}

async function main() {
  const started = Date.now();
  const benchDb = 'xuefen_bench';
  await recreate(benchDb);
  const config = createConfig({ ...process.env, DATABASE_URL: dbUrl(benchDb), ADMIN_API_KEYS: ADMIN, LOG_LEVEL: 'warn', POINTS_EXPIRY_MONTHS: '12' });
  const orm = await createOrm({ databaseUrl: config.DATABASE_URL, poolMax: 40 });
  await migrate(orm);
  const s = createServices({ config, orm, logger: createLogger({ level: 'warn', pretty: false }) });
  const userIds: number[] = [];
  for (let i = 0; i < USERS; i++) {
    const { user } = await s.users.upsert({ channel: 'web', externalId: `bench-${i}` });
    await s.ledger.credit({ key: `seed-${i}`, userId: user.id, amount: 1_000_000, reason: 'seed', actor: 'bench' });
    userIds.push(user.id);
  }
  console.log(`xuefen ledger benchmark: ${SECONDS}s per run, ${USERS} users, PostgreSQL ${BASE.replace(/\/\/.*@/, '//…@')}`);
  let seq = 0;
  const pick = (hot: boolean) => (hot ? userIds[0]! : userIds[Math.floor(Math.random() * USERS)]!);
  // Alternate grants and deductions so balances stay put.
  const serviceOp = (hot: boolean) => (_c: number, i: number) => {
    const req = { key: `svc-${++seq}`, userId: pick(hot), amount: 10, reason: 'bench', actor: 'bench' };
    return i % 2 ? s.ledger.debit(req) : s.ledger.credit(req);
  };

  const results: Record<string, LoadResult> = {};
  // A short unmeasured run first, so neither side is measured while its JIT warms up.
  await closedLoop(8, 1500, serviceOp(false));
  for (const clients of CLIENTS) {
    for (const hot of [false, true]) {
      const r = await closedLoop(clients, SECONDS * 1000, serviceOp(hot));
      results[`service-${clients}-${hot ? 'hot' : 'uniform'}`] = r;
      console.log(`service  ${String(clients).padStart(2)} clients ${hot ? 'hot user' : 'uniform '}: ${fmt(r)}`);
    }
  }

  const server = spawn(process.execPath, ['--import', 'tsx', 'bench/bench-server.ts'], {
    env: { ...process.env, DATABASE_URL: config.DATABASE_URL, ADMIN_API_KEYS: ADMIN, DATABASE_POOL_MAX: '40' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.stdout!.on('data', (d: Buffer) => {
      const m = /LISTENING (\d+)/.exec(d.toString());
      if (m) resolve(Number(m[1]));
    });
    server.on('exit', (code) => reject(new Error(`bench server exited (${code})`)));
  });
  // One undici Client (one keep-alive connection) per simulated client, as pgbench gives each of
  // its clients its own connection: less work per request than a shared Pool, and the load
  // generator shares the machine's two cores with the server and PostgreSQL.
  const connections = Array.from({ length: Math.max(...CLIENTS) }, () => new Client(`http://127.0.0.1:${port}`, { pipelining: 1 }));
  const post = async (client: number, path: string, body: unknown, key: string) => {
    const res = await connections[client]!.request({
      path, method: 'POST', body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}`, 'idempotency-key': key },
    });
    await res.body.dump();
    if (res.statusCode !== 201) throw new Error(`HTTP ${res.statusCode}`);
  };
  const httpOp = (hot: boolean) => (client: number, i: number) =>
    post(client, i % 2 ? '/v1/admin/deductions' : '/v1/admin/grants', { userId: pick(hot), amount: 10, reason: 'bench' }, `http-${++seq}`);
  await closedLoop(8, 1500, httpOp(false));
  for (const clients of CLIENTS) {
    for (const hot of [false, true]) {
      const r = await closedLoop(clients, SECONDS * 1000, httpOp(hot));
      results[`http-${clients}-${hot ? 'hot' : 'uniform'}`] = r;
      console.log(`http     ${String(clients).padStart(2)} clients ${hot ? 'hot user' : 'uniform '}: ${fmt(r)}`);
    }
  }
  server.kill('SIGTERM');
  await Promise.all(connections.map((c) => c.close()));

  const pgbenchTps: Record<number, number> = {};
  const hasPgbench = (() => {
    try {
      execFileSync('pgbench', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  if (hasPgbench) {
    const pgbDb = 'xuefen_pgbench';
    await recreate(pgbDb);
    execFileSync('pgbench', ['-i', '-s', '10', '-q', dbUrl(pgbDb)], { stdio: 'ignore' });
    for (const clients of CLIENTS) {
      const out = execFileSync('pgbench', ['-M', 'prepared', '-c', String(clients), '-j', '2', '-T', String(SECONDS), dbUrl(pgbDb)], { encoding: 'utf8' });
      const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1] ?? 0);
      pgbenchTps[clients] = Math.round(tps);
      console.log(`pgbench  ${String(clients).padStart(2)} clients tpcb-like -s 10 -M prepared: ${pgbenchTps[clients]} tps`);
    }
    await recreate(pgbDb);
  } else {
    console.log('pgbench is not on the PATH: ratios are not computed');
  }
  await orm.close(true);

  for (const clients of CLIENTS) {
    const base = pgbenchTps[clients];
    if (!base) continue;
    const svc = results[`service-${clients}-uniform`]!.tps;
    const web = results[`http-${clients}-uniform`]!.tps;
    console.log(`ratios at ${clients} clients (uniform users): service ${(svc / base).toFixed(2)}× pgbench, http ${(web / base).toFixed(2)}× pgbench`);
  }
  console.log(`total time ${Math.round((Date.now() - started) / 1000)}s`);
  const svc8 = results['service-8-uniform']!;
  const http8 = results['http-8-uniform']!;
  const base8 = pgbenchTps[8] ?? null;
  const ratio = (n: number) => (base8 ? Math.round((n / base8) * 100) / 100 : null);
  console.log(
    JSON.stringify({ clients: 8, service_tps: svc8.tps, http_tps: http8.tps, pgbench_tps: base8, service_ratio: ratio(svc8.tps), http_ratio: ratio(http8.tps), http_p99_ms: http8.p99 }),
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);

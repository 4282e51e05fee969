// The /v1/chat round trip of npm run bench:nlu: the real service on a port in this process, with
// every service call timed, and CHAT_USERS concurrent users in a closed loop from a load generator
// in a process of its own (bench/http-load.ts), so its event loop is not counted as the server's.
import { readFileSync } from 'node:fs';
import { timeStatements } from './chat.statements.js';
import type { HttpLoadRun, HttpLoadSetup } from './http-load.js';
import type { LoadResult } from './bench-kit.js';

export const CHAT_USERS = Number(process.env.BENCH_CHAT_USERS || 50);
export const CHAT_SECONDS = Number(process.env.BENCH_SECONDS || 8);
const SERVICE_KEY = 'bench-service-key-0123456789';
const CHAT_MIX = [
  '我有多少积分',
  'how many points do I have',
  '有哪些课程',
  'Python课讲什么',
  '签到',
  '积分排行榜',
  'tell me about the SQL course',
  '推荐几门课',
  '积分会过期吗',
  '你好',
  '积分商城有什么',
  'how long does shipping take',
  '我的订单到哪了',
  '今天天气怎么样',
];

/** PostgreSQL (BENCH_DATABASE_URL, or the local default) when it answers, else embedded PGlite. */
async function chatDatabase(): Promise<{
  kind: 'postgres' | 'pglite';
  url?: string;
  /** Drops the bench's database again (nothing to do on PGlite, which lives in memory). */
  drop: () => Promise<void>;
}> {
  const base = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: base, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
    await admin.query('drop database if exists xuefen_bench_chat with (force)');
    await admin.query('create database xuefen_bench_chat');
    return {
      kind: 'postgres',
      url: Object.assign(new URL(base), { pathname: '/xuefen_bench_chat' }).toString(),
      drop: async () => {
        const end = new pg.Client({ connectionString: base, connectionTimeoutMillis: 2000 });
        await end.connect();
        await end.query('drop database if exists xuefen_bench_chat with (force)');
        await end.end();
      },
    };
  } catch {
    return { kind: 'pglite', drop: async () => undefined };
  } finally {
    await admin.end().catch(() => undefined);
  }
}

/** Where a turn's time goes: every call into a service the assistant is given, timed while the
 * turns run; what is left is HTTP, the turn's own identity look-up and dialog state, the NLU
 * and waiting for the event loop. Wrapped before the assistant is built, which keeps them. */
const ASSISTANT_SERVICES = [
  ...['users', 'account', 'membership', 'roles', 'link', 'catalog', 'rewards', 'referrals'],
  ...['checkins', 'grants', 'leaderboard', 'orders', 'checkout', 'ledger', 'support'],
];

function timePhases(services: Record<string, unknown>) {
  const spent = new Map<string, number>();
  const calls = new Map<string, number>();
  let measuring = false;
  for (const name of ASSISTANT_SERVICES) {
    const methods = services[name] as Record<string, unknown>;
    for (const [fn, f] of Object.entries(methods)) {
      if (typeof f !== 'function') continue;
      const key = `${name}.${fn}`;
      methods[fn] = (...args: unknown[]) => {
        const t0 = performance.now();
        const out = (f as (...a: unknown[]) => unknown).apply(methods, args);
        if (!measuring || !(out instanceof Promise)) return out;
        calls.set(key, (calls.get(key) ?? 0) + 1);
        return out.finally(() => spent.set(key, (spent.get(key) ?? 0) + performance.now() - t0));
      };
    }
  }
  return {
    start: () => ((measuring = true), spent.clear(), calls.clear()),
    /** The calls that took most of the time, as ms per turn. */
    report(turns: number, p50: number): string {
      const top = [...spent].sort((a, b) => b[1] - a[1]).slice(0, 8);
      const per = (ms: number) => (ms / Math.max(1, turns)).toFixed(1);
      const each = (k: string, ms: number) => (ms / (calls.get(k) ?? 1)).toFixed(1);
      return `per turn (p50 ${p50} ms; in brackets: per call): ${top.map(([k, ms]) => `${k} ${per(ms)} ms (${each(k, ms)})`).join(', ')}`;
    },
  };
}

export async function benchChat(): Promise<{
  db: string;
  pool: number;
  p50: number;
  p99: number;
  rps: number;
  ops: number;
  errors: number;
  phases: string;
  statements: string;
  cpu: string;
}> {
  const [
    { serve },
    { createConfig },
    { createOrm, migrate },
    { createServices },
    { createApp },
    { createLogger },
  ] = await Promise.all([
    import('@hono/node-server'),
    import('../src/config.js'),
    import('../src/db/orm.js'),
    import('../src/app.services.js'),
    import('../src/http/app.js'),
    import('../src/shared/logger.js'),
  ]);
  const db = await chatDatabase();
  const config = createConfig({
    ...process.env,
    DATABASE_URL: db.url ?? '',
    SERVICE_API_KEYS: SERVICE_KEY,
    ADMIN_API_KEYS: '',
    LOG_LEVEL: 'silent',
    JOBS_INTERVAL_SECONDS: '0',
    // Measured: what a turn costs, not how fast the flood limits refuse the same 50 users.
    RATE_LIMIT_CHAT_USER: process.env.RATE_LIMIT_CHAT_USER ?? 'off',
    RATE_LIMIT_CHECKIN_USER: process.env.RATE_LIMIT_CHECKIN_USER ?? 'off',
  });
  // The product's pool (DATABASE_POOL_MAX, default in src/config.ts), not one sized for the bench.
  const orm = await createOrm(
    db.url ? { databaseUrl: db.url, poolMax: config.DATABASE_POOL_MAX } : {},
  );
  await migrate(orm);
  const s = createServices({
    config,
    orm,
    logger: createLogger({ level: 'silent', pretty: false }),
  });
  const phases = timePhases(s as unknown as Record<string, unknown>);
  const statements = timeStatements();
  await s.catalog.seedDemo();
  await s.support.seedFaq();
  const server = serve({ fetch: createApp(s).fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) =>
    server.listening ? resolve() : server.once('listening', () => resolve()),
  );
  const port = (server.address() as { port: number }).port;
  const load = await startLoader({
    port,
    adminKey: '',
    userIds: [],
    maxClients: CHAT_USERS,
    chat: { serviceKey: SERVICE_KEY, messages: CHAT_MIX },
  });
  try {
    // Users exist and the catalog/FAQ caches are warm before measuring: every user's first
    // turn creates it.
    await load.run({ clients: CHAT_USERS, ms: 1500, hot: false });
    phases.start();
    statements.start();
    const backends = db.url ? await backendPids(orm) : [];
    const cpu0 = cpuNow(load.pid, backends);
    const r = await load.run({ clients: CHAT_USERS, ms: CHAT_SECONDS * 1000, hot: false });
    const cpu1 = cpuNow(load.pid, backends);
    const perTurn = (a: number, b: number) => ((b - a) / Math.max(1, r.ops)).toFixed(2);
    return {
      cpu:
        `server ${perTurn(cpu0.server, cpu1.server)} ms, PostgreSQL backends ` +
        `${perTurn(cpu0.db, cpu1.db)} ms, load generator ${perTurn(cpu0.loader, cpu1.loader)} ms`,
      db: db.kind,
      pool: config.DATABASE_POOL_MAX,
      p50: r.p50,
      p99: r.p99,
      rps: r.tps,
      ops: r.ops,
      errors: r.errors,
      phases: phases.report(r.ops, r.p50),
      statements: statements.report(r.ops),
    };
  } finally {
    await load.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await orm.close(true);
    await db.drop();
  }
}

/** bench/http-load.ts in a process of its own, as bench:ledger runs it. */
async function startLoader(setup: HttpLoadSetup) {
  const { spawn } = await import('node:child_process');
  const loader = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/http-load.ts', JSON.stringify(setup)],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const gone = new Promise<never>((_, reject) =>
    loader.once('exit', (code) => reject(new Error(`HTTP load generator exited (${code})`))),
  );
  gone.catch(() => {});
  await Promise.race([new Promise((resolve) => loader.once('message', resolve)), gone]);
  return {
    pid: loader.pid!,
    run: (run: HttpLoadRun) =>
      Promise.race([
        new Promise<LoadResult>((resolve) => {
          loader.once('message', (result) => resolve(result as LoadResult));
          loader.send(run);
        }),
        gone,
      ]),
    stop: () =>
      new Promise<void>((resolve) => {
        loader.once('exit', () => resolve());
        loader.disconnect();
      }),
  };
}

/** The pool's PostgreSQL backends: the bench's database is its own, so all of its sessions. */
async function backendPids(orm: {
  em: { getConnection(): { execute(q: string): Promise<unknown> } };
}) {
  const rows = (await orm.em
    .getConnection()
    .execute(`select pid from pg_stat_activity where datname = current_database()`)) as {
    pid: number;
  }[];
  return rows.map((r) => r.pid);
}

/** CPU time (ms) used so far by this process, the load generator and the given backends, from
 * /proc (0 where it cannot be read: another OS, or a backend on another machine). */
function cpuNow(loaderPid: number, backends: number[]) {
  const ticks = (pid: number) => {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, at USER_HZ 100
    } catch {
      return 0;
    }
  };
  const own = process.cpuUsage();
  return {
    server: (own.user + own.system) / 1000,
    loader: ticks(loaderPid),
    db: backends.reduce((n, pid) => n + ticks(pid), 0),
  };
}

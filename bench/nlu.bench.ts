// NLU throughput and latency over a generated mix of messages (zh/en, with catalog names,
// quantities, typos and noise). `benchNlu()` is the pure part; the chat round trip is added
// separately. Run directly: `tsx bench/nlu.bench.ts`.
import { createNlu } from '../src/assistant/nlu/nlu.js';
import { demoNluCatalog } from '../src/assistant/nlu/nlu.demo.js';
import { DEMO_COURSES, DEMO_MALL_ITEMS } from '../src/catalog/data/demo-catalog.js';

export interface NluBenchResult {
  nlu_msgs_per_s: number;
  nlu_p50_ms: number;
  nlu_p99_ms: number;
}

const TEMPLATES = [
  '我还有多少积分',
  '用积分兑换{cz}',
  '{cz}讲什么',
  '我要买{cz}',
  '换{n}个{iz}',
  '积分什么时候过期',
  '签到',
  '转人工',
  'how many points do I have',
  'redeem {ce} with points',
  'tell me about {ce}',
  'buy {ce}',
  'get {n} {ie}',
  'where is my order',
  'show the leaderboard',
  'what is the weather like',
  'asdf qwer zxcv',
  '{ce}课多少积分',
  'pls refund the {ce} course',
  '🙂',
];

/** Deterministic message mix so runs are comparable. */
export function generateMessages(count: number): string[] {
  const out: string[] = [];
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let i = 0; i < count; i++) {
    const c = DEMO_COURSES[rnd(DEMO_COURSES.length)]!;
    const it = DEMO_MALL_ITEMS[rnd(DEMO_MALL_ITEMS.length)]!;
    out.push(
      TEMPLATES[rnd(TEMPLATES.length)]!.replace('{cz}', c.aliases[rnd(c.aliases.length)]!)
        .replace('{ce}', rnd(2) ? c.titleEn : c.aliases[0]!)
        .replace('{iz}', it.titleZh)
        .replace('{ie}', it.titleEn)
        .replace('{n}', String(1 + rnd(3))),
    );
  }
  return out;
}

export function benchNlu(count = 5000): NluBenchResult {
  const nlu = createNlu(demoNluCatalog());
  const msgs = generateMessages(count);
  for (const m of msgs.slice(0, 1000)) nlu.parse(m);
  const times = new Float64Array(msgs.length);
  const start = process.hrtime.bigint();
  for (let i = 0; i < msgs.length; i++) {
    const t0 = process.hrtime.bigint();
    nlu.parse(msgs[i]!);
    times[i] = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  const totalS = Number(process.hrtime.bigint() - start) / 1e9;
  times.sort();
  const pct = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    nlu_msgs_per_s: Math.round(msgs.length / totalS),
    nlu_p50_ms: r3(pct(0.5)),
    nlu_p99_ms: r3(pct(0.99)),
  };
}

// ---- /v1/chat round trip: 50 concurrent users over real HTTP ----------------------------------

const CHAT_USERS = Number(process.env.BENCH_CHAT_USERS || 50);
const CHAT_SECONDS = Number(process.env.BENCH_SECONDS || 8);
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
async function chatDatabase(): Promise<{ kind: 'postgres' | 'pglite'; url?: string }> {
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
    };
  } catch {
    return { kind: 'pglite' };
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
        return out.finally(() => spent.set(key, (spent.get(key) ?? 0) + performance.now() - t0));
      };
    }
  }
  return {
    start: () => ((measuring = true), spent.clear()),
    /** The calls that took most of the time, as ms per turn. */
    report(turns: number, p50: number): string {
      const top = [...spent].sort((a, b) => b[1] - a[1]).slice(0, 8);
      const per = (ms: number) => (ms / Math.max(1, turns)).toFixed(1);
      return `per turn (p50 ${p50} ms): ${top.map(([k, ms]) => `${k} ${per(ms)} ms`).join(', ')}`;
    },
  };
}

export async function benchChat(): Promise<{
  db: string;
  p50: number;
  p99: number;
  rps: number;
  ops: number;
  errors: number;
  phases: string;
}> {
  const [
    { serve },
    { Agent, request },
    { createConfig },
    { createOrm, migrate },
    { createServices },
    { createApp },
    { createLogger },
    { closedLoop },
  ] = await Promise.all([
    import('@hono/node-server'),
    import('node:http'),
    import('../src/config.js'),
    import('../src/db/orm.js'),
    import('../src/app.services.js'),
    import('../src/http/app.js'),
    import('../src/shared/logger.js'),
    import('./bench-kit.js'),
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
  const orm = await createOrm(db.url ? { databaseUrl: db.url, poolMax: 40 } : {});
  await migrate(orm);
  const s = createServices({
    config,
    orm,
    logger: createLogger({ level: 'silent', pretty: false }),
  });
  const phases = timePhases(s as unknown as Record<string, unknown>);
  await s.catalog.seedDemo();
  await s.support.seedFaq();
  const server = serve({ fetch: createApp(s).fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) =>
    server.listening ? resolve() : server.once('listening', () => resolve()),
  );
  const port = (server.address() as { port: number }).port;
  const agent = new Agent({ keepAlive: true, maxSockets: CHAT_USERS + 8 });
  const chat = (user: number, text: string) =>
    new Promise<void>((resolve, reject) => {
      const data = JSON.stringify({
        user: { channel: 'telegram', externalId: `bench-chat-${user}`, displayName: `U${user}` },
        text,
      });
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/v1/chat',
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${SERVICE_KEY}`,
            'content-length': Buffer.byteLength(data),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  try {
    // Users exist and the catalog/FAQ caches are warm before measuring.
    await Promise.all(Array.from({ length: CHAT_USERS }, (_, u) => chat(u, '你好')));
    await closedLoop(CHAT_USERS, 1000, (u, i) => chat(u, CHAT_MIX[(u + i) % CHAT_MIX.length]!));
    phases.start();
    const r = await closedLoop(CHAT_USERS, CHAT_SECONDS * 1000, (u, i) =>
      chat(u, CHAT_MIX[(u * 7 + i) % CHAT_MIX.length]!),
    );
    return {
      db: db.kind,
      p50: r.p50,
      p99: r.p99,
      rps: r.tps,
      ops: r.ops,
      errors: r.errors,
      phases: phases.report(r.ops, r.p50),
    };
  } finally {
    agent.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await orm.close(true);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = Date.now();
  const nlu = benchNlu();
  console.log(
    `NLU: ${nlu.nlu_msgs_per_s} messages/s, p50 ${nlu.nlu_p50_ms} ms, p99 ${nlu.nlu_p99_ms} ms (5000 generated zh/en messages, one thread)`,
  );
  const chat = await benchChat();
  console.log(
    `/v1/chat: ${CHAT_USERS} concurrent users over HTTP on ${chat.db === 'postgres' ? 'PostgreSQL' : 'embedded PGlite'}, ${CHAT_SECONDS}s: ` +
      `p50 ${chat.p50} ms, p99 ${chat.p99} ms, ${chat.rps} requests/s (${chat.ops} requests, ${chat.errors} errors); total ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  console.log(`/v1/chat time in services ${chat.phases}`);
  console.log(
    JSON.stringify({
      nlu_msgs_per_s: nlu.nlu_msgs_per_s,
      nlu_p99_ms: nlu.nlu_p99_ms,
      chat_p50_ms: chat.p50,
      chat_p99_ms: chat.p99,
    }),
  );
  process.exit(chat.errors > 0 && chat.ops === 0 ? 1 : 0);
}

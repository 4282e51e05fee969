// NLU throughput and latency over a generated mix of messages (zh/en, with catalog names,
// quantities, typos and noise). `benchNlu()` is the pure part; the chat round trip is added
// in bench/chat.bench.ts. Run directly: `tsx bench/nlu.bench.ts`.
import { benchChat, CHAT_SECONDS, CHAT_USERS } from './chat.bench.js';
import { loadavg } from 'node:os';
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

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = Date.now();
  const nlu = benchNlu();
  console.log(
    `NLU: ${nlu.nlu_msgs_per_s} messages/s, p50 ${nlu.nlu_p50_ms} ms, p99 ${nlu.nlu_p99_ms} ms (5000 generated zh/en messages, one thread)`,
  );
  const chat = await benchChat();
  console.log(
    `/v1/chat: ${CHAT_USERS} concurrent users over HTTP (load from another process) on ${chat.db === 'postgres' ? `PostgreSQL, pool ${chat.pool}` : 'embedded PGlite'}, ${CHAT_SECONDS}s: ` +
      `p50 ${chat.p50} ms, p99 ${chat.p99} ms, ${chat.rps} requests/s (${chat.ops} requests, ${chat.errors} errors); total ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  console.log(`/v1/chat time in services ${chat.phases}`);
  console.log(`/v1/chat statements: ${chat.statements}`);
  console.log(`/v1/chat CPU per turn: ${chat.cpu}`);
  // Others' work on the machine changes the figures: say how busy it was.
  console.log(
    `load average (1/5/15 min): ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
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

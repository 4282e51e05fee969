// How much database work one chat turn costs: every statement that reaches PostgreSQL (begin and
// commit included) during a turn through the real POST /v1/chat, for a returning user. A turn
// that does only what it needs stays within the budgets below; more means work is repeated.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHarness, http, SERVICE_KEY, uniqueKey, type Harness } from './support/harness.js';

/** Statements per turn. The targets are balance 5, quote 8, Confirm 10; the balance
 * reads its wallet in one statement, so 4. */
const BUDGET = { balance: 4, quote: 8, confirm: 10 };

/** The common questions of the chat benchmark: a second check-in the same day is refused without
 * a transaction (it was 8), the expiry answer reads balance and lots at once (it was 6). */
const COMMON = { checkinAgain: 5, expiry: 4, courseInfo: 4 };

const oneLine = (q: string) => q.replace(/\s+/g, ' ').slice(0, 140);

// Skipped on PGlite: it runs inside this process without a wire protocol, so there is no client
// that sees every statement (and the budgets are about round trips to a database server).
const onPostgres = (process.env.XF_TEST_DB ?? 'postgres') === 'postgres';

/** Every `pg` client in the process (MikroORM's driver may load its own copy of the package). */
function pgClients(): { prototype: { query: (...args: unknown[]) => unknown } }[] {
  const here = createRequire(import.meta.url);
  const viaOrm = createRequire(here.resolve('@mikro-orm/postgresql'));
  return [...new Set([here('pg').Client, viaOrm('pg').Client])];
}

let h: Harness;
let counted: string[] | undefined;
const restore: (() => void)[] = [];

beforeAll(async () => {
  if (!onPostgres) return;
  h = await createHarness({ kind: 'postgres' });
  await h.services.catalog.seedDemo();
  for (const Client of pgClients()) {
    const original = Client.prototype.query;
    Client.prototype.query = function (this: unknown, ...args: unknown[]) {
      const q = args[0];
      counted?.push(typeof q === 'string' ? q : String((q as { text?: string })?.text ?? q));
      return original.apply(this, args);
    };
    restore.push(() => (Client.prototype.query = original));
  }
});
afterAll(async () => {
  for (const r of restore) r();
  await h?.close();
});

async function turn(ext: string, msg: { text: string } | { action: string }) {
  counted = [];
  const r = await http(h.app, { key: SERVICE_KEY })('POST', '/v1/chat', {
    body: { user: { channel: 'telegram', externalId: ext, displayName: 'Li' }, ...msg },
  });
  const statements = counted;
  counted = undefined;
  expect(r.status, r.text).toBe(200);
  return {
    body: r.body as { intent: string; replies: { buttons?: { id: string }[] }[] },
    statements,
  };
}

it.skipIf(!onPostgres)(
  'a balance question, a redemption quote and its Confirm stay within their statement budgets',
  async () => {
    const ext = uniqueKey('tg');
    const { user } = await h.services.users.upsert({ channel: 'telegram', externalId: ext });
    await h.services.ledger.credit({
      key: uniqueKey('grant'),
      userId: user.id,
      amount: 50_000,
      reason: 'test grant',
      actor: 'test',
    });
    await turn(ext, { text: '你好' }); // a returning user, with the catalog already loaded

    const balance = await turn(ext, { text: '我还有多少积分' });
    expect(balance.body.intent).toBe('balance');
    const quote = await turn(ext, { text: '用积分兑换Python课' });
    expect(quote.body.intent).toBe('redeem_course');
    const ok = quote.body.replies
      .flatMap((r) => r.buttons ?? [])
      .find((b) => b.id.startsWith('ok:'));
    const confirm = await turn(ext, { action: ok!.id });
    expect(confirm.body.intent).toBe('redeem_course');

    const counts = {
      balance: balance.statements.length,
      quote: quote.statements.length,
      confirm: confirm.statements.length,
    };
    console.log(
      Object.entries({ balance, quote, confirm })
        .map(([turn, { statements }]) =>
          [`${turn}: ${statements.length}`, ...statements.map((q) => `  ${oneLine(q)}`)].join('\n'),
        )
        .join('\n'),
    );
    expect(counts.balance, 'the hook sees the statements').toBeGreaterThan(0);
    expect(counts.balance).toBeLessThanOrEqual(BUDGET.balance);
    expect(counts.quote).toBeLessThanOrEqual(BUDGET.quote);
    expect(counts.confirm).toBeLessThanOrEqual(BUDGET.confirm);
  },
);

it.skipIf(!onPostgres)(
  'a second check-in the same day, the expiry answer and a course page stay within their budgets',
  async () => {
    const ext = uniqueKey('tg');
    await turn(ext, { text: '你好' });
    const first = await turn(ext, { text: '签到' });
    expect(first.body.intent).toBe('checkin');
    const again = await turn(ext, { text: '签到' });
    expect(again.body.intent).toBe('checkin');
    const expiry = await turn(ext, { text: '积分会过期吗' });
    expect(expiry.body.intent).toBe('points_expiry');
    const course = await turn(ext, { text: 'Python课讲什么' });
    expect(course.body.intent).toBe('course_detail');

    const counts = {
      checkinAgain: again.statements.length,
      expiry: expiry.statements.length,
      courseInfo: course.statements.length,
    };
    expect(again.statements, 'no transaction for a refusal').not.toContain('BEGIN;');
    for (const [name, n] of Object.entries(counts))
      expect(n, name).toBeLessThanOrEqual(COMMON[name as keyof typeof COMMON]);
  },
);

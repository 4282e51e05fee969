// The assistant through POST /v1/chat on a real database: one scenario per intent family with
// its ledger effects, the two-step redemption (double and concurrent Confirm, Cancel, expiry,
// slot filling), a restart in the middle of a confirmation, FAQ edits and catalog changes.
// Every scenario ends with a clean ledger verification.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_KEY,
  createHarness,
  http,
  SERVICE_KEY,
  uniqueKey,
  type Harness,
} from './support/harness.js';
import { createAssistantOver, createCoreServices, createServices } from '../src/app.services.js';
import { createApp, type App } from '../src/http/app.js';
import { query, queryOne } from '../src/db/sql.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await h.services.catalog.seedDemo();
});
afterAll(async () => h?.close());
afterEach(async () => {
  const r = await h.services.ledgerQueries.verify();
  expect(r.violations).toEqual([]);
});

interface Button {
  id: string;
  label: string;
  url?: string;
}
interface ChatBody {
  intent: string;
  confidence: number;
  entities: Record<string, unknown>;
  lang: 'zh' | 'en';
  replies: Array<{
    text: string;
    buttons?: Button[];
    cards?: Array<{ title: string; buttons?: Button[] }>;
  }>;
}
type Said = ChatBody & { all: string; buttons: Button[] };

const withAll = (b: ChatBody): Said => ({
  ...b,
  all: b.replies.map((r) => r.text).join('\n'),
  buttons: b.replies.flatMap((r) => [
    ...(r.buttons ?? []),
    ...(r.cards ?? []).flatMap((c) => c.buttons ?? []),
  ]),
});

/** One turn as a Telegram user (service key), on any app (default: the harness's). */
async function say(
  ext: string,
  msg: string | { action: string },
  opts: { lang?: string; app?: App } = {},
): Promise<Said> {
  const body = {
    user: {
      channel: 'telegram',
      externalId: ext,
      displayName: 'Li',
      ...(opts.lang ? { languageCode: opts.lang } : {}),
    },
    ...(typeof msg === 'string' ? { text: msg } : msg),
  };
  const r = await http(opts.app ?? h.app, { key: SERVICE_KEY })('POST', '/v1/chat', { body });
  expect(r.status, r.text).toBe(200);
  return withAll(r.body);
}

const newExt = () => uniqueKey('tg');
const userIdOf = async (ext: string, channel: 'telegram' | 'web' = 'telegram') =>
  (await h.services.users.findByIdentity(channel, ext))!;
async function fund(ext: string, amount: number) {
  const { user } = await h.services.users.upsert({
    channel: 'telegram',
    externalId: ext,
    displayName: 'Li',
  });
  await h.services.ledger.credit({
    key: uniqueKey('grant'),
    userId: user.id,
    amount,
    reason: 'test grant',
    actor: 'test',
  });
  return user.id;
}
const balance = (userId: number) => h.services.ledgerQueries.balance(userId);
const orderCount = async (userId: number) =>
  Number(
    (await queryOne<{ n: string }>(
      h.services.em,
      `select count(*) as n from shop_order where user_id = ?`,
      [userId],
    ))!.n,
  );
const enrolled = async (userId: number, slug: string) =>
  Number(
    (await queryOne<{ n: string }>(
      h.services.em,
      `select count(*) as n from enrollment e join course c on c.id = e.course_id where e.user_id = ? and c.slug = ? and e.status = 'active'`,
      [userId, slug],
    ))!.n,
  );
const confirmButton = (r: Said) => r.buttons.find((b) => b.id.startsWith('ok:'))!;
const cancelButton = (r: Said) => r.buttons.find((b) => b.id.startsWith('no:'))!;

describe('small talk and account', () => {
  it('a referral accepted over the API after the invitee chatted rewards the inviter at their next turn', async () => {
    const inviter = await fund(newExt(), 1);
    const u = newExt();
    await say(u, '你好');
    await say(u, '我有多少积分'); // later turns no longer ask about referrals
    const api = http(h.app, { key: ADMIN_KEY });
    const code = (await api('GET', `/v1/users/${inviter}/referral`)).body.code as string;
    const accepted = await api('POST', `/v1/users/${await userIdOf(u)}/referral`, {
      body: { code },
    });
    expect(accepted.status, accepted.text).toBe(201);
    expect((await balance(inviter)).balance).toBe(1);
    await say(u, '你好');
    expect((await balance(inviter)).balance).toBe(501);
    await say(u, '你好');
    expect((await balance(inviter)).balance).toBe(501);
  });

  it('greets, helps and says you are welcome', async () => {
    const u = newExt();
    const g = await say(u, '你好');
    expect(g.intent).toBe('greeting');
    expect(g.lang).toBe('zh');
    expect(g.buttons.map((b) => b.id)).toContain('cl:*:1');
    expect((await say(u, '你能做什么')).intent).toBe('help');
    const t = await say(u, 'thanks a lot!');
    expect(t.intent).toBe('thanks_bye');
    expect(t.lang).toBe('en');
  });

  it('answers the balance after a grant, with the locale number format', async () => {
    const u = newExt();
    await fund(u, 19_900);
    const zh = await say(u, '我有多少积分');
    expect(zh.intent).toBe('balance');
    expect(zh.all).toContain('19,900');
    const en = await say(u, 'how many points do I have?');
    expect(en.lang).toBe('en');
    expect(en.all).toMatch(/19,900 points/);
  });

  it('checks in once a day and lists the history', async () => {
    const u = newExt();
    const first = await say(u, '签到');
    expect(first.intent).toBe('checkin');
    expect(first.all).toContain('签到成功');
    const id = await userIdOf(u);
    const after = (await balance(id)).balance;
    expect(after).toBeGreaterThan(0);
    const second = await say(u, '签到');
    expect(second.all).toContain('已经签到');
    expect(second.all).toContain('已连续 1 天');
    expect((await balance(id)).balance).toBe(after);
    const hist = await say(u, '积分明细');
    expect(hist.intent).toBe('points_history');
    expect(hist.all).toContain(`+${after}`);
  });

  it('explains how to earn and gives an invite link', async () => {
    const u = newExt();
    const earn = await say(u, '怎么赚积分');
    expect(earn.intent).toBe('earn_points');
    expect(earn.all).toContain('签到');
    const inv = await say(u, '邀请好友');
    expect(inv.intent).toBe('invite');
    expect(inv.all).toMatch(/\/r\/[A-Z0-9]+/);
  });

  it('answers membership, upgrade path, expiry and the leaderboard', async () => {
    const u = newExt();
    await fund(u, 1_200);
    const m = await say(u, '我是什么会员');
    expect(m.intent).toBe('membership');
    expect(m.all).toContain('普通会员');
    const up = await say(u, '怎么升级VIP');
    expect(up.intent).toBe('upgrade_membership');
    expect(up.all).toContain('升级');
    const ex = await say(u, '积分会过期吗');
    expect(ex.intent).toBe('points_expiry');
    expect(ex.all).toContain('1,200');
    const lb = await say(u, '积分排行榜');
    expect(lb.intent).toBe('leaderboard');
    expect(lb.buttons.map((b) => b.id)).toEqual(['lb:week', 'lb:month']);
    const week = await say(u, { action: 'lb:week' });
    expect(week.intent).toBe('leaderboard');
    expect(week.all).toContain('本周');
  });
});

describe('courses', () => {
  it('pages through the course list with the next-page button', async () => {
    const u = newExt();
    const p1 = await say(u, '有哪些课程');
    expect(p1.intent).toBe('browse_courses');
    expect(p1.all).toContain('1/');
    const next = p1.buttons.find((b) => b.id === 'cl:*:2');
    expect(next).toBeDefined();
    const p2 = await say(u, { action: next!.id });
    expect(p2.intent).toBe('browse_courses');
    expect(p2.all).toContain('2/');
    expect(p2.all).not.toEqual(p1.all);
    expect(p2.buttons.map((b) => b.id)).toContain('cl:*:1');
  });

  it('describes a course in zh and en', async () => {
    const u = newExt();
    const zh = await say(u, 'Python课讲什么');
    expect(zh.intent).toBe('course_detail');
    expect(zh.entities.course).toBe('python-basics');
    expect(zh.lang).toBe('zh');
    expect(zh.all).toContain('19,900');
    const en = await say(u, 'tell me about the SQL course');
    expect(en.intent).toBe('course_detail');
    expect(en.entities.course).toBe('sql-databases');
    expect(en.lang).toBe('en');
    expect(en.all).toContain('SQL and Database Fundamentals');
    expect(en.buttons.map((b) => b.id)).toEqual(['rc:sql-databases', 'bc:sql-databases:0']);
  });

  it('recommends popular courses to a new user and similar ones after an enrollment', async () => {
    const u = newExt();
    const fresh = await say(u, '推荐几门课');
    expect(fresh.intent).toBe('recommend_courses');
    expect(fresh.all).toContain('大家都在学');
    const id = await fund(u, 30_000);
    await h.services.orders.redeem({
      userId: id,
      key: uniqueKey('r'),
      kind: 'course',
      slug: 'python-basics',
    });
    const after = await say(u, '推荐几门课');
    expect(after.all).toContain('根据你学过的课程');
    expect(after.buttons.map((b) => b.id)).not.toContain('cd:python-basics');
    expect(after.buttons.length).toBeGreaterThan(0);
  });

  it('recognises a course created over the admin API within the catalog refresh', async () => {
    // A second instance whose assistant refreshes its catalog every 200 ms (default 15 s).
    const core = createCoreServices({
      config: h.services.config,
      orm: h.orm,
      logger: h.services.logger,
    });
    const app = createApp({ ...core, ...createAssistantOver(core, { catalogTtlMs: 200 }) });
    const u = newExt();
    await say(u, '你好', { app });
    const created = await http(app, { key: ADMIN_KEY })('POST', '/v1/admin/courses', {
      body: {
        slug: 'rust-systems',
        titleZh: 'Rust 系统编程',
        titleEn: 'Rust Systems Programming',
        category: 'programming',
        priceFen: 29900,
        aliases: ['rust'],
      },
    });
    expect(created.status, created.text).toBe(201);
    await new Promise((r) => setTimeout(r, 250));
    const r = await say(u, 'tell me about the Rust Systems Programming course', { app });
    expect(r.intent).toBe('course_detail');
    expect(r.entities.course).toBe('rust-systems');
    expect(r.all).toContain('Rust Systems Programming');
    const zh = await say(u, 'Rust 系统编程讲什么', { app });
    expect(zh.entities.course).toBe('rust-systems');
  });

  it('knows a category that only a course created over the admin API has', async () => {
    const core = createCoreServices({
      config: h.services.config,
      orm: h.orm,
      logger: h.services.logger,
    });
    const app = createApp({ ...core, ...createAssistantOver(core, { catalogTtlMs: 200 }) });
    const u = newExt();
    await say(u, 'hello', { app });
    const created = await http(app, { key: ADMIN_KEY })('POST', '/v1/admin/courses', {
      body: {
        slug: 'pixel-art-basics',
        titleZh: '像素画入门',
        titleEn: 'Pixel Art Basics',
        category: 'game-art',
        priceFen: 9900,
      },
    });
    expect(created.status, created.text).toBe(201);
    await new Promise((r) => setTimeout(r, 250));
    const r = await say(u, 'show me game art courses', { app });
    expect(r.intent).toBe('browse_courses');
    expect(r.entities.topic).toBe('game-art');
    expect(r.all).toContain('Pixel Art Basics');
    const list = await say(u, { action: 'cl:game-art:1' }, { app });
    expect(list.all).toContain('Pixel Art Basics');
  });
});

describe('two-step course redemption', () => {
  it('quotes with a hold, and Confirm (pressed twice) enrolls and charges once', async () => {
    const u = newExt();
    const id = await fund(u, 50_000);
    const q = await say(u, '用积分兑换Python课');
    expect(q.intent).toBe('redeem_course');
    expect(q.entities.course).toBe('python-basics');
    expect(q.all).toContain('19,900');
    expect(q.all).toContain('30,100');
    expect(await balance(id)).toMatchObject({ balance: 50_000, held: 19_900, available: 30_100 });
    const ok = confirmButton(q);
    expect(cancelButton(q)).toBeDefined();

    const done = await say(u, { action: ok.id });
    expect(done.intent).toBe('redeem_course');
    expect(done.all).toContain('兑换成功');
    expect(await balance(id)).toMatchObject({ balance: 30_100, held: 0 });
    expect(await enrolled(id, 'python-basics')).toBe(1);

    const again = await say(u, { action: ok.id });
    expect(again.all).toContain('兑换成功');
    expect(await balance(id)).toMatchObject({ balance: 30_100, held: 0 });
    expect(await orderCount(id)).toBe(1);
  });

  it('two Confirm presses at the same moment make one order', async () => {
    const u = newExt();
    const id = await fund(u, 50_000);
    const q = await say(u, 'redeem the SQL course with points');
    expect(q.entities.course).toBe('sql-databases');
    const ok = confirmButton(q);
    const [a, b] = await Promise.all([say(u, { action: ok.id }), say(u, { action: ok.id })]);
    for (const r of [a, b]) expect(r.all).toMatch(/^Done 🎉/);
    expect(await orderCount(id)).toBe(1);
    expect(await enrolled(id, 'sql-databases')).toBe(1);
    expect(await balance(id)).toMatchObject({ balance: 50_000 - 17_900, held: 0 });
  });

  it('Cancel releases the hold', async () => {
    const u = newExt();
    const id = await fund(u, 50_000);
    const q = await say(u, '用积分兑换Python课');
    expect((await balance(id)).held).toBe(19_900);
    const c = await say(u, { action: cancelButton(q).id });
    expect(c.intent).toBe('cancel');
    expect(c.all).toContain('已取消');
    expect(await balance(id)).toMatchObject({ balance: 50_000, held: 0, available: 50_000 });
    // Confirm after Cancel does nothing.
    const late = await say(u, { action: confirmButton(q).id });
    expect(late.all).toContain('过期');
    expect(await orderCount(id)).toBe(0);
  });

  it('an expired hold makes Confirm say expired and charges nothing', async () => {
    const u = newExt();
    const id = await fund(u, 50_000);
    const q = await say(u, '用积分兑换Python课');
    await query(
      h.services.em,
      `update ledger_hold set expires_at = now() - interval '1 minute'
        where status = 'active' and account_id in (select id from ledger_account where user_id = ?)`,
      [id],
    );
    const r = await say(u, { action: confirmButton(q).id });
    expect(r.all).toContain('过期');
    expect(await orderCount(id)).toBe(0);
    expect(await enrolled(id, 'python-basics')).toBe(0);
    expect(await balance(id)).toMatchObject({ balance: 50_000, held: 0 });
  });

  it('asks which course when none is named, then completes the quote from "pandas"', async () => {
    const u = newExt();
    const id = await fund(u, 50_000);
    const ask = await say(u, '兑换课程');
    expect(ask.intent).toBe('redeem_course');
    expect(ask.all).toContain('哪门课程');
    expect(ask.buttons.map((b) => b.id)).toContain('rc:data-analysis-pandas');
    const q = await say(u, 'pandas');
    expect(q.intent).toBe('redeem_course');
    expect(q.entities.course).toBe('data-analysis-pandas');
    expect(q.all).toContain('29,900');
    expect((await balance(id)).held).toBe(29_900);
    const done = await say(u, { action: confirmButton(q).id });
    expect(done.all).toContain('兑换成功');
    expect(await enrolled(id, 'data-analysis-pandas')).toBe(1);
  });

  it('continues a confirmation on a restarted instance over the same database', async () => {
    const u = newExt();
    const id = await fund(u, 50_000);
    const q = await say(u, '用积分兑换Python课');
    // A new process: fresh services and app, nothing in memory, the same database.
    const s2 = createServices({ config: h.services.config, orm: h.orm, logger: h.services.logger });
    const app2 = createApp(s2);
    const done = await say(u, { action: confirmButton(q).id }, { app: app2 });
    expect(done.all).toContain('兑换成功');
    const again = await say(u, { action: confirmButton(q).id }, { app: app2 });
    expect(again.all).toContain('兑换成功');
    expect(await orderCount(id)).toBe(1);
    expect(await balance(id)).toMatchObject({ balance: 30_100, held: 0 });
  });
});

describe('mall and orders', () => {
  it('redeems two thermos cups after asking for the address', async () => {
    const u = newExt();
    const id = await fund(u, 10_000);
    const ask = await say(u, '换两个保温杯');
    expect(ask.intent).toBe('redeem_item');
    expect(ask.entities).toMatchObject({ item: 'thermos-cup', quantity: 2 });
    expect(ask.all).toContain('收货地址');
    const q = await say(u, '张三 13800138000 上海市浦东新区世纪大道1号');
    expect(q.intent).toBe('redeem_item');
    expect(q.all).toContain('×2');
    expect(q.all).toContain('6,000');
    expect((await balance(id)).held).toBe(6_000);
    const done = await say(u, { action: confirmButton(q).id });
    expect(done.all).toContain('兑换成功');
    expect(await balance(id)).toMatchObject({ balance: 4_000, held: 0 });
    const row = await queryOne<{ status: string; quantity: number }>(
      h.services.em,
      `select status, quantity from shop_order where user_id = ?`,
      [id],
    );
    expect(row).toMatchObject({ status: 'placed', quantity: 2 });
    const st = await say(u, '我的订单到哪了');
    expect(st.intent).toBe('order_status');
    expect(st.all).toContain('已下单');
  });

  it('gives a payment link for buying a course', async () => {
    const u = newExt();
    const r = await say(u, '我要买机器学习课');
    expect(r.intent).toBe('buy_course');
    const pay = r.buttons.find((b) => b.url);
    expect(pay?.url).toMatch(/^https?:\/\/.+\/sandbox\/pay\//);
    expect(r.all).toContain('¥399');
  });

  it('explains why a refund is not possible without a paid order', async () => {
    const u = newExt();
    const r = await say(u, '我要退款');
    expect(r.intent).toBe('refund');
    expect(r.all).toContain('暂时无法退款');
  });
});

describe('support', () => {
  it('hands off to a human with a ticket admins can see and close', async () => {
    const u = newExt();
    const r = await say(u, '转人工');
    expect(r.intent).toBe('human_agent');
    const n = Number(/#(\d+)/.exec(r.all)?.[1]);
    expect(n).toBeGreaterThan(0);
    const admin = http(h.app, { key: ADMIN_KEY });
    const open = await admin('GET', '/v1/admin/tickets?status=open');
    expect(open.status).toBe(200);
    const ticket = open.body.items.find((t: { id: number }) => t.id === n);
    expect(ticket).toMatchObject({
      userId: await userIdOf(u),
      channel: 'telegram',
      status: 'open',
      message: '转人工',
    });
    const closed = await admin('POST', `/v1/admin/tickets/${n}/close`, {
      body: { note: 'called back' },
    });
    expect(closed.body).toMatchObject({ id: n, status: 'closed', note: 'called back' });
    expect(
      (await admin('GET', '/v1/admin/tickets?status=open')).body.items.some(
        (t: { id: number }) => t.id === n,
      ),
    ).toBe(false);
    expect((await admin('POST', '/v1/admin/tickets/999999/close')).status).toBe(404);
    expect((await http(h.app, { key: SERVICE_KEY })('GET', '/v1/admin/tickets')).status).toBe(403);
  });

  it('falls back politely when out of scope', async () => {
    const u = newExt();
    const r = await say(u, '今天天气怎么样');
    expect(r.intent).toBe('out_of_scope');
    expect(r.all).toContain('帮不上忙');
    expect(r.buttons.map((b) => b.id)).toContain('in:help');
  });

  it('answers FAQ questions outside the intents, and follows admin edits', async () => {
    const u = newExt();
    const zh = await say(u, '积分抵扣最多能用多少');
    expect(zh.all).toContain('30%');
    const en = await say(u, 'how long does shipping take');
    expect(en.lang).toBe('en');
    expect(en.all).toMatch(/3.5 business days/);
    const admin = http(h.app, { key: ADMIN_KEY });
    const list = await admin('GET', '/v1/admin/faq');
    const entry = list.body.items.find((e: { id: string }) => e.id === 'shipping-time');
    expect(entry).toBeDefined();
    const put = await admin('PUT', '/v1/admin/faq/shipping-time', {
      body: {
        questions: entry.questions,
        answer: { zh: '实物现在 24 小时内发货。', en: 'Physical items now ship within 24 hours.' },
      },
    });
    expect(put.status, put.text).toBe(200);
    expect((await say(u, 'how long does shipping take')).all).toBe(
      'Physical items now ship within 24 hours.',
    );
    expect(
      (
        await admin('PUT', '/v1/admin/faq/shipping-time', {
          body: { questions: { zh: [] }, answer: { zh: 'x' } },
        })
      ).status,
    ).toBe(400);
    expect((await admin('DELETE', '/v1/admin/faq/shipping-time')).status).toBe(204);
    expect((await say(u, 'how long does shipping take')).all).not.toContain('24 hours');
    expect((await admin('DELETE', '/v1/admin/faq/no-such-entry')).status).toBe(404);
  });
});

describe('language', () => {
  it('answers zh text in zh, en text in en, and a button in the platform language', async () => {
    expect((await say(newExt(), '我的积分', { lang: 'en' })).lang).toBe('zh');
    expect((await say(newExt(), 'show my points', { lang: 'zh' })).lang).toBe('en');
    const u = newExt();
    await fund(u, 19_900);
    const b = await say(u, { action: 'in:balance' }, { lang: 'en' });
    expect(b.lang).toBe('en');
    expect(b.all).toContain('19,900 points');
    const z = await say(newExt(), { action: 'cl:*:1' }, { lang: 'zh-CN' });
    expect(z.lang).toBe('zh');
  });
});

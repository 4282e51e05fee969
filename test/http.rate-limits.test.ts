// Floods are refused with 429 + Retry-After before anything is written: chat turns per web
// session and per client address, new web sessions (users) per address, chat turns per channel
// identity behind a service key, check-ins and redemptions per user over HTTP and in chat.
// Each test builds its own app with small limits, so the buckets of one do not touch another.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createHarness,
  http,
  newUser,
  SERVICE_KEY,
  uniqueKey,
  type Harness,
} from './support/harness.js';
import { createServices } from '../src/app.services.js';
import { createApp } from '../src/http/app.js';
import { createConfig } from '../src/config.js';
import { queryOne } from '../src/db/sql.js';
import { zh } from '../src/assistant/replies/replies.zh.js';
import type { Json } from './support/json.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await h.services.catalog.seedDemo();
});
afterAll(async () => h?.close());

/** An app on the harness database whose limits come from `env` (plus TRUST_PROXY=1 for X-Forwarded-For). */
function appWith(env: Record<string, string>) {
  const config = { ...h.services.config, ...pick(createConfig({ TRUST_PROXY: 'true', ...env })) };
  const services = createServices({ config, orm: h.orm, logger: h.services.logger });
  return { services, app: createApp(services) };
}
const pick = (c: ReturnType<typeof createConfig>) =>
  Object.fromEntries(
    Object.entries(c).filter(([k]) => k.startsWith('RATE_LIMIT_') || k === 'TRUST_PROXY'),
  );

const counts = async () =>
  queryOne<Record<string, string>>(
    h.services.em,
    `select (select count(*) from app_user) as users, (select count(*) from user_identity) as identities, (select count(*) from web_session) as sessions,
            (select count(*) from ledger_entry) as entries, (select count(*) from shop_order) as orders, (select count(*) from checkin) as checkins`,
  );
const cookieOf = (headers: Headers) => headers.get('set-cookie')?.split(';')[0];
const expect429 = (r: { status: number; body: Json; headers: Headers; text: string }) => {
  expect(r.status, r.text).toBe(429);
  expect(r.body.error.code).toBe('rate_limited');
  expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(r.body.error.details.retryAfterSeconds).toBe(Number(r.headers.get('retry-after')));
};

it('refuses a flood of chat turns on one cookie after the per-session limit, and the refused turns change nothing', async () => {
  const { app } = appWith({ RATE_LIMIT_CHAT_SESSION: '5/60', RATE_LIMIT_CHAT_IP: '10/60' });
  const anon = http(app, { key: undefined });
  const ip = { 'x-forwarded-for': '203.0.113.10' };
  const first = await anon('POST', '/v1/chat', {
    body: { user: { channel: 'web' }, text: '签到' },
    headers: ip,
  });
  expect(first.status).toBe(200);
  const cookie = cookieOf(first.headers)!;
  for (let i = 0; i < 4; i++)
    expect(
      (
        await anon('POST', '/v1/chat', {
          body: { user: { channel: 'web' }, text: '签到' },
          headers: { ...ip, cookie },
        })
      ).status,
    ).toBe(200);
  const before = await counts();
  const flood = await Promise.all(
    Array.from({ length: 40 }, () =>
      anon('POST', '/v1/chat', {
        body: { user: { channel: 'web' }, text: '签到' },
        headers: { ...ip, cookie },
      }),
    ),
  );
  for (const r of flood) {
    expect429(r);
    expect(r.headers.get('set-cookie')).toBeNull();
  }
  expect(await counts()).toEqual(before);
  // Another browser from the same address is its own session: the flood did not use up the address's allowance.
  expect(
    (
      await anon('POST', '/v1/chat', {
        body: { user: { channel: 'web' }, text: '你好' },
        headers: ip,
      })
    ).status,
  ).toBe(200);
});

it('stops keyless requests without a cookie from making users after the per-address limit; other addresses are unaffected', async () => {
  const { app } = appWith({ RATE_LIMIT_SESSION_CREATE_IP: '3/3600' });
  const anon = http(app, { key: undefined });
  const before = await counts();
  const results = [];
  for (let i = 0; i < 12; i++)
    results.push(
      await anon('POST', '/v1/chat', {
        body: { user: { channel: 'web' }, text: '你好' },
        headers: { 'x-forwarded-for': '198.51.100.7' },
      }),
    );
  expect(results.slice(0, 3).map((r) => r.status)).toEqual([200, 200, 200]);
  for (const r of results.slice(3)) {
    expect429(r);
    expect(r.headers.get('set-cookie')).toBeNull();
  }
  const after = await counts();
  expect(Number(after!.users) - Number(before!.users)).toBe(3);
  expect(Number(after!.sessions) - Number(before!.sessions)).toBe(3);
  // A cookie already issued keeps working from that address, and another address still gets sessions.
  const cookie = cookieOf(results[0]!.headers)!;
  expect(
    (
      await anon('POST', '/v1/chat', {
        body: { user: { channel: 'web' }, text: '你好' },
        headers: { 'x-forwarded-for': '198.51.100.7', cookie },
      })
    ).status,
  ).toBe(200);
  expect(
    (
      await anon('POST', '/v1/chat', {
        body: { user: { channel: 'web' }, text: '你好' },
        headers: { 'x-forwarded-for': '198.51.100.8' },
      })
    ).status,
  ).toBe(200);
  // A forged cookie is no cookie: it counts as a new session.
  expect429(
    await anon('POST', '/v1/chat', {
      body: { user: { channel: 'web' }, text: '你好' },
      headers: {
        'x-forwarded-for': '198.51.100.7',
        cookie: 'xf_session=AAAAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB',
      },
    }),
  );
});

it('limits keyless turns per address across sessions, counting only the trusted proxy hop of X-Forwarded-For', async () => {
  const { app } = appWith({ RATE_LIMIT_CHAT_IP: '4/60' });
  const anon = http(app, { key: undefined });
  // The client makes up the left part of X-Forwarded-For; with TRUST_PROXY=1 only the last hop counts.
  const statuses = [];
  for (let i = 0; i < 6; i++) {
    const r = await anon('POST', '/v1/chat', {
      body: { user: { channel: 'web' }, text: '你好' },
      headers: { 'x-forwarded-for': `10.9.9.${i}, 192.0.2.44` },
    });
    statuses.push(r.status);
    if (r.status === 429) expect429(r);
  }
  expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
});

it('with a service key limits each channel identity, not the backend that speaks for many', async () => {
  const { app } = appWith({ RATE_LIMIT_CHAT_USER: '3/60', RATE_LIMIT_CHAT_IP: '1/60' });
  const api = http(app, { key: SERVICE_KEY });
  const alice = uniqueKey('tg-a');
  const said = [];
  for (let i = 0; i < 5; i++)
    said.push(
      await api('POST', '/v1/chat', {
        body: { user: { channel: 'telegram', externalId: alice }, text: '我有多少积分' },
      }),
    );
  expect(said.map((r) => r.status)).toEqual([200, 200, 200, 429, 429]);
  expect429(said[3]!);
  // Many other people behind the same backend address are answered (the per-address limit of 1 is for keyless callers).
  for (let i = 0; i < 5; i++)
    expect(
      (
        await api('POST', '/v1/chat', {
          body: { user: { channel: 'telegram', externalId: uniqueKey('tg') }, text: 'hi' },
        })
      ).status,
    ).toBe(200);
});

it('refuses a check-in flood per user over HTTP (and the ledger has one check-in)', async () => {
  const { app } = appWith({ RATE_LIMIT_CHECKIN_USER: '3/60' });
  const api = http(app);
  const u = await newUser(h);
  const flood = await Promise.all(
    Array.from({ length: 12 }, () => api('POST', `/v1/users/${u.id}/checkins`)),
  );
  const statuses = flood.map((r) => r.status).sort();
  expect(statuses.filter((s) => s === 201)).toHaveLength(1);
  expect(statuses.filter((s) => s === 409)).toHaveLength(2);
  for (const r of flood.filter((x) => x.status === 429)) expect429(r);
  expect(statuses.filter((s) => s === 429)).toHaveLength(9);
  expect((await h.services.ledgerQueries.balance(u.id)).balance).toBe(10);
  // Another user is not limited by this one.
  expect((await api('POST', `/v1/users/${(await newUser(h)).id}/checkins`)).status).toBe(201);
});

it('refuses a redemption flood per user over HTTP; the refused ones make no order and move no points', async () => {
  const { app } = appWith({ RATE_LIMIT_REDEEM_USER: '3/60' });
  const api = http(app);
  const u = await newUser(h, { balance: 100_000 });
  const before = await counts();
  const results = [];
  for (let i = 0; i < 8; i++) {
    results.push(
      await api('POST', `/v1/users/${u.id}/redemptions`, {
        body: { kind: 'item', slug: 'coupon-20' },
        headers: { 'idempotency-key': uniqueKey('r') },
      }),
    );
  }
  expect(results.map((r) => r.status)).toEqual([201, 201, 201, 429, 429, 429, 429, 429]);
  for (const r of results.slice(3)) expect429(r);
  const after = await counts();
  expect(Number(after!.orders) - Number(before!.orders)).toBe(3);
  expect((await h.services.ledgerQueries.balance(u.id)).balance).toBe(100_000 - 3 * 2000);
});

it('limits check-ins in chat too: a 429 over HTTP, a friendly reply to the bots', async () => {
  const { app, services } = appWith({ RATE_LIMIT_CHECKIN_USER: '2/60' });
  const api = http(app, { key: SERVICE_KEY });
  const ext = uniqueKey('tg-c');
  const turn = () =>
    api('POST', '/v1/chat', {
      body: { user: { channel: 'telegram', externalId: ext, languageCode: 'zh' }, text: '签到' },
    });
  expect((await turn()).status).toBe(200);
  expect((await turn()).status).toBe(200); // "already checked in today"
  const refused = await turn();
  expect429(refused);
  // A bot calls the assistant directly: the same refusal is a reply in the user's language.
  const bot = await services.assistant.handle({
    user: { channel: 'telegram', externalId: ext, languageCode: 'zh' },
    text: '签到',
    eventId: uniqueKey('ev'),
  });
  expect(bot.replies[0]!.text).toBe(zh.error('rate_limited'));
  const userId = (await h.services.users.findByIdentity('telegram', ext))!;
  expect((await h.services.ledgerQueries.balance(userId)).balance).toBe(10);
});

it('keeps a chat redemption confirmation when the Confirm is refused for a flood, so it can be pressed again', async () => {
  const { app, services } = appWith({ RATE_LIMIT_REDEEM_USER: '1/3600' });
  const api = http(app, { key: SERVICE_KEY });
  const ext = uniqueKey('tg-r');
  const user = { channel: 'telegram', externalId: ext, languageCode: 'zh' };
  expect((await api('POST', '/v1/chat', { body: { user, text: '你好' } })).status).toBe(200);
  const userId = (await h.services.users.findByIdentity('telegram', ext))!;
  await h.services.ledger.credit({
    key: uniqueKey('seed'),
    userId,
    amount: 10_000,
    reason: 'seed',
    actor: 'test',
  });
  await services.orders.redeem({ userId, key: uniqueKey('x'), kind: 'item', slug: 'coupon-20' }); // the one this hour allows
  const ask = await api('POST', '/v1/chat', { body: { user, action: 'ri:coupon-20' } });
  const ok = ask.body.replies
    .flatMap((r: Json) => r.buttons ?? [])
    .find((b: Json) => b.id.startsWith('ok:'));
  expect(ok, ask.text).toBeDefined();
  const held = async () =>
    Number(
      (await queryOne<{ n: string }>(
        h.services.em,
        `select count(*) as n from ledger_hold h join ledger_account a on a.id = h.account_id where a.user_id = ? and h.status = 'active'`,
        [userId],
      ))!.n,
    );
  expect(await held()).toBe(1);
  expect429(await api('POST', '/v1/chat', { body: { user, action: ok.id } }));
  expect(await held()).toBe(1);
  // Once allowed again (here: an app without that limit on the same database) the same button redeems.
  const again = await http(appWith({}).app, { key: SERVICE_KEY })('POST', '/v1/chat', {
    body: { user, action: ok.id },
  });
  expect(again.status).toBe(200);
  expect(await held()).toBe(0);
  const orders = await queryOne<{ n: string }>(
    h.services.em,
    `select count(*) as n from shop_order where user_id = ?`,
    [userId],
  );
  expect(Number(orders!.n)).toBe(2);
  expect((await h.services.ledgerQueries.balance(userId)).balance).toBe(10_000 - 2 * 2000);
});

it('counts the socket address, not X-Forwarded-For, unless TRUST_PROXY is set (real server)', async () => {
  const services = createServices({
    config: {
      ...h.services.config,
      RATE_LIMIT_SESSION_CREATE_IP: { points: 2, seconds: 3600 },
      TRUST_PROXY: 0,
    },
    orm: h.orm,
    logger: h.services.logger,
  });
  const server = serve({ fetch: createApp(services).fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) =>
    server.listening ? resolve() : server.once('listening', () => resolve()),
  );
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat`;
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const r = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `192.0.2.${i}` },
        body: JSON.stringify({ user: { channel: 'web' }, text: 'hi' }),
      });
      statuses.push(r.status);
      if (r.status === 429) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      await r.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

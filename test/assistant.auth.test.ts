// Who /v1/chat acts for: without a key only the web user of the session cookie (a new
// cookie when missing or forged, never a Telegram or Discord user); with a service or admin key
// any channel identity. Plus the chat page at / and the OpenAPI entries.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_KEY, createHarness, http, SERVICE_KEY, type Harness } from './support/harness.js';
import { createServices } from '../src/app.services.js';
import { createApp } from '../src/http/app.js';
import { queryOne } from '../src/db/sql.js';

let h: Harness;
let anon: ReturnType<typeof http>;
beforeAll(async () => {
  h = await createHarness();
  await h.services.catalog.seedDemo();
  anon = http(h.app, { key: undefined });
});
afterAll(async () => h?.close());

const sessionCookie = (headers: Headers) => {
  const set = headers.get('set-cookie');
  return set ? set.split(';')[0]! : undefined;
};
/** The web user a cookie's session row names (the cookie is `<selector>.<secret>`). */
const webUserOf = async (cookie: string) => {
  const row = await queryOne<{ web_key: string }>(
    h.services.em,
    `select web_key from web_session where selector = ?`,
    [cookie.split('=')[1]!.split('.')[0]!],
  );
  return (await h.services.users.findByIdentity('web', row!.web_key))!;
};

it('issues an HttpOnly, SameSite=Lax session cookie and keeps the same web user with it', async () => {
  const first = await anon('POST', '/v1/chat', {
    body: {
      user: { channel: 'web', externalId: 'someone-else', languageCode: 'zh' },
      text: '你好',
    },
  });
  expect(first.status, first.text).toBe(200);
  const set = first.headers.get('set-cookie')!;
  expect(set).toMatch(/^xf_session=[\w-]+\.[\w-]+;/);
  expect(set).toMatch(/HttpOnly/);
  expect(set).toMatch(/SameSite=Lax/);
  expect(set).toMatch(/Path=\//);
  const cookie = sessionCookie(first.headers)!;
  const userId = await webUserOf(cookie);
  expect(userId).toBeGreaterThan(0);
  // externalId in the body is ignored: no web identity "someone-else" was created.
  expect(await h.services.users.findByIdentity('web', 'someone-else')).toBeUndefined();

  const check = await anon('POST', '/v1/chat', {
    body: { user: { channel: 'web' }, text: '签到' },
    headers: { cookie },
  });
  expect(check.status).toBe(200);
  expect(check.headers.get('set-cookie')).toBeNull();
  const bal = await anon('POST', '/v1/chat', {
    body: { user: { channel: 'web' }, text: '我有多少积分' },
    headers: { cookie },
  });
  const points = (await h.services.ledgerQueries.balance(userId)).balance;
  expect(points).toBeGreaterThan(0);
  expect(bal.body.replies[0].text).toContain(`${points}`);
});

it('replaces a forged cookie with a new session', async () => {
  const first = await anon('POST', '/v1/chat', {
    body: { user: { channel: 'web' }, text: '签到' },
  });
  const cookie = sessionCookie(first.headers)!;
  const [id] = cookie.split('=')[1]!.split('.');
  for (const forged of [
    `xf_session=${id}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`,
    `xf_session=${id}`,
    'xf_session=garbage',
    `xf_session=${id}.`,
  ]) {
    const r = await anon('POST', '/v1/chat', {
      body: { user: { channel: 'web' }, text: '我有多少积分' },
      headers: { cookie: forged },
    });
    expect(r.status).toBe(200);
    const fresh = sessionCookie(r.headers)!;
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(cookie);
    expect(r.body.replies[0].text).toContain('0 分');
  }
});

it('keeps sessions valid across restarts: they are rows in the database', async () => {
  const first = await anon('POST', '/v1/chat', {
    body: { user: { channel: 'web' }, text: '你好' },
  });
  const cookie = sessionCookie(first.headers)!;
  const app2 = createApp(
    createServices({ config: h.services.config, orm: h.orm, logger: h.services.logger }),
  );
  const r = await http(app2, { key: undefined })('POST', '/v1/chat', {
    body: { user: { channel: 'web' }, text: '你好' },
    headers: { cookie },
  });
  expect(r.status).toBe(200);
  expect(r.headers.get('set-cookie')).toBeNull();
  const row = await queryOne<{ secret_hash: string }>(
    h.services.em,
    `select secret_hash from web_session where selector = ?`,
    [cookie.split('=')[1]!.split('.')[0]!],
  );
  // Only a hash of the secret is stored.
  expect(row?.secret_hash).toMatch(/^[0-9a-f]{64}$/);
  expect(cookie).not.toContain(row!.secret_hash);
});

it('refuses other channels without a key, and a bad key', async () => {
  for (const channel of ['telegram', 'discord']) {
    const r = await anon('POST', '/v1/chat', {
      body: { user: { channel, externalId: '12345' }, text: '我有多少积分' },
    });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('forbidden');
  }
  expect(await h.services.users.findByIdentity('telegram', '12345')).toBeUndefined();
  const bad = await http(h.app, { key: 'not-a-valid-key-000000' })('POST', '/v1/chat', {
    body: { user: { channel: 'web' }, text: 'hi' },
  });
  expect(bad.status).toBe(401);
  // Other /v1 routes still need a key.
  expect((await anon('GET', '/v1/courses')).status).toBe(401);
});

it('lets a service or admin key act for a telegram or discord identity', async () => {
  const tg = await http(h.app, { key: SERVICE_KEY })('POST', '/v1/chat', {
    body: {
      user: { channel: 'telegram', externalId: '777001', displayName: 'Wang' },
      text: '签到',
    },
  });
  expect(tg.status).toBe(200);
  expect(tg.headers.get('set-cookie')).toBeNull();
  const id = await h.services.users.findByIdentity('telegram', '777001');
  expect((await h.services.ledgerQueries.balance(id!)).balance).toBeGreaterThan(0);
  const dc = await http(h.app, { key: ADMIN_KEY })('POST', '/v1/chat', {
    body: { user: { channel: 'discord', externalId: '888001' }, text: 'hello' },
  });
  expect(dc.status).toBe(200);
  expect(dc.body.lang).toBe('en');
  expect(await h.services.users.findByIdentity('discord', '888001')).toBeGreaterThan(0);
  // A messageId makes a retried buy the same event (one order).
  const buy = {
    user: { channel: 'telegram', externalId: '777001' },
    text: '我要买SQL课',
    messageId: 'm-1',
  };
  const a = await http(h.app, { key: SERVICE_KEY })('POST', '/v1/chat', { body: buy });
  const b = await http(h.app, { key: SERVICE_KEY })('POST', '/v1/chat', { body: buy });
  const url = (r: typeof a) => r.body.replies[0].buttons.find((x: { url?: string }) => x.url).url;
  expect(url(a)).toBe(url(b));
});

it('serves the chat page at / and documents the routes', async () => {
  const page = await anon('GET', '/');
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/text\/html/);
  expect(page.text).toContain('/v1/chat');
  const doc = (await anon('GET', '/openapi.json')).body;
  for (const p of [
    '/v1/chat',
    '/v1/admin/faq',
    '/v1/admin/faq/{id}',
    '/v1/admin/tickets',
    '/v1/admin/tickets/{id}/close',
  ])
    expect(Object.keys(doc.paths)).toContain(p);
  expect(Object.keys(doc.paths['/v1/admin/faq/{id}'])).toEqual(
    expect.arrayContaining(['put', 'delete']),
  );
  // Admin routes are admin only.
  expect((await http(h.app, { key: SERVICE_KEY })('GET', '/v1/admin/faq')).status).toBe(403);
  expect((await anon('GET', '/v1/admin/faq')).status).toBe(401);
});

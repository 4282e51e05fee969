// Web chat sessions are rows: a logout or an admin revokes them, an expired one is replaced by
// a new session, each use slides the expiry, the secret rotates while the web user stays, and
// a cookie signed by an earlier version is adopted once. The clock is a manual one.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_KEY, createHarness, http, SERVICE_KEY, type Harness } from './support/harness.js';
import { createServices } from '../src/app.services.js';
import { createApp } from '../src/http/app.js';
import { createManualClock, HOUR, MINUTE } from '../src/shared/clock.js';
import { queryOne } from '../src/db/sql.js';
import { claimSetting, getSetting } from '../src/settings/settings.js';

let h: Harness;
const clock = createManualClock('2026-06-01T00:00:00Z');
let anon: ReturnType<typeof http>;
let admin: ReturnType<typeof http>;
beforeAll(async () => {
  h = await createHarness();
  // TTL 2 h, rotation after 1 h: small enough to step through with the clock.
  const config = { ...h.services.config, WEB_SESSION_TTL_HOURS: 2, WEB_SESSION_ROTATE_HOURS: 1 };
  const app = createApp(createServices({ config, orm: h.orm, logger: h.services.logger, clock }));
  anon = http(app, { key: undefined });
  admin = http(app, { key: ADMIN_KEY });
});
afterAll(async () => h?.close());

const cookieOf = (headers: Headers) => headers.get('set-cookie')?.split(';')[0];
const selectorOf = (cookie: string) => cookie.split('=')[1]!.split('.')[0]!;
/** One keyless turn; returns the web user it acted as and the cookie it was given, if any. */
async function turn(cookie?: string) {
  const r = await anon('POST', '/v1/chat', {
    body: { user: { channel: 'web' }, text: '你好' },
    headers: cookie ? { cookie } : {},
  });
  expect(r.status, r.text).toBe(200);
  const given = cookieOf(r.headers);
  const row = await queryOne<{ web_key: string }>(
    h.services.em,
    `select web_key from web_session where selector = ?`,
    [selectorOf(given ?? cookie!)],
  );
  return { userId: (await h.services.users.findByIdentity('web', row!.web_key))!, given };
}
const expiresAt = async (cookie: string) =>
  new Date(
    (await queryOne<{ expires_at: Date }>(
      h.services.em,
      `select expires_at from web_session where selector = ?`,
      [selectorOf(cookie)],
    ))!.expires_at,
  ).getTime();

it('logs out: the session is revoked, the cookie cleared, and the old cookie is no session any more', async () => {
  const first = await turn();
  const cookie = first.given!;
  expect((await turn(cookie)).userId).toBe(first.userId);
  const out = await anon('POST', '/v1/chat/logout', { headers: { cookie } });
  expect(out.status).toBe(200);
  expect(out.body).toEqual({ revoked: true });
  expect(out.headers.get('set-cookie')).toMatch(/^xf_session=;.*Max-Age=0/);
  const after = await turn(cookie);
  expect(after.given).toBeDefined();
  expect(after.userId).not.toBe(first.userId);
  expect((await anon('POST', '/v1/chat/logout', { headers: { cookie } })).body).toEqual({
    revoked: false,
  });
  expect((await anon('POST', '/v1/chat/logout')).body).toEqual({ revoked: false });
});

it('lets an admin revoke every web session of a user (through a merge), and only an admin', async () => {
  const a = await turn();
  const b = await turn();
  // b's web user is merged into a's: revoking a ends b's browser session too.
  const { code } = await h.services.link.createCode(a.userId);
  await h.services.link.redeemCode(b.userId, code);
  expect((await turn(b.given)).userId).toBe(a.userId);
  expect(
    (
      await http(h.app, { key: SERVICE_KEY })('POST', '/v1/admin/web-sessions/revoke', {
        body: { userId: a.userId },
      })
    ).status,
  ).toBe(403);
  expect(
    (await anon('POST', '/v1/admin/web-sessions/revoke', { body: { userId: a.userId } })).status,
  ).toBe(401);
  expect(
    (await admin('POST', '/v1/admin/web-sessions/revoke', { body: { userId: '1' } })).status,
  ).toBe(400);
  expect(
    (await admin('POST', '/v1/admin/web-sessions/revoke', { body: { userId: 987654321 } })).body
      .error.code,
  ).toBe('user_not_found');
  const r = await admin('POST', '/v1/admin/web-sessions/revoke', { body: { userId: b.userId } });
  expect(r.status, r.text).toBe(200);
  expect(r.body).toEqual({ userId: a.userId, revoked: 2 });
  for (const cookie of [a.given!, b.given!]) {
    const again = await turn(cookie);
    expect(again.given).toBeDefined();
    expect(again.userId).not.toBe(a.userId);
  }
  expect(
    (await admin('POST', '/v1/admin/web-sessions/revoke', { body: { userId: a.userId } })).body
      .revoked,
  ).toBe(0);
});

it('replaces an expired session with a new one (a new web user)', async () => {
  const first = await turn();
  clock.advance(2 * HOUR + MINUTE);
  const after = await turn(first.given);
  expect(after.given).toBeDefined();
  expect(selectorOf(after.given!)).not.toBe(selectorOf(first.given!));
  expect(after.userId).not.toBe(first.userId);
});

it('slides the expiry with every use and rotates the secret after an hour, keeping the web user', async () => {
  const first = await turn();
  let cookie = first.given!;
  const created = await expiresAt(cookie);
  clock.advance(40 * MINUTE);
  expect((await turn(cookie)).given).toBeUndefined();
  expect(await expiresAt(cookie)).toBe(created + 40 * MINUTE);
  clock.advance(40 * MINUTE); // 80 min: past the first expiry's half, past the rotation age
  const rotated = await turn(cookie);
  expect(rotated.userId).toBe(first.userId);
  expect(rotated.given).toBeDefined();
  expect(selectorOf(rotated.given!)).toBe(selectorOf(cookie));
  expect(rotated.given).not.toBe(cookie);
  const old = cookie;
  cookie = rotated.given!;
  // The old secret still works for requests already under way, briefly, and rotates nothing.
  clock.advance(MINUTE);
  const late = await turn(old);
  expect(late.userId).toBe(first.userId);
  expect(late.given).toBeUndefined();
  // 3 h after creation, beyond the 2 h TTL, the session lives on because it was used; it rotates again.
  clock.advance(90 * MINUTE);
  const again = await turn(cookie);
  expect(again.userId).toBe(first.userId);
  expect(again.given).toBeDefined();
  // A secret two rotations old is one this browser no longer holds: a stolen copy. The session
  // ends, and whoever sent it gets a new, empty one.
  expect((await turn(old)).userId).not.toBe(first.userId);
  expect((await turn(again.given)).userId).not.toBe(first.userId);
});

it('keeps the web user when the answer that carried a rotated secret never arrived', async () => {
  const first = await turn();
  const cookie = first.given!;
  clock.advance(61 * MINUTE);
  const lost = await turn(cookie); // rotated, but say the browser never saw this answer
  expect(lost.given).toBeDefined();
  clock.advance(10 * MINUTE); // past the grace of requests under way
  const back = await turn(cookie);
  expect(back.userId).toBe(first.userId);
  expect(back.given).toBeDefined(); // a fresh secret for it
  expect((await turn(back.given)).userId).toBe(first.userId);
});

it('adopts a cookie signed by an earlier version once, keeping its web user', async () => {
  const secret =
    (await getSetting<string>(h.services.em, 'web.session_secret')) ??
    'an-earlier-secret-0123456789';
  await claimSetting(h.services.em, 'web.session_secret', secret);
  // An app started after that secret exists, as after an upgrade.
  const app = createApp(
    createServices({
      config: { ...h.services.config, WEB_SESSION_TTL_HOURS: 2, WEB_SESSION_ROTATE_HOURS: 1 },
      orm: h.orm,
      logger: h.services.logger,
      clock,
    }),
  );
  anon = http(app, { key: undefined });
  const sign = (id: string) =>
    `xf_session=${id}.${createHmac('sha256', secret).update(`web-session:${id}`).digest('base64url')}`;
  const legacyId = 'LegacyWebUser0000000001';
  const { user } = await h.services.users.upsert({ channel: 'web', externalId: legacyId });
  const adopted = await turn(sign(legacyId));
  expect(adopted.userId).toBe(user.id);
  expect(adopted.given).toBeDefined();
  expect((await turn(adopted.given)).userId).toBe(user.id);
  // The signed cookie itself is spent: presented again it is no session.
  expect((await turn(sign(legacyId))).userId).not.toBe(user.id);
  // A signed cookie of a web user that never existed, or whose sessions an admin revoked, is refused.
  expect((await turn(sign('NoSuchWebUser000000001'))).userId).toBeDefined();
  expect(await h.services.users.findByIdentity('web', 'NoSuchWebUser000000001')).toBeUndefined();
  const other = await h.services.users.upsert({
    channel: 'web',
    externalId: 'LegacyWebUser0000000002',
  });
  await admin('POST', '/v1/admin/web-sessions/revoke', { body: { userId: other.user.id } });
  expect((await turn(sign('LegacyWebUser0000000002'))).userId).not.toBe(other.user.id);
});

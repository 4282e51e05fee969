// /v1/chat never answers 500: random strings, emoji, walls of text, empty and blank messages,
// unknown or forged buttons all get a sensible reply; malformed bodies get 4xx JSON errors.
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Json } from './support/json.js';
import { createHarness, http, SERVICE_KEY, uniqueKey, type Harness } from './support/harness.js';

let h: Harness;
let api: ReturnType<typeof http>;
beforeAll(async () => {
  h = await createHarness();
  await h.services.catalog.seedDemo();
  api = http(h.app, { key: SERVICE_KEY });
});
afterAll(async () => h?.close());
afterEach(async () => expect((await h.services.ledgerQueries.verify()).violations).toEqual([]));

const user = (ext = uniqueKey('rb')) => ({
  channel: 'telegram',
  externalId: ext,
  languageCode: 'zh',
});

/** A 200 with at least one non-empty reply, every button well formed. */
function expectSensible(r: { status: number; body: Json; text: string }) {
  expect(r.status, r.text).toBe(200);
  expect(typeof r.body.intent).toBe('string');
  expect(r.body.replies.length).toBeGreaterThan(0);
  for (const rep of r.body.replies) {
    expect(rep.text.trim().length).toBeGreaterThan(0);
    for (const b of rep.buttons ?? []) expect(b.id && b.label).toBeTruthy();
  }
}

it('answers random strings without crashing', async () => {
  const ext = uniqueKey('fc');
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.string({ unit: 'grapheme', maxLength: 80 }),
        fc.string({ unit: 'binary', maxLength: 80 }),
      ),
      async (text) => {
        expectSensible(await api('POST', '/v1/chat', { body: { user: user(ext), text } }));
      },
    ),
    { numRuns: 40 },
  );
});

it('answers emoji, a 10,000-character message, empty and blank text', async () => {
  for (const text of [
    '🙂🙂🙂',
    '👍',
    '🎉🎉 积分 🎉',
    'x'.repeat(10_000),
    '积'.repeat(10_000),
    '',
    '   ',
    '\n\t \n',
    '\u0000\u0001',
    '<script>alert(1)</script>',
  ]) {
    const r = await api('POST', '/v1/chat', { body: { user: user(), text } });
    expectSensible(r);
  }
  const empty = await api('POST', '/v1/chat', { body: { user: user(), text: '' } });
  expect(empty.body.intent).toBe('out_of_scope');
  expect(empty.body.replies[0].buttons.map((b: { id: string }) => b.id)).toContain('in:help');
});

it('answers unknown, malformed and forged button ids', async () => {
  const ext = uniqueKey('btn');
  for (const action of [
    'zz:1',
    'ok:forgedtoken',
    'no:forgedtoken',
    'ok:',
    'cl:*:999999',
    'cd:NO_SUCH',
    'cd:no-such-course',
    'ri:no-such-item',
    'rf:999999',
    'qt:5',
    'in:drop_tables',
    'bc:python-basics:-5',
    ':::',
    '💥',
  ]) {
    const r = await api('POST', '/v1/chat', { body: { user: user(ext), action } });
    expectSensible(r);
  }
  // A forged Confirm never charges anything.
  expect(
    await h.services.ledgerQueries.balance(
      (await h.services.users.findByIdentity('telegram', ext))!,
    ),
  ).toMatchObject({ balance: 0, held: 0 });
});

it('survives a forged token while a real confirmation is pending', async () => {
  const ext = uniqueKey('pend');
  const { user: u } = await h.services.users.upsert({ channel: 'telegram', externalId: ext });
  await h.services.ledger.credit({
    key: uniqueKey('g'),
    userId: u.id,
    amount: 30_000,
    reason: 't',
    actor: 't',
  });
  const q = await api('POST', '/v1/chat', {
    body: { user: user(ext), text: '用积分兑换Python课' },
  });
  const real = q.body.replies[0].buttons[0].id as string;
  expect(real).toMatch(/^ok:/);
  const forged = await api('POST', '/v1/chat', {
    body: { user: user(ext), action: `ok:${'A'.repeat(8)}` },
  });
  expectSensible(forged);
  expect(await h.services.ledgerQueries.balance(u.id)).toMatchObject({
    balance: 30_000,
    held: 19_900,
  });
  const cancel = await api('POST', '/v1/chat', {
    body: { user: user(ext), action: real.replace('ok:', 'no:') },
  });
  expectSensible(cancel);
  expect(await h.services.ledgerQueries.balance(u.id)).toMatchObject({ balance: 30_000, held: 0 });
});

it('rejects bad bodies with 4xx JSON errors', async () => {
  const cases: Array<[unknown, number]> = [
    [{ user: user(), text: 'hi', action: 'in:help' }, 400],
    [{ user: user() }, 400],
    [{ user: { channel: 'slack', externalId: 'x' }, text: 'hi' }, 400],
    [{ user: { channel: 'telegram' }, text: 'hi' }, 400],
    [{ text: 'hi' }, 400],
    [{ user: user(), text: 'x'.repeat(10_001) }, 400],
    [{ user: user(), text: 42 }, 400],
    [{ user: user(), action: '' }, 400],
    [{ user: { ...user(), externalId: 'x'.repeat(129) }, text: 'hi' }, 400],
    [[1, 2, 3], 400],
  ];
  for (const [body, status] of cases) {
    const r = await api('POST', '/v1/chat', { body });
    expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(status);
    expect(r.body.error.code).toBeTypeOf('string');
  }
  const huge = await api('POST', '/v1/chat', {
    rawBody: JSON.stringify({ user: user(), text: 'x'.repeat(200_000) }),
  });
  expect(huge.status).toBe(413);
  expect(huge.body.error.code).toBe('payload_too_large');
  const notJson = await api('POST', '/v1/chat', { rawBody: '{"user":' });
  expect(notJson.status).toBe(400);
  expect(notJson.body.error.code).toBe('invalid_input');
  const textPlain = await api('POST', '/v1/chat', {
    rawBody: 'hello',
    headers: { 'content-type': 'text/plain' },
  });
  expect(textPlain.status).toBeGreaterThanOrEqual(400);
  expect(textPlain.status).toBeLessThan(500);
});

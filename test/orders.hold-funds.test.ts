// The figures of a two-step redemption now that the ledger's hold itself answers whether the
// points are there (no wallet read before it, none after posting it): what was free before the
// hold, a refusal with what is missing, an expired hold's points free again, and the balance a
// Confirm reports; over the API and in the chat.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createHarness,
  expectLedgerOk,
  http,
  newUser,
  SERVICE_KEY,
  stackWithClock,
  uniqueKey,
  type Harness,
  type Stack,
} from './support/harness.js';
import { query } from '../src/db/sql.js';

let h: Harness;
let st: Stack;
beforeAll(async () => {
  h = await createHarness();
  st = await stackWithClock(h);
});
afterAll(async () => h?.close());
afterEach(async () => {
  await expectLedgerOk(st.s);
});

const start = (userId: number, slug: string) =>
  st.api('POST', `/v1/users/${userId}/quotes`, { body: { hold: true, kind: 'course', slug } });
const funds = (userId: number) => st.s.ledgerQueries.balance(userId);

describe('a two-step quote shows the wallet as it was before its hold', () => {
  it('what was free before, and a refusal once the rest is held', async () => {
    const u = await newUser(st, { balance: 50_000 });
    const first = await start(u.id, 'python-basics');
    expect(first.body).toMatchObject({ balance: 50_000, available: 50_000, balanceAfter: 30_100 });
    const second = await start(u.id, 'data-analysis-pandas');
    expect(second.status, second.text).toBe(201);
    expect(second.body).toMatchObject({
      affordable: true,
      pointsTotal: 29_900,
      balance: 50_000,
      available: 30_100,
      balanceAfter: 20_100,
    });
    expect(await funds(u.id)).toMatchObject({ balance: 50_000, held: 49_800, available: 200 });

    const refused = await start(u.id, 'python-basics');
    expect(refused.status, refused.text).toBe(201);
    expect(refused.body).toMatchObject({
      affordable: false,
      quoteId: null,
      holdId: null,
      expiresAt: null,
      blocked: null,
      pointsTotal: 19_900,
      balance: 50_000,
      available: 200,
      balanceAfter: 30_100,
    });
    expect(await funds(u.id)).toMatchObject({ balance: 50_000, held: 49_800 });
  });

  it('points held by an expired quote are free for the next one', async () => {
    const u = await newUser(st, { balance: 20_000 });
    const first = await start(u.id, 'python-basics');
    await query(
      st.s.em,
      `update ledger_hold set expires_at = now() - interval '1 second' where id = ?`,
      [first.body.holdId],
    );
    const again = await start(u.id, 'python-basics');
    expect(again.body).toMatchObject({ affordable: true, available: 20_000, balanceAfter: 100 });
    expect(again.body.holdId).not.toBe(first.body.holdId);
    expect(await funds(u.id)).toMatchObject({ balance: 20_000, held: 19_900 });
  });
});

describe('a Confirm after points expired during its quote', () => {
  it('reports the balance without them, as the balance route does', async () => {
    const u = await newUser(st, { balance: 20_000 });
    const late = await st.s.ledger.credit({
      key: uniqueKey('late'),
      userId: u.id,
      amount: 30_000,
      reason: 'expires during the quote',
      actor: 'test',
    });
    const quote = await start(u.id, 'python-basics');
    expect(quote.status, quote.text).toBe(201);
    // The second grant's points expire while the quote waits for its Confirm.
    await query(
      st.s.em,
      `update ledger_lot set expires_at = now() - interval '1 second' where entry_id = ?`,
      [late.entryId],
    );
    const done = await st.api('POST', `/v1/users/${u.id}/quotes/${quote.body.quoteId}/confirm`);
    expect(done.status, done.text).toBe(201);
    const after = await funds(u.id);
    expect(after.held).toBe(0);
    expect(done.body.balance).toBe(after.balance);
  });
});

describe('in the chat', () => {
  async function say(ext: string, msg: { text: string } | { action: string }) {
    const r = await http(st.app, { key: SERVICE_KEY })('POST', '/v1/chat', {
      body: { user: { channel: 'telegram', externalId: ext, displayName: 'Li' }, ...msg },
    });
    expect(r.status, r.text).toBe(200);
    const replies = r.body.replies as { text: string; buttons?: { id: string }[] }[];
    return {
      text: replies.map((x) => x.text).join('\n'),
      ok: replies.flatMap((x) => x.buttons ?? []).find((b) => b.id.startsWith('ok:')),
    };
  }

  it('a Confirm reports the balance after posting; a quote beyond it says what is missing', async () => {
    const ext = uniqueKey('tg');
    const u = await newUser(st, { balance: 20_000, channel: 'telegram', externalId: ext });
    const quote = await say(ext, { text: '用积分兑换Python课' });
    expect(quote.ok, quote.text).toBeDefined();
    const done = await say(ext, { action: quote.ok!.id });
    expect(done.text).toMatch(/余额 100 分/);
    expect(await funds(u.id)).toMatchObject({ balance: 100, held: 0 });

    const poor = await say(ext, { text: '用积分兑换Pandas数据分析课' });
    expect(poor.ok).toBeUndefined();
    expect(poor.text).toMatch(/可用 100 分，还差 29,800 分/);
    expect(await funds(u.id)).toMatchObject({ balance: 100, held: 0 });
  });
});

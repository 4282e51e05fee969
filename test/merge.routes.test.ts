// Merges are total: after C is linked into B and B into A, every route that takes a user id,
// given C's id, acts on A (the end of the chain) and says so where it returns a user id.
// Walked as a table; each row compares with A's own state or A's own answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHarness,
  SERVICE_KEY,
  type Harness,
  expectLedgerOk,
  stackWithClock,
  uniqueKey,
  newUser,
  type Stack,
} from './support/harness.js';
import { query } from '../src/db/sql.js';

let h: Harness;
let st: Stack;
let A: number; // the survivor
let M: number; // merged into B, which was merged into A
let grantToM: number; // an entry that credited M before the merges
let moderator: number;
const community = 'telegram:-100777';

const key = () => ({ 'idempotency-key': uniqueKey('merge') });
const get = async (path: string) => (await st.api('GET', path)).body;
const balanceOfA = async () => get(`/v1/users/${A}/balance`);

beforeAll(async () => {
  h = await createHarness();
  st = await stackWithClock(h);
  const a = await newUser(st, { balance: 60_000, channel: 'telegram' });
  const b = await newUser(st, { balance: 500, channel: 'discord' });
  const m = await newUser(st, { channel: 'web' });
  A = a.id;
  M = m.id;
  grantToM = (
    await st.api('POST', '/v1/admin/grants', {
      body: { userId: M, amount: 300, reason: 'before the merge' },
      headers: key(),
    })
  ).body.entryId;
  const link = async (from: number, into: number) => {
    const code = (await st.api('POST', `/v1/users/${into}/link-code`)).body.code;
    const res = await st.api('POST', `/v1/users/${from}/link`, { body: { code } });
    expect(res.status, res.text).toBe(200);
  };
  await link(M, b.id);
  await link(b.id, A);
  moderator = (await newUser(st)).id;
  expect(
    (await st.api('POST', '/v1/admin/roles', { body: { userId: moderator, community } })).status,
  ).toBe(201);
  expect((await st.api('POST', '/v1/admin/roles', { body: { userId: A, community } })).status).toBe(
    201,
  );
});
afterAll(async () => {
  if (st) await expectLedgerOk(st.s);
  await h?.close();
});

type Row = [name: string, check: () => Promise<void>];

const ROUTES: Row[] = [
  [
    'GET /v1/users/{id}',
    async () => {
      const u = await get(`/v1/users/${M}`);
      expect(u.id).toBe(A);
      expect(u.identities.map((i: { channel: string }) => i.channel).sort()).toEqual([
        'discord',
        'telegram',
        'web',
      ]);
    },
  ],
  [
    'GET /v1/users/{id}/balance',
    async () => {
      const before = await balanceOfA();
      expect(before).toMatchObject({ userId: A, balance: 60_800 });
      expect(await get(`/v1/users/${M}/balance`)).toEqual(before);
    },
  ],
  [
    'GET /v1/users/{id}/entries',
    async () => {
      const mine = await get(`/v1/users/${A}/entries?limit=50`);
      expect(mine.items.length).toBeGreaterThan(0);
      expect(await get(`/v1/users/${M}/entries?limit=50`)).toEqual(mine);
    },
  ],
  [
    'POST /v1/admin/grants',
    async () => {
      const before = (await balanceOfA()).balance;
      const res = await st.api('POST', '/v1/admin/grants', {
        body: { userId: M, amount: 100, reason: 'after the merge' },
        headers: key(),
      });
      expect(res.status, res.text).toBe(201);
      expect(res.body).toMatchObject({ userId: A, balance: before + 100 });
      expect((await balanceOfA()).balance).toBe(before + 100);
    },
  ],
  [
    'POST /v1/admin/deductions',
    async () => {
      const before = (await balanceOfA()).balance;
      const res = await st.api('POST', '/v1/admin/deductions', {
        body: { userId: M, amount: 40, reason: 'after the merge' },
        headers: key(),
      });
      expect(res.status, res.text).toBe(201);
      expect(res.body).toMatchObject({ userId: A, balance: before - 40 });
    },
  ],
  [
    'POST /v1/admin/holds (and void)',
    async () => {
      const res = await st.api('POST', '/v1/admin/holds', {
        body: { userId: M, amount: 25, reason: 'hold after the merge' },
        headers: key(),
      });
      expect(res.status, res.text).toBe(201);
      expect(res.body.userId).toBe(A);
      expect((await balanceOfA()).held).toBe(25);
      expect((await st.api('POST', `/v1/admin/holds/${res.body.holdId}/void`)).status).toBe(200);
      expect((await balanceOfA()).held).toBe(0);
    },
  ],
  [
    'POST /v1/admin/entries/{id}/reverse of a grant to the merged user',
    async () => {
      const before = (await balanceOfA()).balance;
      const res = await st.api('POST', `/v1/admin/entries/${grantToM}/reverse`, { headers: key() });
      expect(res.status, res.text).toBe(201);
      expect((await balanceOfA()).balance).toBe(before - 300);
    },
  ],
  [
    'POST /v1/admin/entries/{id}/reverse of the merge itself',
    async () => {
      const [merge] = await query<{ id: string }>(
        st.s.em,
        `select e.id from ledger_entry e where e.kind = 'merge' and e.metadata->>'toUserId' = ? order by e.id limit 1`,
        [String(A)],
      );
      const res = await st.api('POST', `/v1/admin/entries/${merge!.id}/reverse`, {
        headers: key(),
      });
      expect(res.body.error.code, res.text).toBe('not_reversible');
    },
  ],
  [
    'POST /v1/users/{id}/quotes',
    async () => {
      const q = (
        await st.api('POST', `/v1/users/${M}/quotes`, {
          body: { kind: 'course', slug: 'time-management' },
        })
      ).body;
      expect(q.balance).toBe((await balanceOfA()).balance);
    },
  ],
  [
    'POST /v1/users/{id}/redemptions, GET …/enrollments',
    async () => {
      const res = await st.api('POST', `/v1/users/${M}/redemptions`, {
        body: { kind: 'course', slug: 'time-management' },
        headers: key(),
      });
      expect(res.status, res.text).toBe(201);
      expect(res.body.balance).toBe((await balanceOfA()).balance);
      const mine = await get(`/v1/users/${A}/enrollments`);
      expect(mine.items.map((e: { slug: string }) => e.slug)).toContain('time-management');
      expect(await get(`/v1/users/${M}/enrollments`)).toEqual(mine);
    },
  ],
  [
    'POST /v1/users/{id}/reviews',
    async () => {
      const res = await st.api('POST', `/v1/users/${M}/reviews`, {
        body: { courseSlug: 'time-management', rating: 5, comment: 'merged' },
      });
      expect(res.status, res.text).toBe(201);
      // A wrote it: A's second review of the course is refused.
      expect(
        (
          await st.api('POST', `/v1/users/${A}/reviews`, {
            body: { courseSlug: 'time-management', rating: 4 },
          })
        ).status,
      ).toBe(409);
    },
  ],
  [
    'POST /v1/users/{id}/orders, GET …/orders, …/orders/{orderId}, …/checkout-quote, …/refund',
    async () => {
      expect(await get(`/v1/users/${M}/checkout-quote?course=python-basics`)).toEqual(
        await get(`/v1/users/${A}/checkout-quote?course=python-basics`),
      );
      const o = await st.api('POST', `/v1/users/${M}/orders`, {
        body: { courseSlug: 'python-basics' },
        headers: key(),
      });
      expect(o.status, o.text).toBe(201);
      expect(o.body.userId).toBe(A);
      expect(await get(`/v1/users/${M}/orders`)).toEqual(await get(`/v1/users/${A}/orders`));
      expect((await get(`/v1/users/${M}/orders/${o.body.orderId}`)).userId).toBe(A);
      const hook = await st.s.sandbox!.settle(
        /sbx_[0-9a-f]{32}/.exec(o.body.payUrl)![0],
        'succeeded',
      );
      await st.s.checkout.handleWebhook(hook.rawBody, hook.headers);
      const refund = await st.api('POST', `/v1/users/${M}/orders/${o.body.orderId}/refund`, {
        body: {},
      });
      expect(refund.status, refund.text).toBe(200);
      expect((await get(`/v1/users/${A}/orders/${o.body.orderId}`)).status).toMatch(/refund/);
    },
  ],
  [
    'POST /v1/users/{id}/redemptions of a mall item, …/orders/{orderId}/cancel',
    async () => {
      const address = {
        name: 'Li Lei',
        phone: '+86 138 0000 0000',
        line1: '1 Road',
        city: 'Beijing',
      };
      const before = (await balanceOfA()).balance;
      const r = await st.api('POST', `/v1/users/${M}/redemptions`, {
        body: { kind: 'item', slug: 'notebook', address },
        headers: key(),
      });
      expect(r.status, r.text).toBe(201);
      expect((await balanceOfA()).balance).toBe(before - r.body.pointsCharged);
      const c = await st.api('POST', `/v1/users/${M}/orders/${r.body.orderId}/cancel`);
      expect(c.status, c.text).toBe(200);
      expect((await balanceOfA()).balance).toBe(before);
    },
  ],
  [
    'POST /v1/users/{id}/checkins, GET …/checkins',
    async () => {
      const res = await st.api('POST', `/v1/users/${M}/checkins`);
      expect(res.status, res.text).toBe(201);
      expect(res.body.userId).toBe(A);
      const status = await get(`/v1/users/${M}/checkins`);
      expect(status.checkedInToday).toBe(true);
      expect(status).toEqual(await get(`/v1/users/${A}/checkins`));
    },
  ],
  [
    'POST /v1/events',
    async () => {
      const res = await st.api('POST', '/v1/events', {
        body: { type: 'quiz.passed', userId: M, data: { quizId: uniqueKey('quiz') } },
        headers: key(),
      });
      expect(res.status, res.text).toBe(201);
      expect(res.body.userId).toBe(A);
    },
  ],
  [
    'GET /v1/users/{id}/membership, …/roles, …/history, …/expiry, …/referral',
    async () => {
      expect((await get(`/v1/users/${M}/membership`)).userId).toBe(A);
      for (const path of ['roles', 'history', 'expiry', 'referral']) {
        expect(await get(`/v1/users/${M}/${path}`), path).toEqual(
          await get(`/v1/users/${A}/${path}`),
        );
      }
      expect((await get(`/v1/users/${M}/roles`)).items).toHaveLength(1);
    },
  ],
  [
    "POST /v1/users/{id}/referral with the survivor's own code",
    async () => {
      const code = (await get(`/v1/users/${A}/referral`)).code;
      const res = await st.api('POST', `/v1/users/${M}/referral`, { body: { code } });
      expect(res.body.error).toMatchObject({
        code: 'referral_rejected',
        details: { reason: 'self_referral' },
      });
    },
  ],
  [
    'POST /v1/admin/roles, …/roles/revoke',
    async () => {
      const res = await st.api('POST', '/v1/admin/roles', {
        body: { userId: M, community: 'discord:555' },
      });
      expect(res.status, res.text).toBe(201);
      expect(res.body.userId).toBe(A);
      expect(
        (
          await st.api('POST', '/v1/admin/roles/revoke', {
            body: { userId: M, community: 'discord:555' },
          })
        ).body,
      ).toEqual({ revoked: true });
    },
  ],
  [
    'POST /v1/communities/{c}/grants (as moderator and as recipient), GET /v1/admin/moderator-grants',
    async () => {
      const toM = await st.api('POST', `/v1/communities/${community}/grants`, {
        body: { moderatorUserId: moderator, userId: M, points: 10, reason: 'task' },
        headers: key(),
      });
      expect(toM.status, toM.text).toBe(201);
      expect(toM.body.userId).toBe(A);
      const byM = await st.api('POST', `/v1/communities/${community}/grants`, {
        body: { moderatorUserId: M, userId: moderator, points: 10, reason: 'task' },
        headers: key(),
      });
      expect(byM.status, byM.text).toBe(201);
      expect(byM.body.moderatorUserId).toBe(A);
      const listed = await get(`/v1/admin/moderator-grants?moderatorUserId=${M}`);
      expect(listed.items.map((g: { grantId: number }) => g.grantId)).toEqual([byM.body.grantId]);
    },
  ],
  [
    'POST /v1/communities/{c}/members',
    async () => {
      expect(
        (await st.api('POST', '/v1/communities/discord:556/members', { body: { userId: M } }))
          .status,
      ).toBe(201);
      expect(
        await query(
          st.s.em,
          `select user_id::int as id from community_member where community = 'discord:556'`,
        ),
      ).toEqual([{ id: A }]);
    },
  ],
  [
    'POST /v1/users/{id}/link-code, …/link',
    async () => {
      const code = (await st.api('POST', `/v1/users/${M}/link-code`)).body.code;
      const d = await newUser(st, { balance: 7 });
      const merged = await st.api('POST', `/v1/users/${d.id}/link`, { body: { code } });
      expect(merged.body).toMatchObject({ userId: A, mergedUserId: d.id, pointsMoved: 7 });
      const own = (await st.api('POST', `/v1/users/${A}/link-code`)).body.code;
      const again = await st.api('POST', `/v1/users/${M}/link`, { body: { code: own } });
      expect(again.status).toBe(409);
    },
  ],
  [
    'POST /v1/chat as a merged identity',
    async () => {
      const webId = (await get(`/v1/users/${A}`)).identities.find(
        (i: { channel: string }) => i.channel === 'web',
      ).externalId;
      const res = await st.api('POST', '/v1/chat', {
        key: SERVICE_KEY,
        body: {
          user: { channel: 'web', externalId: webId, languageCode: 'en' },
          text: 'how many points do I have',
        },
      });
      expect(res.status, res.text).toBe(200);
      const { balance } = await balanceOfA();
      expect(
        res.body.replies
          .map((r: { text: string }) => r.text)
          .join(' ')
          .replace(/,/g, ''),
      ).toContain(String(balance));
    },
  ],
];

describe('after a merge, every route that takes a user id acts on the survivor', () => {
  for (const [name, check] of ROUTES) it(name, check);

  it("left nothing in the merged users' accounts", async () => {
    const left = await query(
      st.s.em,
      `select a.code from ledger_account a join app_user u on u.id = a.user_id
      where u.merged_into_id is not null and (a.balance <> 0 or a.held <> 0 or a.closed_at is null)`,
    );
    expect(left).toEqual([]);
  });
});

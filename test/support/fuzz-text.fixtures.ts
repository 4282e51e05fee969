// Real things for the text fuzz to act on, made through the public API (admin key) so they stay
// valid whatever the services underneath become: funded users, an entry, a hold, an unlimited
// physical mall item, orders (points and paid), an FAQ entry, a ticket, a moderator and grants.
import { http, SERVICE_KEY, uniqueKey, type Harness } from './harness.js';
import type { Stack } from './harness.js';

export type Api = ReturnType<typeof http>;
export type Res = Awaited<ReturnType<Api>>;

export const COMMUNITY = 'telegram:-100555';
export const ITEM = 'fuzz-physical';

const must = (res: Res, what: string) => {
  if (res.status >= 300)
    throw new Error(`fixture ${what}: ${res.status} ${res.text.slice(0, 300)}`);
  return res.body;
};

export const ADDRESS = {
  name: 'Li Lei',
  phone: '+86 138 0000 0000',
  line1: '1 Road',
  line2: 'Flat 2',
  city: 'Shanghai',
  province: 'SH',
  postalCode: '200000',
  country: 'CN',
};

export function fixtures(st: Stack, h: Harness) {
  const api = st.api;
  const svc = http(st.app, { key: SERVICE_KEY });
  let moderatorId = 0;
  let rich: Promise<number> | undefined;
  const f = {
    api,
    svc,
    async setup() {
      must(
        await api('POST', '/v1/admin/mall/items', {
          body: {
            slug: ITEM,
            titleZh: '笔记本',
            titleEn: 'Notebook',
            kind: 'physical',
            pointsPrice: 10,
            stock: null,
          },
        }),
        'mall item',
      );
      moderatorId = await f.user(0);
      must(
        await api('POST', '/v1/admin/roles', {
          body: { userId: moderatorId, community: COMMUNITY },
        }),
        'moderator role',
      );
    },
    async user(
      balance = 1000,
      channel: 'web' | 'telegram' = 'web',
      externalId = uniqueKey('fz'),
    ): Promise<number> {
      const id = must(
        await api('POST', '/v1/users', { body: { channel, externalId, displayName: 'Fuzz' } }),
        'user',
      ).id as number;
      if (balance)
        must(
          await api('POST', '/v1/admin/grants', {
            body: { userId: id, amount: balance, reason: 'fuzz funds' },
            headers: { 'idempotency-key': uniqueKey('fund') },
          }),
          'funds',
        );
      return id;
    },
    moderator: () => moderatorId,
    /** One user with points enough for every fuzzed deduction, hold and redemption of a run. */
    richUser: () => (rich ??= f.user(10_000_000)),
    async entry(userId: number): Promise<number> {
      return must(
        await api('POST', '/v1/admin/grants', {
          body: { userId, amount: 5, reason: 'to reverse' },
          headers: { 'idempotency-key': uniqueKey('e') },
        }),
        'entry',
      ).entryId;
    },
    async hold(userId: number): Promise<number> {
      return must(
        await api('POST', '/v1/admin/holds', {
          body: { userId, amount: 5, reason: 'held' },
          headers: { 'idempotency-key': uniqueKey('h') },
        }),
        'hold',
      ).holdId;
    },
    /** A shippable order paid with points. */
    async physicalOrder(userId: number): Promise<number> {
      const b = must(
        await api('POST', `/v1/users/${userId}/redemptions`, {
          body: { kind: 'item', slug: ITEM, address: ADDRESS },
          headers: { 'idempotency-key': uniqueKey('r') },
        }),
        'redemption',
      );
      return b.orderId;
    },
    /** A course bought with money and paid through the sandbox provider's signed webhook. */
    async paidOrder(userId: number): Promise<number> {
      const o = must(
        await api('POST', `/v1/users/${userId}/orders`, {
          body: { courseSlug: 'python-basics' },
          headers: { 'idempotency-key': uniqueKey('o') },
        }),
        'paid order',
      );
      const ref = /sbx_[0-9a-f]{32}/.exec(o.payUrl)?.[0];
      if (!ref) throw new Error(`fixture paid order: no sandbox ref in ${o.payUrl}`);
      const hook = await st.s.sandbox!.settle(ref, 'succeeded');
      must(
        await api('POST', '/v1/payments/webhook', {
          rawBody: hook.rawBody,
          headers: hook.headers,
          key: null,
        }),
        'webhook',
      );
      return o.orderId;
    },
    async enrolled(userId: number, slug = 'python-basics') {
      must(
        await api('POST', `/v1/users/${userId}/redemptions`, {
          body: { kind: 'course', slug },
          headers: { 'idempotency-key': uniqueKey('c') },
        }),
        'enrolment',
      );
    },
    async moderatorGrant(userId: number): Promise<number> {
      const b = must(
        await api('POST', `/v1/communities/${COMMUNITY}/grants`, {
          body: { moderatorUserId: moderatorId, userId, points: 1, reason: 'helped' },
          headers: { 'idempotency-key': uniqueKey('mg') },
        }),
        'moderator grant',
      );
      return b.id ?? b.grantId;
    },
    async faq(id = uniqueKey('faq').toLowerCase()): Promise<string> {
      must(
        await api('PUT', `/v1/admin/faq/${id}`, {
          body: {
            questions: { zh: ['运费多少'], en: ['shipping cost'] },
            answer: { zh: '免运费', en: 'free' },
          },
        }),
        'faq',
      );
      return id;
    },
    /** A human-handoff ticket opened from chat, as a learner would. */
    async ticket(): Promise<number> {
      const externalId = uniqueKey('tk');
      must(
        await svc('POST', '/v1/chat', {
          body: { user: { channel: 'telegram', externalId }, text: '转人工' },
        }),
        'handoff',
      );
      const items = must(await api('GET', '/v1/admin/tickets?status=open'), 'tickets').items as {
        id: number;
        message: string;
      }[];
      const userId = (await h.services.users.findByIdentity('telegram', externalId))!;
      const t = items.find((x) => (x as unknown as { userId: number }).userId === userId);
      if (!t) throw new Error('fixture ticket: none opened');
      return t.id;
    },
    async linkCode(userId: number): Promise<string> {
      return must(await api('POST', `/v1/users/${userId}/link-code`), 'link code').code;
    },
    async referralCode(userId: number): Promise<string> {
      return must(await api('GET', `/v1/users/${userId}/referral`), 'referral').code;
    },
    /** The reference and token of a sandbox pay link (the token is what lets the page act). */
    async sandboxLink(userId: number): Promise<{ ref: string; token: string }> {
      const o = must(
        await api('POST', `/v1/users/${userId}/orders`, {
          body: { courseSlug: 'ux-design' },
          headers: { 'idempotency-key': uniqueKey('o') },
        }),
        'order',
      );
      const url = new URL(o.payUrl);
      return {
        ref: /sbx_[0-9a-f]{32}/.exec(url.pathname)![0],
        token: url.searchParams.get('token')!,
      };
    },
  };
  return f;
}

export type Fixtures = ReturnType<typeof fixtures>;

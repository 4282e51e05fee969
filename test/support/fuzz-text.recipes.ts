// One valid request per OpenAPI operation that takes text, built fresh for every fuzzed call
// (holds, orders, tickets and grants are used up by the call), and where the API shows what it
// stored, the read that shows it. Operations with no text input need no recipe; the few the
// walker cannot drive are in NOT_BUILT with the reason.
import { uniqueKey } from './harness.js';
import { ADDRESS, COMMUNITY, ITEM, type Fixtures, type Res } from './fuzz-text.fixtures.js';
import type { Json } from './openapi-walk.js';

/** The text fields of a course that a create or an edit stores and reads back. */
const COURSE_TEXT = [
  'body.titleZh',
  'body.titleEn',
  'body.descriptionZh',
  'body.descriptionEn',
  'body.category',
  'body.tags[]',
  'body.aliases[]',
];

export interface Built {
  path?: Record<string, string | number>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Json;
  /** Which caller: the admin key (default), a service key, or none (web session cookie). */
  caller?: 'admin' | 'service' | 'none';
  /** Not sent: the user a read-back looks at. */
  userId?: number;
}

export interface Recipe {
  /** Valid requests; several when the body is a oneOf (one per branch). */
  bases: ((f: Fixtures) => Promise<Built>)[];
  /** Slots whose text names something that must exist (a code, a slug): any 4xx is a fair answer. */
  lookup?: string[];
  /** Slots the API echoes or stores, and the read that must show the text exactly. */
  stored?: string[];
  readBack?: (f: Fixtures, req: Built, res: Res) => Promise<unknown>;
  /** Body fields to leave out while a slot is fuzzed (chat takes text or action, not both). */
  without?: Record<string, string[]>;
  /** Each allowed value alone: the route edits one shared thing (a rule), so reads must not interleave. */
  serial?: boolean;
}

const idem = () => ({ 'idempotency-key': uniqueKey('fz') });
const get = async (f: Fixtures, path: string) => {
  const r = await f.api('GET', path);
  if (r.status !== 200) throw new Error(`read-back ${path}: ${r.status} ${r.text.slice(0, 200)}`);
  return r.body;
};
/** A quote holding the points of one fuzz notebook, for its confirm or cancel. */
const heldQuote = async (f: Fixtures): Promise<Built> => {
  const id = await f.richUser();
  const q = await f.api('POST', `/v1/users/${id}/quotes`, {
    body: { kind: 'item', slug: ITEM, hold: true, address: ADDRESS },
  });
  if (q.status !== 201 || !q.body.quoteId)
    throw new Error(`held quote: ${q.status} ${q.text.slice(0, 200)}`);
  return { path: { id, quoteId: q.body.quoteId } };
};
const entryOf = async (f: Fixtures, userId: number, entryId: number) =>
  (await get(f, `/v1/users/${userId}/entries?limit=100`)).items.find(
    (e: { id: number }) => e.id === entryId,
  );
const uid = (req: Built) => Number((req.body as { userId?: number })?.userId ?? req.path?.id);
const slug = () =>
  uniqueKey('fz')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-');

const courseBody = (extra: Record<string, Json> = {}): Record<string, Json> => ({
  titleZh: '课程',
  titleEn: 'Course',
  descriptionZh: '描述',
  descriptionEn: 'About',
  category: 'data',
  tags: ['t'],
  aliases: ['a'],
  priceFen: 100,
  ...extra,
});
const itemBody = (extra: Record<string, Json> = {}): Record<string, Json> => ({
  titleZh: '物品',
  titleEn: 'Item',
  descriptionZh: '描述',
  descriptionEn: 'About',
  kind: 'physical',
  pointsPrice: 10,
  aliases: ['a'],
  ...extra,
});
const ruleBody = {
  titleZh: '签到',
  titleEn: 'Check-in',
  descriptionZh: '每日',
  descriptionEn: 'Daily',
};

export const RECIPES: Record<string, Recipe> = {
  'POST /v1/users': {
    bases: [
      async () => ({
        body: {
          channel: 'telegram',
          externalId: uniqueKey('fz'),
          displayName: 'Fuzz',
          languageCode: 'en',
        },
      }),
    ],
    stored: ['body.externalId', 'body.displayName'],
    readBack: async (f, _req, res) => get(f, `/v1/users/${res.body.id}`),
  },
  'POST /v1/admin/grants': {
    bases: [
      async (f) => ({
        body: { userId: await f.user(0), amount: 3, reason: 'bonus' },
        headers: idem(),
      }),
    ],
    stored: ['body.reason'],
    readBack: async (f, req, res) => entryOf(f, uid(req), res.body.entryId),
  },
  'POST /v1/admin/deductions': {
    bases: [
      async (f) => ({
        body: { userId: await f.richUser(), amount: 3, reason: 'fee' },
        headers: idem(),
      }),
    ],
    stored: ['body.reason'],
    readBack: async (f, req, res) => entryOf(f, uid(req), res.body.entryId),
  },
  'POST /v1/admin/holds': {
    bases: [
      async (f) => ({
        body: { userId: await f.richUser(), amount: 3, reason: 'hold', ttlSeconds: 600 },
        headers: idem(),
      }),
    ],
  },
  'POST /v1/admin/holds/{id}/post': {
    bases: [
      async (f) => ({
        path: { id: await f.hold(await f.richUser()) },
        body: { amount: 2 },
        headers: idem(),
      }),
    ],
  },
  'POST /v1/admin/holds/{id}/void': {
    bases: [async (f) => ({ path: { id: await f.hold(await f.richUser()) }, headers: idem() })],
  },
  'POST /v1/admin/entries/{id}/reverse': {
    bases: [
      async (f) => {
        const u = await f.user(0);
        return {
          path: { id: await f.entry(u) },
          body: { reason: 'mistake' },
          headers: idem(),
          userId: u,
        };
      },
    ],
    stored: ['body.reason'],
    readBack: async (f, req, res) => entryOf(f, req.userId!, res.body.entryId),
  },
  'POST /v1/chat': {
    bases: [
      async () => ({
        caller: 'service',
        body: {
          user: {
            channel: 'telegram',
            externalId: uniqueKey('fz'),
            displayName: 'Fuzz',
            languageCode: 'zh',
          },
          text: '签到',
          messageId: uniqueKey('m'),
        },
      }),
    ],
    // A button id that no reply offered is answered like any stale button: a reply, never an error.
    // A referral code is a lookup: one that names no invitation is refused or ignored, never stored.
    without: { 'body.action': ['text'], 'body.ref': ['text'] },
    lookup: ['body.ref'],
  },
  'POST /v1/admin/web-sessions/revoke': {
    bases: [async (f) => ({ body: { userId: await f.user(0) } })],
  },
  'PUT /v1/admin/faq/{id}': {
    bases: [
      async (f) => ({
        path: { id: await f.faq() },
        body: {
          questions: { zh: ['运费'], en: ['shipping'] },
          answer: { zh: '免运费', en: 'free' },
          active: true,
        },
      }),
    ],
    lookup: ['path.id'],
    stored: ['body.questions.zh[]', 'body.questions.en[]', 'body.answer.zh', 'body.answer.en'],
    readBack: async (f, req) =>
      (await get(f, '/v1/admin/faq')).items.find((e: { id: string }) => e.id === req.path!.id),
  },
  'DELETE /v1/admin/faq/{id}': {
    bases: [async (f) => ({ path: { id: await f.faq() } })],
    lookup: ['path.id'],
  },
  'GET /v1/admin/tickets': { bases: [async () => ({ query: { status: 'open', limit: '5' } })] },
  'POST /v1/admin/tickets/{id}/close': {
    bases: [async (f) => ({ path: { id: await f.ticket() }, body: { note: 'called back' } })],
    stored: ['body.note'],
    readBack: async (f, req) =>
      (await get(f, '/v1/admin/tickets?status=closed&limit=200')).items.find(
        (t: { id: number }) => t.id === req.path!.id,
      ),
  },
  'GET /v1/courses': {
    bases: [async () => ({ query: { q: 'python', category: 'data', hot: 'false' } })],
  },
  'GET /v1/courses/{slug}': {
    bases: [async () => ({ path: { slug: 'python-basics' } })],
    lookup: ['path.slug'],
  },
  'GET /v1/courses/{slug}/reviews': {
    bases: [async () => ({ path: { slug: 'python-basics' } })],
    lookup: ['path.slug'],
  },
  'GET /v1/mall/items': { bases: [async () => ({ query: { kind: 'physical', q: 'notebook' } })] },
  'GET /v1/mall/items/{slug}': {
    bases: [async () => ({ path: { slug: ITEM } })],
    lookup: ['path.slug'],
  },
  'POST /v1/admin/courses': {
    bases: [async () => ({ body: { slug: slug(), ...courseBody({ membersOnlyTier: null }) } })],
    stored: COURSE_TEXT,
    readBack: async (f, req) =>
      (await get(f, '/v1/admin/courses')).items.find(
        (c: { slug: string }) => c.slug === (req.body as { slug: string }).slug,
      ),
  },
  'PATCH /v1/admin/courses/{slug}': {
    bases: [
      async (f) => {
        const s = slug();
        await f.api('POST', '/v1/admin/courses', { body: { slug: s, ...courseBody() } });
        return { path: { slug: s }, body: courseBody() };
      },
    ],
    lookup: ['path.slug'],
    stored: COURSE_TEXT,
    readBack: async (f, req) =>
      (await get(f, '/v1/admin/courses')).items.find(
        (c: { slug: string }) => c.slug === req.path!.slug,
      ),
  },
  'DELETE /v1/admin/courses/{slug}': {
    bases: [
      async (f) => {
        const s = slug();
        await f.api('POST', '/v1/admin/courses', { body: { slug: s, ...courseBody() } });
        return { path: { slug: s } };
      },
    ],
    lookup: ['path.slug'],
  },
  'POST /v1/admin/mall/items': {
    bases: [async () => ({ body: { slug: slug(), ...itemBody({ trialTier: null }) } })],
    stored: [
      'body.titleZh',
      'body.titleEn',
      'body.descriptionZh',
      'body.descriptionEn',
      'body.aliases[]',
    ],
    readBack: async (f, req) =>
      (await get(f, '/v1/admin/mall/items')).items.find(
        (c: { slug: string }) => c.slug === (req.body as { slug: string }).slug,
      ),
  },
  'PATCH /v1/admin/mall/items/{slug}': {
    bases: [
      async (f) => {
        const s = slug();
        await f.api('POST', '/v1/admin/mall/items', { body: { slug: s, ...itemBody() } });
        return { path: { slug: s }, body: itemBody() };
      },
    ],
    lookup: ['path.slug'],
    stored: [
      'body.titleZh',
      'body.titleEn',
      'body.descriptionZh',
      'body.descriptionEn',
      'body.aliases[]',
    ],
    readBack: async (f, req) =>
      (await get(f, '/v1/admin/mall/items')).items.find(
        (c: { slug: string }) => c.slug === req.path!.slug,
      ),
  },
  'DELETE /v1/admin/mall/items/{slug}': {
    bases: [
      async (f) => {
        const s = slug();
        await f.api('POST', '/v1/admin/mall/items', { body: { slug: s, ...itemBody() } });
        return { path: { slug: s } };
      },
    ],
    lookup: ['path.slug'],
  },
  'POST /v1/events': {
    bases: [
      async (f) => ({
        headers: idem(),
        body: {
          type: 'lesson.completed',
          userId: await f.user(0),
          occurredAt: new Date().toISOString(),
          data: { lessonId: 'l1', courseSlug: 'python-basics' },
        },
      }),
      async (f) => ({
        headers: idem(),
        body: {
          type: 'quiz.passed',
          userId: await f.user(0),
          data: { quizId: 'q1', courseSlug: 'python-basics', score: 90 },
        },
      }),
      async (f) => ({
        headers: idem(),
        body: {
          type: 'review.posted',
          userId: await f.user(0),
          data: { courseSlug: 'python-basics', rating: 5 },
        },
      }),
      async (f) => ({
        headers: idem(),
        body: { type: 'user.interacted', userId: await f.user(0), data: { channel: 'web' } },
      }),
      async (f) => ({
        headers: idem(),
        body: {
          type: 'purchase.completed',
          userId: await f.user(0),
          data: { purchaseId: uniqueKey('p'), amountFen: 100, description: 'book' },
        },
      }),
      async (f) => ({
        headers: idem(),
        body: {
          type: 'purchase.refunded',
          userId: await f.user(0),
          data: { purchaseId: uniqueKey('p') },
        },
      }),
    ],
    lookup: ['body.data.courseSlug'],
  },
  'GET /v1/earn-guide': { bases: [async () => ({ query: { lang: 'en' } })] },
  'POST /v1/users/{id}/referral': {
    bases: [
      async (f) => ({
        path: { id: await f.user(0) },
        body: { code: await f.referralCode(await f.user(0)) },
      }),
    ],
    lookup: ['body.code'],
  },
  'GET /v1/leaderboard': {
    bases: [async () => ({ query: { period: 'all', community: COMMUNITY, limit: '5' } })],
  },
  'POST /v1/communities/{community}/grants': {
    bases: [
      async (f) => ({
        path: { community: COMMUNITY },
        headers: idem(),
        body: {
          moderatorUserId: f.moderator(),
          userId: await f.user(0),
          points: 1,
          reason: 'helped',
        },
      }),
    ],
    lookup: ['path.community'],
    stored: ['body.reason'],
    readBack: async (f, req) =>
      (await get(f, `/v1/admin/moderator-grants?community=${COMMUNITY}&limit=200`)).items.find(
        (g: { userId: number }) => g.userId === uid(req),
      ),
  },
  'POST /v1/communities/{community}/members': {
    bases: [async (f) => ({ path: { community: COMMUNITY }, body: { userId: await f.user(0) } })],
  },
  'PATCH /v1/admin/rules/{code}': {
    bases: [async () => ({ path: { code: 'quiz.passed' }, body: ruleBody })],
    lookup: ['path.code'],
    serial: true,
    stored: ['body.titleZh', 'body.titleEn', 'body.descriptionZh', 'body.descriptionEn'],
    readBack: async (f) =>
      (await get(f, '/v1/admin/rules')).items.find(
        (r: { code: string }) => r.code === 'quiz.passed',
      ),
  },
  'GET /v1/admin/moderator-grants': {
    bases: [async () => ({ query: { community: COMMUNITY, limit: '5' } })],
  },
  'POST /v1/admin/moderator-grants/{id}/undo': {
    bases: [
      async (f) => ({
        path: { id: await f.moderatorGrant(await f.user(0)) },
        body: { reason: 'spam' },
      }),
    ],
  },
  'POST /v1/users/{id}/redemptions': {
    bases: [
      async (f) => ({
        path: { id: await f.richUser() },
        headers: idem(),
        body: { kind: 'item', slug: ITEM, quantity: 1, address: ADDRESS },
      }),
    ],
    lookup: ['body.slug', 'body.quoteId'],
    stored: [
      'body.address.name',
      'body.address.line1',
      'body.address.line2',
      'body.address.city',
      'body.address.province',
      'body.address.postalCode',
      'body.address.country',
    ],
    readBack: async (f, req, res) => get(f, `/v1/users/${req.path!.id}/orders/${res.body.orderId}`),
  },
  'POST /v1/users/{id}/quotes': {
    // A quote that holds its points takes the shipping address, which the order shows later.
    bases: [
      async (f) => ({
        path: { id: await f.richUser() },
        body: { kind: 'item', slug: ITEM, quantity: 1, hold: true, address: ADDRESS },
      }),
    ],
    lookup: ['body.slug'],
    stored: [
      'body.address.name',
      'body.address.line1',
      'body.address.line2',
      'body.address.city',
      'body.address.province',
      'body.address.postalCode',
      'body.address.country',
    ],
    readBack: async (f, req, res) => {
      const path = `/v1/users/${req.path!.id}/quotes/${res.body.quoteId}/confirm`;
      const done = await f.api('POST', path);
      if (done.status !== 201) throw new Error(`confirm ${path}: ${done.status} ${done.text}`);
      return get(f, `/v1/users/${req.path!.id}/orders/${done.body.orderId}`);
    },
  },
  'POST /v1/users/{id}/quotes/{quoteId}/confirm': {
    bases: [async (f) => heldQuote(f)],
    lookup: ['path.quoteId'],
  },
  'POST /v1/users/{id}/quotes/{quoteId}/cancel': {
    bases: [async (f) => heldQuote(f)],
    lookup: ['path.quoteId'],
  },
  'GET /v1/users/{id}/orders': {
    bases: [
      async (f) => ({ path: { id: await f.user(0) }, query: { status: 'paid', limit: '5' } }),
    ],
    lookup: ['query.status'],
  },
  'POST /v1/users/{id}/orders': {
    bases: [
      async (f) => ({
        path: { id: await f.user(0) },
        headers: idem(),
        body: { courseSlug: 'python-basics', points: 0 },
      }),
    ],
    lookup: ['body.courseSlug', 'body.couponCode'],
  },
  'GET /v1/users/{id}/checkout-quote': {
    bases: [async (f) => ({ path: { id: await f.user(0) }, query: { course: 'python-basics' } })],
    lookup: ['query.course'],
  },
  'POST /v1/users/{id}/orders/{orderId}/refund': {
    bases: [
      async (f) => {
        const u = await f.user(0);
        return {
          path: { id: u, orderId: await f.paidOrder(u) },
          body: { reason: 'changed my mind' },
        };
      },
    ],
  },
  'POST /v1/users/{id}/reviews': {
    bases: [
      async (f) => {
        const u = await f.user(30_000);
        await f.enrolled(u);
        return {
          path: { id: u },
          body: { courseSlug: 'python-basics', rating: 5, comment: 'good' },
        };
      },
    ],
    lookup: ['body.courseSlug'],
    stored: ['body.comment'],
    readBack: async (f, req) =>
      (await get(f, '/v1/courses/python-basics/reviews')).items.find(
        (r: { userId: number }) => r.userId === req.path!.id,
      ),
  },
  'POST /v1/admin/orders/{orderId}/status': {
    bases: [
      async (f) => ({
        path: { orderId: await f.physicalOrder(await f.richUser()) },
        body: { status: 'shipped', note: 'SF123' },
      }),
    ],
  },
  'POST /v1/users/{id}/link': {
    bases: [
      async (f) => ({
        path: { id: await f.user(0) },
        body: { code: await f.linkCode(await f.user(0, 'telegram')) },
      }),
    ],
    lookup: ['body.code'],
  },
  'POST /v1/admin/roles': {
    bases: [
      async (f) => ({ body: { userId: await f.user(0), community: COMMUNITY, role: 'moderator' } }),
    ],
  },
  'POST /v1/admin/roles/revoke': {
    bases: [
      async (f) => {
        const u = await f.user(0);
        await f.api('POST', '/v1/admin/roles', { body: { userId: u, community: COMMUNITY } });
        return { body: { userId: u, community: COMMUNITY, role: 'moderator' } };
      },
    ],
  },
  'PUT /v1/admin/communities/{community}/moderator-roles': {
    bases: [async () => ({ path: { community: 'discord:42' }, body: { roleIds: ['123'] } })],
  },
  'GET /v1/admin/communities/{community}/moderator-roles': {
    bases: [async () => ({ path: { community: 'discord:42' } })],
  },
  'GET /v1/admin/audit': {
    bases: [async (f) => ({ query: { subject: `user:${await f.user(0)}` } })],
  },
  'GET /sandbox/pay/{ref}': {
    bases: [
      async (f) =>
        f
          .sandboxLink(await f.user(0))
          .then(({ ref, token }) => ({ caller: 'none' as const, path: { ref }, query: { token } })),
    ],
    lookup: ['path.ref', 'query.token'],
  },
  'POST /sandbox/pay/{ref}/{action}': {
    bases: [
      async (f) =>
        f.sandboxLink(await f.user(0)).then(({ ref, token }) => ({
          caller: 'none' as const,
          path: { ref, action: 'fail' },
          query: { token },
        })),
    ],
    lookup: ['path.ref', 'query.token'],
  },
};

/** Operations with text input that the walker does not drive, and why. */
export const NOT_BUILT: Record<string, string> = {
  'POST /v1/payments/webhook':
    'its body is raw bytes signed by the provider (not a documented JSON body): any text change breaks the signature first (401, covered in test/orders.payments.test.ts)',
};

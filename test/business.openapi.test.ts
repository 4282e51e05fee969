// Every business route is in the OpenAPI document; the demo catalog is seeded exactly once.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHarness, http, type Harness } from './support/harness.js';
import { DEMO_COURSES, DEMO_MALL_ITEMS } from '../src/catalog/data/demo-catalog.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

it('documents every route in /openapi.json', async () => {
  const doc = (await http(h.app)('GET', '/openapi.json', { key: null })).body;
  const paths = Object.keys(doc.paths);
  for (const p of [
    '/v1/courses',
    '/v1/courses/{slug}',
    '/v1/mall/items',
    '/v1/users/{id}/redemptions',
    '/v1/users/{id}/orders',
    '/v1/users/{id}/checkins',
    '/v1/users/{id}/membership',
    '/v1/leaderboard',
    '/v1/events',
    '/v1/payments/webhook',
    '/v1/users/{id}/link-code',
    '/v1/users/{id}/link',
    '/v1/admin/rules/{code}',
    '/v1/admin/roles',
    '/v1/admin/moderator-grants/{id}/undo',
    '/v1/communities/{community}/grants',
    '/v1/users/{id}/orders/{orderId}/refund',
    '/v1/users/{id}/quotes',
    '/v1/earn-guide',
    '/v1/users/{id}/referral',
    '/v1/users/{id}/expiry',
    '/v1/users/{id}/history',
    '/v1/admin/courses',
    '/v1/admin/mall/items/{slug}',
    '/v1/admin/orders/{orderId}/status',
    '/sandbox/pay/{ref}',
  ])
    expect(paths).toContain(p);
});

it('seeds the demo catalog once, on first start only', async () => {
  expect(await h.services.catalog.seedDemo()).toEqual({ seeded: true });
  await h.services.catalog.deleteCourse('time-management', 'test');
  expect(await h.services.catalog.seedDemo()).toEqual({ seeded: false });
  const api = http(h.app);
  const courses = (await api('GET', '/v1/courses')).body.items;
  expect(courses).toHaveLength(DEMO_COURSES.length - 1);
  expect((await api('GET', '/v1/mall/items')).body.items).toHaveLength(DEMO_MALL_ITEMS.length);
  expect(
    (await api('GET', '/v1/courses?category=finance')).body.items
      .map((c: { slug: string }) => c.slug)
      .sort(),
  ).toEqual(['personal-finance', 'stock-investing']);
  expect(
    (await api('GET', `/v1/courses?q=${encodeURIComponent('机器学习')}`)).body.items[0].slug,
  ).toBe('machine-learning-intro');
  expect((await api('GET', '/v1/courses?q=pandas')).body.items[0].slug).toBe(
    'data-analysis-pandas',
  );
  expect((await api('GET', '/v1/courses/stock-investing')).body).toMatchObject({
    vipFree: true,
    priceFen: 34900,
    pointsPrice: 34900,
  });
});

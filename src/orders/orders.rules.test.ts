import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  canTransition,
  maxCheckoutPoints,
  priceCourse,
  priceItem,
  splitCheckout,
  type ItemFacts,
} from './orders.rules.js';

const course = { slug: 'c', pointsPrice: 19900, vipFree: false, membersOnlyTier: null };
const item: ItemFacts = {
  slug: 'cup',
  kind: 'physical',
  pointsPrice: 3000,
  stock: 10,
  perUserLimit: 2,
  active: true,
  availableFrom: null,
  availableUntil: null,
};
const now = new Date('2026-05-01T00:00:00Z');

describe('order rules', () => {
  it('prices courses with tier discounts, VIP-free and members-only', () => {
    expect(priceCourse(course, 'normal', false)).toMatchObject({ ok: true, total: 19900 });
    expect(priceCourse(course, 'advanced', false)).toMatchObject({
      ok: true,
      total: 17910,
      discountPct: 10,
    });
    expect(priceCourse(course, 'vip', false)).toMatchObject({ ok: true, total: 15920 });
    expect(priceCourse({ ...course, vipFree: true }, 'vip', false)).toMatchObject({
      ok: true,
      total: 0,
      free: true,
    });
    expect(priceCourse({ ...course, vipFree: true }, 'advanced', false)).toMatchObject({
      ok: true,
      total: 17910,
    });
    expect(priceCourse({ ...course, membersOnlyTier: 'vip' }, 'advanced', false)).toMatchObject({
      ok: false,
      code: 'tier_required',
    });
    expect(priceCourse(course, 'normal', true)).toMatchObject({
      ok: false,
      code: 'already_enrolled',
    });
  });

  it('enforces stock, per-user limits, quantity and the active window for items', () => {
    expect(priceItem(item, 'normal', 2, 0, now)).toMatchObject({ ok: true, total: 6000 });
    expect(priceItem(item, 'normal', 1, 2, now)).toMatchObject({
      ok: false,
      code: 'limit_reached',
    });
    expect(priceItem({ ...item, stock: 0 }, 'normal', 1, 0, now)).toMatchObject({
      ok: false,
      code: 'out_of_stock',
    });
    expect(
      priceItem({ ...item, availableUntil: '2026-04-30T00:00:00Z' }, 'normal', 1, 0, now),
    ).toMatchObject({ ok: false, code: 'item_not_found' });
    expect(
      priceItem({ ...item, kind: 'membership', perUserLimit: 5 }, 'normal', 2, 0, now),
    ).toMatchObject({ ok: false, code: 'invalid_input' });
  });

  it('lets points pay at most 30% of a price, 100 points per yuan', () => {
    expect(maxCheckoutPoints(19900)).toBe(5970);
    expect(
      splitCheckout({
        priceFen: 19900,
        couponFen: 0,
        pointsRequested: 5970,
        pointsAvailable: 9000,
      }),
    ).toMatchObject({ ok: true, amountFen: 13930 });
    expect(
      splitCheckout({
        priceFen: 19900,
        couponFen: 0,
        pointsRequested: 5971,
        pointsAvailable: 9000,
      }),
    ).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(
      splitCheckout({
        priceFen: 19900,
        couponFen: 2000,
        pointsRequested: 100,
        pointsAvailable: 99,
      }),
    ).toMatchObject({ ok: false, code: 'insufficient_points' });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (price, pts) => {
          const s = splitCheckout({
            priceFen: price,
            couponFen: 0,
            pointsRequested: pts,
            pointsAvailable: pts,
          });
          return (
            !s.ok ||
            (s.pointsUsed * 100 <= price * 30 &&
              s.amountFen + s.pointsFen === price &&
              s.amountFen >= 1)
          );
        },
      ),
    );
  });

  it('allows placed → shipped → delivered, or cancelled before delivery', () => {
    expect(canTransition('placed', 'shipped')).toBe(true);
    expect(canTransition('shipped', 'delivered')).toBe(true);
    expect(canTransition('placed', 'cancelled')).toBe(true);
    expect(canTransition('delivered', 'cancelled')).toBe(false);
    expect(canTransition('placed', 'delivered')).toBe(false);
    expect(canTransition('cancelled', 'placed')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  applyMultiplier,
  discountedPrice,
  effectiveTier,
  nextTier,
  tierForEarned,
} from './membership.rules.js';

describe('tier rules', () => {
  it('changes tier exactly at the thresholds', () => {
    expect(tierForEarned(0)).toBe('normal');
    expect(tierForEarned(4_999)).toBe('normal');
    expect(tierForEarned(5_000)).toBe('advanced');
    expect(tierForEarned(19_999)).toBe('advanced');
    expect(tierForEarned(20_000)).toBe('vip');
  });

  it('reports the points needed for the next tier', () => {
    expect(nextTier(0)).toEqual({ tier: 'advanced', threshold: 5000, pointsNeeded: 5000 });
    expect(nextTier(5_000)).toEqual({ tier: 'vip', threshold: 20000, pointsNeeded: 15000 });
    expect(nextTier(25_000)).toBeNull();
  });

  it('raises the tier during a trial only', () => {
    const now = new Date('2026-01-10T00:00:00Z');
    expect(
      effectiveTier('normal', { tier: 'vip', until: new Date('2026-01-11T00:00:00Z') }, now),
    ).toBe('vip');
    expect(
      effectiveTier('normal', { tier: 'vip', until: new Date('2026-01-10T00:00:00Z') }, now),
    ).toBe('normal');
    expect(
      effectiveTier('vip', { tier: 'advanced', until: new Date('2027-01-01T00:00:00Z') }, now),
    ).toBe('vip');
  });

  it('multiplies and discounts with integers only', () => {
    expect(applyMultiplier(10, 1500)).toBe(15);
    expect(applyMultiplier(25, 1500)).toBe(37);
    expect(discountedPrice(60000, 20)).toBe(48000);
    expect(discountedPrice(1999, 10)).toBe(1800);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.constantFrom(0, 10, 20), (p, pct) => {
        const d = discountedPrice(p, pct);
        return Number.isSafeInteger(d) && d <= p && d >= 0;
      }),
    );
  });
});

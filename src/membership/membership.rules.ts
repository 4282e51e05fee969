// Pure tier maths: thresholds on points earned in a rolling 365 days, benefits, the next
// tier, multipliers (per mille, integers only) and redemption discounts.

export const TIERS = ['normal', 'advanced', 'vip'] as const;
export type Tier = (typeof TIERS)[number];

export const TIER_NAMES: Record<Tier, { zh: string; en: string }> = {
  normal: { zh: '普通会员', en: 'Member' },
  advanced: { zh: '高级会员', en: 'Advanced' },
  vip: { zh: 'VIP 会员', en: 'VIP' },
};

export const TIER_THRESHOLDS: Record<Tier, number> = { normal: 0, advanced: 5_000, vip: 20_000 };

export interface TierBenefits {
  multiplierPermille: number;
  redemptionDiscountPct: number;
  vipFreeCourses: boolean;
  membersOnlyCourses: boolean;
}

export const TIER_BENEFITS: Record<Tier, TierBenefits> = {
  normal: {
    multiplierPermille: 1000,
    redemptionDiscountPct: 0,
    vipFreeCourses: false,
    membersOnlyCourses: false,
  },
  advanced: {
    multiplierPermille: 1500,
    redemptionDiscountPct: 10,
    vipFreeCourses: false,
    membersOnlyCourses: true,
  },
  vip: {
    multiplierPermille: 2000,
    redemptionDiscountPct: 20,
    vipFreeCourses: true,
    membersOnlyCourses: true,
  },
};

export const EARNING_WINDOW_DAYS = 365;

export const tierRank = (t: Tier): number => TIERS.indexOf(t);
export const maxTier = (a: Tier, b: Tier): Tier => (tierRank(a) >= tierRank(b) ? a : b);
export const atLeast = (have: Tier, need: Tier): boolean => tierRank(have) >= tierRank(need);

export function tierForEarned(earned: number): Tier {
  if (earned >= TIER_THRESHOLDS.vip) return 'vip';
  if (earned >= TIER_THRESHOLDS.advanced) return 'advanced';
  return 'normal';
}

/** The tier in force: the earned tier, raised by a trial tier while the trial lasts. */
export function effectiveTier(
  earnedTier: Tier,
  trial: { tier: Tier | null; until: Date | null },
  now: Date,
): Tier {
  if (trial.tier && trial.until && trial.until.getTime() > now.getTime())
    return maxTier(earnedTier, trial.tier);
  return earnedTier;
}

/** The next tier by earnings and how many points it still needs (null at the top). */
export function nextTier(
  earned: number,
): { tier: Tier; threshold: number; pointsNeeded: number } | null {
  const current = tierForEarned(earned);
  const next = TIERS[tierRank(current) + 1];
  if (!next) return null;
  return {
    tier: next,
    threshold: TIER_THRESHOLDS[next],
    pointsNeeded: TIER_THRESHOLDS[next] - earned,
  };
}

/** Earned points after the tier multiplier, rounded down. */
export function applyMultiplier(base: number, permille: number): number {
  return Math.floor((base * permille) / 1000);
}

/** A points price after the tier's redemption discount, rounded down (in the user's favour). */
export function discountedPrice(price: number, discountPct: number): number {
  return price - Math.floor((price * discountPct) / 100);
}

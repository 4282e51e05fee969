// Pure order rules: what a redemption costs this user now (tier discount, VIP-free and
// members-only courses, stock and per-user limits), how a paid checkout splits between
// points and money (100 points = ¥1, at most 30 % of the price), and which order status
// changes are allowed. Refusals are values with the domain error code to raise.
import type { ErrorCode } from '../shared/errors.js';
import {
  atLeast,
  discountedPrice,
  TIER_BENEFITS,
  TIER_NAMES,
  type Tier,
} from '../membership/membership.rules.js';

export const QUOTE_TTL_MS = 10 * 60_000;
/** 100 points pay ¥1 = 100 fen: one point is one fen at checkout. */
export const FEN_PER_POINT = 1;
export const MAX_POINTS_SHARE_PCT = 30;

export interface Refusal {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export interface Price {
  basePoints: number;
  unitPoints: number;
  discountPct: number;
  quantity: number;
  total: number;
  free: boolean;
}

export type Priced = ({ ok: true } & Price) | ({ ok: false } & Refusal);

export function priceCourse(
  c: { slug: string; pointsPrice: number; vipFree: boolean; membersOnlyTier: Tier | null },
  tier: Tier,
  enrolled: boolean,
): Priced {
  if (enrolled)
    return {
      ok: false,
      code: 'already_enrolled',
      message: `you are already enrolled in ${c.slug}`,
      details: { slug: c.slug },
    };
  if (c.membersOnlyTier && !atLeast(tier, c.membersOnlyTier)) {
    return {
      ok: false,
      code: 'tier_required',
      message: `this course is for ${TIER_NAMES[c.membersOnlyTier].en} members and above (your tier: ${TIER_NAMES[tier].en})`,
      details: { required: c.membersOnlyTier, current: tier },
    };
  }
  if (c.vipFree && TIER_BENEFITS[tier].vipFreeCourses) {
    return {
      ok: true,
      basePoints: c.pointsPrice,
      unitPoints: 0,
      discountPct: 100,
      quantity: 1,
      total: 0,
      free: true,
    };
  }
  const pct = TIER_BENEFITS[tier].redemptionDiscountPct;
  const unit = discountedPrice(c.pointsPrice, pct);
  return {
    ok: true,
    basePoints: c.pointsPrice,
    unitPoints: unit,
    discountPct: pct,
    quantity: 1,
    total: unit,
    free: unit === 0,
  };
}

export interface ItemFacts {
  slug: string;
  kind: string;
  pointsPrice: number;
  stock: number | null;
  perUserLimit: number | null;
  active: boolean;
  availableFrom: string | null;
  availableUntil: string | null;
}

export function priceItem(
  i: ItemFacts,
  tier: Tier,
  quantity: number,
  alreadyBought: number,
  now: Date,
): Priced {
  const t = now.getTime();
  if (
    !i.active ||
    (i.availableFrom && Date.parse(i.availableFrom) > t) ||
    (i.availableUntil && Date.parse(i.availableUntil) <= t)
  ) {
    return {
      ok: false,
      code: 'item_not_found',
      message: `${i.slug} is not available now`,
      details: { slug: i.slug },
    };
  }
  if (i.kind === 'membership' && quantity !== 1)
    return {
      ok: false,
      code: 'invalid_input',
      message: 'membership cards are redeemed one at a time',
    };
  if (i.perUserLimit != null && alreadyBought + quantity > i.perUserLimit) {
    return {
      ok: false,
      code: 'limit_reached',
      message: `at most ${i.perUserLimit} per person (you already have ${alreadyBought})`,
      details: { limit: i.perUserLimit, alreadyBought, requested: quantity },
    };
  }
  if (i.stock != null && i.stock < quantity) {
    return {
      ok: false,
      code: 'out_of_stock',
      message: i.stock === 0 ? `${i.slug} is out of stock` : `only ${i.stock} left`,
      details: { available: i.stock },
    };
  }
  const pct = TIER_BENEFITS[tier].redemptionDiscountPct;
  const unit = discountedPrice(i.pointsPrice, pct);
  return {
    ok: true,
    basePoints: i.pointsPrice,
    unitPoints: unit,
    discountPct: pct,
    quantity,
    total: unit * quantity,
    free: unit === 0,
  };
}

/** The most points a checkout may use: 30 % of the price, in whole points. */
export function maxCheckoutPoints(priceFen: number): number {
  return Math.floor((priceFen * MAX_POINTS_SHARE_PCT) / 100 / FEN_PER_POINT);
}

export type Split =
  | {
      ok: true;
      pointsUsed: number;
      pointsFen: number;
      couponFen: number;
      amountFen: number;
      maxPoints: number;
    }
  | ({ ok: false } & Refusal);

export function splitCheckout(a: {
  priceFen: number;
  couponFen: number;
  pointsRequested: number;
  pointsAvailable: number;
}): Split {
  const maxPoints = maxCheckoutPoints(a.priceFen);
  if (a.pointsRequested > maxPoints) {
    return {
      ok: false,
      code: 'invalid_input',
      message: `points can pay at most 30% of the price: ${maxPoints} points`,
      details: { maxPoints },
    };
  }
  if (a.pointsRequested > a.pointsAvailable) {
    return {
      ok: false,
      code: 'insufficient_points',
      message: `you have ${a.pointsAvailable} points available, not ${a.pointsRequested}`,
      details: { available: a.pointsAvailable, required: a.pointsRequested },
    };
  }
  const pointsFen = a.pointsRequested * FEN_PER_POINT;
  const amountFen = a.priceFen - pointsFen - a.couponFen;
  if (amountFen < 1)
    return {
      ok: false,
      code: 'invalid_input',
      message: 'the coupon and points would cover the whole price; use fewer points or no coupon',
    };
  return {
    ok: true,
    pointsUsed: a.pointsRequested,
    pointsFen,
    couponFen: a.couponFen,
    amountFen,
    maxPoints,
  };
}

const PHYSICAL_FLOW: Record<string, string[]> = {
  placed: ['shipped', 'cancelled'],
  shipped: ['delivered', 'cancelled'],
  delivered: [],
  cancelled: [],
};

export function canTransition(from: string, to: string): boolean {
  return (PHYSICAL_FLOW[from] ?? []).includes(to);
}

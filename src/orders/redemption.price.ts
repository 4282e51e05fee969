// What a redemption costs this user now, with every fact it rests on checked once: the course
// exists and is active (or the item exists), the user's tier, an existing enrollment, the
// per-user limit and stock. The rules themselves are pure (orders.rules.ts).
import { DomainError } from '../shared/errors.js';
import { queryOne, type Em } from '../db/sql.js';
import type { MallItemView } from '../catalog/catalog.service.js';
import type { Tier } from '../membership/membership.rules.js';
import { priceCourse, priceItem, type Priced } from './orders.rules.js';
import type { RedeemKind, RedemptionDeps } from './redemption.types.js';

export interface Checked {
  tier: Tier;
  titleZh: string;
  titleEn: string;
  /** The course's or item's id. */
  refId: number;
  item?: MallItemView;
  priced: Priced;
}

export async function isEnrolled(em: Em, userId: number, courseId: number): Promise<boolean> {
  return !!(await queryOne(
    em,
    `select 1 from enrollment where user_id = ? and course_id = ? and status = 'active'`,
    [userId, courseId],
  ));
}

async function boughtCount(em: Em, userId: number, itemId: number): Promise<number> {
  const r = await queryOne<{ n: string }>(
    em,
    `select coalesce(sum(quantity), 0) as n from shop_order
      where user_id = ? and item_id = ? and status <> 'cancelled'`,
    [userId, itemId],
  );
  return Number(r!.n);
}

/** The item itself is looked up by the caller when it needs it first (an address check). */
export async function priceRedemption(
  deps: RedemptionDeps,
  em: Em,
  userId: number,
  req: { kind: RedeemKind; slug: string; quantity: number; item?: MallItemView },
): Promise<Checked> {
  const tier = await deps.membership.tierOf(userId, em);
  if (req.kind === 'course') {
    const c = await deps.catalog.courseRow(req.slug, em);
    if (!c.active)
      throw new DomainError('course_not_found', `no course "${req.slug}"`, { slug: req.slug });
    const found = { tier, refId: c.id, titleZh: c.titleZh, titleEn: c.titleEn };
    if (req.quantity !== 1) {
      const priced: Priced = {
        ok: false,
        code: 'invalid_input',
        message: 'a course is redeemed once',
      };
      return { ...found, priced };
    }
    return { ...found, priced: priceCourse(c, tier, await isEnrolled(em, userId, c.id)) };
  }
  const item = req.item ?? (await deps.catalog.getItem(req.slug, em));
  // Only a limited item counts what this user already has.
  const bought = item.perUserLimit == null ? 0 : await boughtCount(em, userId, item.id);
  return {
    tier,
    refId: item.id,
    titleZh: item.titleZh,
    titleEn: item.titleEn,
    item,
    priced: priceItem(item, tier, req.quantity, bought, deps.clock.now()),
  };
}

export const physicalNeedsAddress = () =>
  new DomainError('invalid_input', 'a physical item needs a shipping address', {
    field: 'address',
  });

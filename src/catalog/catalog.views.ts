// What the catalog hands out: course and mall item views, the admin's inputs, and the mapping
// from table rows.
import { coursePointsPrice } from './catalog.rules.js';
import type { MallItemKind } from './data/demo-catalog.js';
import type { Tier } from '../membership/membership.rules.js';

export interface CourseView {
  id: number;
  slug: string;
  titleZh: string;
  titleEn: string;
  descriptionZh: string;
  descriptionEn: string;
  category: string;
  tags: string[];
  aliases: string[];
  priceFen: number;
  pointsPrice: number;
  pointsPriceOverride: number | null;
  hot: boolean;
  vipFree: boolean;
  membersOnlyTier: Exclude<Tier, 'normal'> | null;
  active: boolean;
}

export interface CourseDetail extends CourseView {
  rating: { average: number | null; count: number };
}

export interface MallItemView {
  id: number;
  slug: string;
  titleZh: string;
  titleEn: string;
  descriptionZh: string;
  descriptionEn: string;
  kind: MallItemKind;
  pointsPrice: number;
  stock: number | null;
  perUserLimit: number | null;
  couponValueFen: number | null;
  trialTier: Exclude<Tier, 'normal'> | null;
  trialDays: number | null;
  aliases: string[];
  active: boolean;
  availableFrom: string | null;
  availableUntil: string | null;
}

export interface CourseInput {
  slug: string;
  titleZh: string;
  titleEn: string;
  descriptionZh?: string;
  descriptionEn?: string;
  category: string;
  tags?: string[];
  aliases?: string[];
  priceFen: number;
  pointsPrice?: number | null;
  hot?: boolean;
  vipFree?: boolean;
  membersOnlyTier?: 'advanced' | 'vip' | null;
  active?: boolean;
}

export interface MallItemInput {
  slug: string;
  titleZh: string;
  titleEn: string;
  descriptionZh?: string;
  descriptionEn?: string;
  kind: MallItemKind;
  pointsPrice: number;
  stock?: number | null;
  perUserLimit?: number | null;
  couponValueFen?: number | null;
  trialTier?: 'advanced' | 'vip' | null;
  trialDays?: number | null;
  aliases?: string[];
  active?: boolean;
  availableFrom?: string | null;
  availableUntil?: string | null;
}

/** A row of `course` as the driver returns it (bigints as strings, jsonb parsed). */
export interface CourseRow {
  id: string | number;
  slug: string;
  title_zh: string;
  title_en: string;
  description_zh: string;
  description_en: string;
  category: string;
  tags: string[] | null;
  aliases: string[] | null;
  price_fen: string | number;
  points_price: string | number | null;
  hot: boolean;
  vip_free: boolean;
  members_only_tier: 'advanced' | 'vip' | null;
  active: boolean;
}

/** A row of `mall_item` as the driver returns it. */
export interface ItemRow {
  id: string | number;
  slug: string;
  title_zh: string;
  title_en: string;
  description_zh: string;
  description_en: string;
  kind: MallItemKind;
  points_price: string | number;
  stock: string | number | null;
  per_user_limit: string | number | null;
  coupon_value_fen: string | number | null;
  trial_tier: 'advanced' | 'vip' | null;
  trial_days: string | number | null;
  aliases: string[] | null;
  active: boolean;
  available_from: Date | string | null;
  available_until: Date | string | null;
}

export function toCourse(r: CourseRow, k = 1): CourseView {
  const priceFen = Number(r.price_fen);
  const override = r.points_price == null ? null : Number(r.points_price);
  return {
    id: Number(r.id),
    slug: r.slug,
    titleZh: r.title_zh,
    titleEn: r.title_en,
    descriptionZh: r.description_zh,
    descriptionEn: r.description_en,
    category: r.category,
    tags: r.tags ?? [],
    aliases: r.aliases ?? [],
    priceFen,
    pointsPrice: coursePointsPrice({ priceFen, pointsPrice: override }, k),
    pointsPriceOverride: override,
    hot: r.hot,
    vipFree: r.vip_free,
    membersOnlyTier: r.members_only_tier ?? null,
    active: r.active,
  };
}

export function toItem(r: ItemRow): MallItemView {
  const iso = (d: unknown) => (d == null ? null : new Date(d as string).toISOString());
  return {
    id: Number(r.id),
    slug: r.slug,
    titleZh: r.title_zh,
    titleEn: r.title_en,
    descriptionZh: r.description_zh,
    descriptionEn: r.description_en,
    kind: r.kind,
    pointsPrice: Number(r.points_price),
    stock: r.stock == null ? null : Number(r.stock),
    perUserLimit: r.per_user_limit == null ? null : Number(r.per_user_limit),
    couponValueFen: r.coupon_value_fen == null ? null : Number(r.coupon_value_fen),
    trialTier: r.trial_tier ?? null,
    trialDays: r.trial_days == null ? null : Number(r.trial_days),
    aliases: r.aliases ?? [],
    active: r.active,
    availableFrom: iso(r.available_from),
    availableUntil: iso(r.available_until),
  };
}

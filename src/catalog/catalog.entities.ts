// Catalog tables: courses and mall items.
import { defineEntity } from '@mikro-orm/core';

type Builders = typeof defineEntity.properties;

const ts = (p: Builders) => p.datetime().columnType('timestamptz').defaultRaw('now()');

export const Course = defineEntity({
  name: 'Course',
  tableName: 'course',
  indexes: [{ name: 'course_category_idx', properties: ['category'] }],
  checks: [
    { name: 'course_price_ck', expression: 'price_fen >= 0' },
    { name: 'course_points_price_ck', expression: 'points_price is null or points_price >= 0' },
    {
      name: 'course_members_only_ck',
      // as PostgreSQL prints it, which is what the generator compares
      expression:
        "((members_only_tier IS NULL) OR ((members_only_tier)::text = ANY ((ARRAY['advanced'::character varying, 'vip'::character varying])::text[])))",
    },
  ],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    slug: p.string().length(80).unique('course_slug_uq'),
    titleZh: p.string().length(200),
    titleEn: p.string().length(200),
    descriptionZh: p.text().default(''),
    descriptionEn: p.text().default(''),
    category: p.string().length(40),
    tags: p.json<string[]>().columnType('jsonb').defaultRaw(`'[]'::jsonb`),
    aliases: p.json<string[]>().columnType('jsonb').defaultRaw(`'[]'::jsonb`),
    priceFen: p.bigint('number'),
    /** Per-course override of the points price; null = price in fen × k. */
    pointsPrice: p.bigint('number').nullable(),
    hot: p.boolean().default(false),
    vipFree: p.boolean().default(false),
    membersOnlyTier: p.string().length(16).nullable(),
    active: p.boolean().default(true),
    createdAt: ts(p),
    updatedAt: ts(p),
  }),
});

export const MallItem = defineEntity({
  name: 'MallItem',
  tableName: 'mall_item',
  checks: [
    { name: 'mall_item_stock_ck', expression: 'stock is null or stock >= 0' },
    { name: 'mall_item_points_ck', expression: 'points_price >= 0' },
    { name: 'mall_item_limit_ck', expression: 'per_user_limit is null or per_user_limit > 0' },
  ],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    slug: p.string().length(80).unique('mall_item_slug_uq'),
    titleZh: p.string().length(200),
    titleEn: p.string().length(200),
    descriptionZh: p.text().default(''),
    descriptionEn: p.text().default(''),
    kind: p.enum(['physical', 'digital', 'coupon', 'membership']).columnType('varchar(16)'),
    pointsPrice: p.bigint('number'),
    /** null = unlimited */
    stock: p.integer().nullable(),
    perUserLimit: p.integer().nullable(),
    /** Coupons: value in fen off a course purchase. Membership: days of the trial tier. */
    couponValueFen: p.integer().nullable(),
    trialTier: p.string().length(16).nullable(),
    trialDays: p.integer().nullable(),
    aliases: p.json<string[]>().columnType('jsonb').defaultRaw(`'[]'::jsonb`),
    active: p.boolean().default(true),
    availableFrom: p.datetime().columnType('timestamptz').nullable(),
    availableUntil: p.datetime().columnType('timestamptz').nullable(),
    createdAt: ts(p),
    updatedAt: ts(p),
  }),
});

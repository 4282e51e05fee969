// Orders (points redemptions and paid course orders), enrollments, coupon codes, quotes,
// payments and their webhook events, refunds, reviews, and the sandbox provider's charges.
import { defineEntity } from '@mikro-orm/core';
import { foreignKey } from '../db/foreign-key.js';
import { User } from '../membership/user.entities.js';
import { Course } from '../catalog/catalog.entities.js';

type Builders = typeof defineEntity.properties;

const ts = (p: Builders) => p.datetime().columnType('timestamptz').defaultRaw('now()');
const tsNull = (p: Builders) => p.datetime().columnType('timestamptz').nullable();

export const ShopOrder = defineEntity({
  name: 'ShopOrder',
  tableName: 'shop_order',
  indexes: [
    { name: 'shop_order_user_idx', properties: ['user', 'id'] },
    { name: 'shop_order_item_user_idx', properties: ['itemId', 'user'] },
    { name: 'shop_order_status_idx', properties: ['status', 'expiresAt'] },
  ],
  checks: [
    {
      name: 'shop_order_amounts_ck',
      expression: 'points_charged >= 0 and amount_fen >= 0 and quantity > 0',
    },
  ],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    user: foreignKey(p.manyToOne(User), 'shop_order_user_fk'),
    kind: p.enum(['course', 'item', 'paid_course']).columnType('varchar(16)'),
    courseId: p.bigint('number').nullable(),
    itemId: p.bigint('number').nullable(),
    quantity: p.integer().default(1),
    unitPoints: p.bigint('number').default(0),
    pointsCharged: p.bigint('number').default(0),
    discountPct: p.integer().default(0),
    priceFen: p.bigint('number').default(0),
    couponFen: p.bigint('number').default(0),
    amountFen: p.bigint('number').default(0),
    status: p
      .enum([
        'completed',
        'placed',
        'shipped',
        'delivered',
        'cancelled',
        'pending_payment',
        'paid',
        'failed',
        'expired',
        'refunding',
        'refunded',
      ])
      .columnType('varchar(20)'),
    address: p.json<Record<string, unknown>>().columnType('jsonb').nullable(),
    quoteId: p.string().length(40).nullable(),
    entryId: p.bigint('number').nullable(),
    holdId: p.bigint('number').nullable(),
    couponCode: p.string().length(40).nullable(),
    paymentRef: p.string().length(100).nullable().unique('shop_order_payment_ref_uq'),
    payUrl: p.string().length(500).nullable(),
    expiresAt: tsNull(p),
    paidAt: tsNull(p),
    refundWindowEndsAt: tsNull(p),
    refundedAt: tsNull(p),
    refundRef: p.string().length(100).nullable(),
    statusHistory: p.json<unknown[]>().columnType('jsonb').defaultRaw(`'[]'::jsonb`),
    createdAt: ts(p),
    updatedAt: ts(p),
  }),
});

export const Enrollment = defineEntity({
  name: 'Enrollment',
  tableName: 'enrollment',
  indexes: [
    { name: 'enrollment_user_idx', properties: ['user'] },
    { name: 'enrollment_course_idx', properties: ['course'] },
    // One active enrollment per user and course; revoked and merged ones stay as history.
    {
      name: 'enrollment_active_uq',
      expression:
        "create unique index enrollment_active_uq on enrollment (user_id, course_id) where status = 'active'",
    },
  ],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    user: foreignKey(p.manyToOne(User), 'enrollment_user_fk'),
    course: foreignKey(p.manyToOne(Course), 'enrollment_course_fk'),
    orderId: p.bigint('number').nullable(),
    source: p.enum(['points', 'paid', 'vip_free', 'admin']).columnType('varchar(16)'),
    status: p.enum(['active', 'revoked', 'merged']).columnType('varchar(16)').default('active'),
    createdAt: ts(p),
    revokedAt: tsNull(p),
  }),
});

export const CouponCode = defineEntity({
  name: 'CouponCode',
  tableName: 'coupon_code',
  indexes: [{ name: 'coupon_code_user_idx', properties: ['userId'] }],
  properties: (p) => ({
    code: p.string().length(40).primary(),
    userId: p.bigint('number'),
    orderId: p.bigint('number'),
    itemId: p.bigint('number'),
    valueFen: p.integer(),
    usedOrderId: p.bigint('number').nullable(),
    usedAt: tsNull(p),
    createdAt: ts(p),
  }),
});

export const Quote = defineEntity({
  name: 'Quote',
  tableName: 'redeem_quote',
  indexes: [{ name: 'redeem_quote_user_idx', properties: ['userId'] }],
  properties: (p) => ({
    id: p.string().length(40).primary(),
    userId: p.bigint('number'),
    kind: p.string().length(16),
    slug: p.string().length(80),
    quantity: p.integer(),
    unitPoints: p.bigint('number'),
    pointsTotal: p.bigint('number'),
    discountPct: p.integer(),
    expiresAt: p.datetime().columnType('timestamptz'),
    usedOrderId: p.bigint('number').nullable(),
    /** The ledger hold a two-step redemption reserved at the quote; confirm posts it. */
    holdId: p.bigint('number').nullable(),
    address: p.json<Record<string, unknown>>().columnType('jsonb').nullable(),
    /** The quoted course's or item's id. */
    refId: p.bigint('number').nullable(),
    /** What confirming the quote answered: a confirm again gets the same. */
    result: p.json<Record<string, unknown>>().columnType('jsonb').nullable(),
    cancelledAt: tsNull(p),
    createdAt: ts(p),
  }),
});

export const PaymentEvent = defineEntity({
  name: 'PaymentEvent',
  tableName: 'payment_event',
  properties: (p) => ({
    eventId: p.string().length(100).primary(),
    provider: p.string().length(40),
    type: p.string().length(60),
    paymentRef: p.string().length(100),
    payload: p.json<Record<string, unknown>>().columnType('jsonb'),
    outcome: p.string().length(60).nullable(),
    receivedAt: ts(p),
  }),
});

export const Review = defineEntity({
  name: 'Review',
  tableName: 'course_review',
  uniques: [{ name: 'course_review_user_course_uq', properties: ['user', 'course'] }],
  indexes: [{ name: 'course_review_course_idx', properties: ['course'] }],
  // as PostgreSQL prints it, which is what the generator compares
  checks: [{ name: 'course_review_rating_ck', expression: '((rating >= 1) AND (rating <= 5))' }],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    user: foreignKey(p.manyToOne(User), 'course_review_user_fk'),
    course: foreignKey(p.manyToOne(Course), 'course_review_course_fk'),
    rating: p.integer(),
    comment: p.text().default(''),
    createdAt: ts(p),
  }),
});

/** The sandbox payment provider's own books (what a real provider keeps on its side). */
export const SandboxCharge = defineEntity({
  name: 'SandboxCharge',
  tableName: 'sandbox_charge',
  checks: [
    {
      name: 'sandbox_charge_refund_ck',
      expression: 'refunded_fen >= 0 and refunded_fen <= amount_fen',
    },
  ],
  properties: (p) => ({
    ref: p.string().length(100).primary(),
    merchantOrderId: p.string().length(100),
    amountFen: p.bigint('number'),
    currency: p.string().length(3),
    description: p.string().length(300),
    status: p.enum(['pending', 'succeeded', 'failed', 'cancelled']).columnType('varchar(16)'),
    refundedFen: p.bigint('number').default(0),
    refundKeys: p.json<string[]>().columnType('jsonb').defaultRaw(`'[]'::jsonb`),
    expiresAt: p.datetime().columnType('timestamptz'),
    createdAt: ts(p),
  }),
});

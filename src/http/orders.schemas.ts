// Request and response shapes of the order, redemption and quote routes.
import { z } from '@hono/zod-openapi';
import { IdParam } from './common.schemas.js';

export const Slug = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes');
const Line = (max: number) => z.string().trim().min(1).max(max);
export const Address = z
  .object({
    name: Line(100),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9 -]{5,20}$/, 'a phone number'),
    line1: Line(200),
    line2: z.string().trim().max(200).optional(),
    city: Line(100),
    province: z.string().trim().max(100).optional(),
    postalCode: z.string().trim().max(20).optional(),
    country: z.string().trim().max(60).optional(),
  })
  .strict()
  .openapi('Address');
export const RedeemBody = z
  .object({
    kind: z.enum(['course', 'item']),
    slug: Slug,
    quantity: z.number().int().min(1).max(20).default(1),
    address: Address.optional(),
    quoteId: z.string().max(40).optional(),
  })
  .strict();
export const RedeemResult = z
  .object({
    orderId: z.number().int(),
    kind: z.enum(['course', 'item']),
    slug: z.string(),
    status: z.string(),
    quantity: z.number().int(),
    unitPoints: z.number().int(),
    discountPct: z.number().int(),
    pointsCharged: z.number().int(),
    balance: z.number().int(),
    couponCodes: z.array(z.string()),
    trialUntil: z.string().nullable(),
  })
  .openapi('Redemption');
export const QuoteSchema = z
  .object({
    quoteId: z.string().nullable(),
    kind: z.enum(['course', 'item']),
    slug: z.string(),
    titleZh: z.string(),
    titleEn: z.string(),
    quantity: z.number().int(),
    basePoints: z.number().int(),
    unitPoints: z.number().int(),
    discountPct: z.number().int(),
    pointsTotal: z.number().int(),
    tier: z.string(),
    balance: z.number().int(),
    available: z.number().int(),
    balanceAfter: z.number().int(),
    affordable: z.boolean(),
    blocked: z
      .object({
        code: z.string(),
        message: z.string(),
        details: z.record(z.string(), z.unknown()).optional(),
      })
      .nullable(),
    expiresAt: z.string().nullable(),
    holdId: z.number().int().nullable(),
  })
  .openapi('RedeemQuote');
export const QuoteBody = z
  .object({
    kind: z.enum(['course', 'item']),
    slug: Slug,
    quantity: z.number().int().min(1).max(20).default(1),
    hold: z.boolean().default(false),
    address: Address.optional(),
  })
  .strict();
export const QuoteParams = z.object({
  id: IdParam.openapi({ param: { name: 'id', in: 'path' }, example: 1 }),
  quoteId: z
    .string()
    .min(1)
    .max(40)
    .openapi({ param: { name: 'quoteId', in: 'path' }, example: 'q_0b5c…' }),
});
const Titles = z.object({ slug: z.string(), titleZh: z.string(), titleEn: z.string() });
export const OrderSchema = z
  .object({
    orderId: z.number().int(),
    userId: z.number().int(),
    kind: z.enum(['course', 'item', 'paid_course']),
    status: z.string(),
    course: Titles.nullable(),
    item: Titles.extend({ kind: z.string() }).nullable(),
    quantity: z.number().int(),
    unitPoints: z.number().int(),
    pointsCharged: z.number().int(),
    discountPct: z.number().int(),
    priceFen: z.number().int(),
    couponFen: z.number().int(),
    amountFen: z.number().int(),
    couponCodes: z.array(z.string()),
    address: z.record(z.string(), z.unknown()).nullable(),
    payUrl: z.string().nullable(),
    paymentExpiresAt: z.string().nullable(),
    paidAt: z.string().nullable(),
    refundableUntil: z.string().nullable(),
    refundedAt: z.string().nullable(),
    statusHistory: z.array(z.unknown()),
    createdAt: z.string(),
  })
  .openapi('Order');
export const OrderParams = z.object({
  id: IdParam.openapi({ param: { name: 'id', in: 'path' }, example: 1 }),
  orderId: IdParam.openapi({ param: { name: 'orderId', in: 'path' }, example: 1 }),
});

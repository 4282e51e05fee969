// Request and response schemas of the course and mall item routes.
import { z } from '@hono/zod-openapi';

export const Slug = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes');
export const SlugParams = z.object({
  slug: Slug.openapi({ param: { name: 'slug', in: 'path' }, example: 'python-basics' }),
});
export const Text = (max: number) => z.string().trim().min(1).max(max);
export const Labels = z.array(z.string().trim().min(1).max(60)).max(30);
export const Money = z.number().int().min(0).max(100_000_000);

export const CourseSchema = z
  .object({
    id: z.number().int(),
    slug: z.string(),
    titleZh: z.string(),
    titleEn: z.string(),
    descriptionZh: z.string(),
    descriptionEn: z.string(),
    category: z.string(),
    tags: z.array(z.string()),
    aliases: z.array(z.string()),
    priceFen: z.number().int(),
    pointsPrice: z.number().int(),
    pointsPriceOverride: z.number().int().nullable(),
    hot: z.boolean(),
    vipFree: z.boolean(),
    membersOnlyTier: z.enum(['advanced', 'vip']).nullable(),
    active: z.boolean(),
  })
  .openapi('Course');
export const CourseDetailSchema = CourseSchema.extend({
  rating: z.object({ average: z.number().nullable(), count: z.number().int() }),
}).openapi('CourseDetail');

export const MallItemSchema = z
  .object({
    id: z.number().int(),
    slug: z.string(),
    titleZh: z.string(),
    titleEn: z.string(),
    descriptionZh: z.string(),
    descriptionEn: z.string(),
    kind: z.enum(['physical', 'digital', 'coupon', 'membership']),
    pointsPrice: z.number().int(),
    stock: z.number().int().nullable(),
    perUserLimit: z.number().int().nullable(),
    couponValueFen: z.number().int().nullable(),
    trialTier: z.enum(['advanced', 'vip']).nullable(),
    trialDays: z.number().int().nullable(),
    aliases: z.array(z.string()),
    active: z.boolean(),
    availableFrom: z.string().nullable(),
    availableUntil: z.string().nullable(),
  })
  .openapi('MallItem');

export const CourseFields = {
  titleZh: Text(200),
  titleEn: Text(200),
  descriptionZh: z.string().trim().max(5000).optional(),
  descriptionEn: z.string().trim().max(5000).optional(),
  category: Text(40),
  tags: Labels.optional(),
  aliases: Labels.optional(),
  priceFen: Money,
  pointsPrice: Money.nullable().optional(),
  hot: z.boolean().optional(),
  vipFree: z.boolean().optional(),
  membersOnlyTier: z.enum(['advanced', 'vip']).nullable().optional(),
  active: z.boolean().optional(),
};
export const CourseCreate = z.object({ slug: Slug, ...CourseFields }).strict();
export const CoursePatch = z
  .object(CourseFields)
  .partial()
  .strict()
  .refine((o) => Object.keys(o).length > 0, 'nothing to change');

export const When = z.string().datetime({ offset: true });
export const ItemFields = {
  titleZh: Text(200),
  titleEn: Text(200),
  descriptionZh: z.string().trim().max(5000).optional(),
  descriptionEn: z.string().trim().max(5000).optional(),
  kind: z.enum(['physical', 'digital', 'coupon', 'membership']),
  pointsPrice: Money,
  stock: z.number().int().min(0).max(10_000_000).nullable().optional(),
  perUserLimit: z.number().int().min(1).max(1000).nullable().optional(),
  couponValueFen: z.number().int().min(1).max(10_000_000).nullable().optional(),
  trialTier: z.enum(['advanced', 'vip']).nullable().optional(),
  trialDays: z.number().int().min(1).max(366).nullable().optional(),
  aliases: Labels.optional(),
  active: z.boolean().optional(),
  availableFrom: When.nullable().optional(),
  availableUntil: When.nullable().optional(),
};
export const ItemCreate = z.object({ slug: Slug, ...ItemFields }).strict();
export const ItemPatch = z
  .object(ItemFields)
  .partial()
  .strict()
  .refine((o) => Object.keys(o).length > 0, 'nothing to change');

export const actor = (c: { get: (k: 'role') => string | undefined }) => `api:${c.get('role')}`;

// Request and response schemas of the earning routes (events, check-ins, referrals,
// leaderboards, grants, earning rules), shared by the public and the admin router.
import { z } from '@hono/zod-openapi';
import { Id } from './common.schemas.js';
import type { AppServices } from '../app.services.js';
import { COMMUNITY_PATTERN } from '../membership/roles.service.js';

export const Key = z.string().trim().min(1).max(120);
export const Slug = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .regex(/^[a-z0-9][a-z0-9-]*$/);
export const EventBody = z
  .discriminatedUnion('type', [
    z
      .object({
        type: z.literal('lesson.completed'),
        userId: Id,
        occurredAt: z.string().datetime({ offset: true }).optional(),
        data: z.object({ lessonId: Key, courseSlug: Slug.optional() }).strict(),
      })
      .strict(),
    z
      .object({
        type: z.literal('quiz.passed'),
        userId: Id,
        occurredAt: z.string().datetime({ offset: true }).optional(),
        data: z
          .object({
            quizId: Key,
            courseSlug: Slug.optional(),
            score: z.number().int().min(0).max(100).optional(),
          })
          .strict(),
      })
      .strict(),
    z
      .object({
        type: z.literal('review.posted'),
        userId: Id,
        occurredAt: z.string().datetime({ offset: true }).optional(),
        data: z
          .object({ courseSlug: Slug, rating: z.number().int().min(1).max(5).optional() })
          .strict(),
      })
      .strict(),
    z
      .object({
        type: z.literal('user.interacted'),
        userId: Id,
        occurredAt: z.string().datetime({ offset: true }).optional(),
        data: z
          .object({ channel: z.string().max(40).optional() })
          .strict()
          .default({}),
      })
      .strict(),
    z
      .object({
        type: z.literal('purchase.completed'),
        userId: Id,
        occurredAt: z.string().datetime({ offset: true }).optional(),
        data: z
          .object({
            purchaseId: Key,
            amountFen: z.number().int().min(1).max(100_000_000),
            description: z.string().max(200).optional(),
          })
          .strict(),
      })
      .strict(),
    z
      .object({
        type: z.literal('purchase.refunded'),
        userId: Id,
        occurredAt: z.string().datetime({ offset: true }).optional(),
        data: z.object({ purchaseId: Key }).strict(),
      })
      .strict(),
  ])
  .openapi('LearningEvent');

export const AwardSchema = z.object({
  ruleCode: z.string(),
  awarded: z.boolean(),
  points: z.number().int(),
  pending: z.boolean(),
  reason: z.string().nullable(),
  retryAt: z.string().nullable(),
});
export const EventResult = z
  .object({
    eventId: z.number().int(),
    type: z.string(),
    userId: z.number().int(),
    points: z.number().int(),
    reversedPoints: z.number().int(),
    awards: z.array(AwardSchema),
    balance: z.number().int(),
    replayed: z.boolean(),
  })
  .openapi('EventResult');
export const CheckinResult = z
  .object({
    userId: z.number().int(),
    date: z.string(),
    points: z.number().int(),
    streak: z.number().int(),
    balance: z.number().int(),
    tomorrowBasePoints: z.number().int(),
    nextCheckinAt: z.string(),
  })
  .openapi('CheckinResult');
export const Lang = z.object({ lang: z.enum(['zh', 'en']).default('zh') });
export const Community = z
  .string()
  .regex(COMMUNITY_PATTERN, 'telegram:<chatId> or discord:<guildId>');
export const RuleSchema = z
  .object({
    code: z.string(),
    trigger: z.string(),
    titleZh: z.string(),
    titleEn: z.string(),
    descriptionZh: z.string(),
    descriptionEn: z.string(),
    amount: z.number().int().nullable(),
    ratePerYuan: z.number().int().nullable(),
    streakBonus: z.number().int().nullable(),
    maxPoints: z.number().int().nullable(),
    dailyLimit: z.number().int().nullable(),
    totalLimit: z.number().int().nullable(),
    monthlyLimit: z.number().int().nullable(),
    cooldownSeconds: z.number().int().nullable(),
    actorDailyMax: z.number().int().nullable(),
    applyMultiplier: z.boolean(),
    pendingDays: z.number().int().nullable(),
    active: z.boolean(),
    startsAt: z.string().nullable(),
    endsAt: z.string().nullable(),
    sortOrder: z.number().int(),
  })
  .openapi('EarningRule');
export const Count = z.number().int().min(0).max(1_000_000).nullable();
export const RulePatch = z
  .object({
    titleZh: z.string().trim().min(1).max(200),
    titleEn: z.string().trim().min(1).max(200),
    descriptionZh: z.string().max(2000),
    descriptionEn: z.string().max(2000),
    amount: Count,
    ratePerYuan: Count,
    streakBonus: Count,
    maxPoints: Count,
    dailyLimit: Count,
    totalLimit: Count,
    monthlyLimit: Count,
    cooldownSeconds: z
      .number()
      .int()
      .min(0)
      .max(365 * 86400)
      .nullable(),
    actorDailyMax: Count,
    applyMultiplier: z.boolean(),
    pendingDays: z.number().int().min(0).max(365).nullable(),
    active: z.boolean(),
    startsAt: z.string().datetime({ offset: true }).nullable(),
    endsAt: z.string().datetime({ offset: true }).nullable(),
    sortOrder: z.number().int().min(0).max(10_000),
  })
  .partial()
  .strict()
  .refine((o) => Object.keys(o).length > 0, 'nothing to change');
export const GrantSchema = z
  .object({
    grantId: z.number().int(),
    community: z.string(),
    moderatorUserId: z.number().int(),
    userId: z.number().int(),
    points: z.number().int(),
    reason: z.string(),
    entryId: z.number().int(),
    undone: z.boolean(),
    createdAt: z.string(),
    moderatorRemainingToday: z.number().int(),
    replayed: z.boolean(),
  })
  .openapi('ModeratorGrant');

export const ruleJson = (r: Awaited<ReturnType<AppServices['rewards']['getRule']>>) => ({
  ...r,
  startsAt: r.startsAt ? r.startsAt.toISOString() : null,
  endsAt: r.endsAt ? r.endsAt.toISOString() : null,
});
export const actor = (c: { get: (k: 'role') => string | undefined }) => `api:${c.get('role')}`;

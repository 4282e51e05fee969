// Request and response schemas of the membership, role and account routes.
import { z } from '@hono/zod-openapi';
import { COMMUNITY_PATTERN } from '../membership/roles.service.js';

export const TierEnum = z.enum(['normal', 'advanced', 'vip']);
export const Names = z.object({ zh: z.string(), en: z.string() });
export const MembershipSchema = z
  .object({
    userId: z.number().int(),
    tier: TierEnum,
    tierName: Names,
    earnedTier: TierEnum,
    earned365: z.number().int(),
    benefits: z.object({
      multiplierPermille: z.number().int(),
      redemptionDiscountPct: z.number().int(),
      vipFreeCourses: z.boolean(),
      membersOnlyCourses: z.boolean(),
    }),
    next: z
      .object({
        tier: TierEnum,
        tierName: Names,
        threshold: z.number().int(),
        pointsNeeded: z.number().int(),
      })
      .nullable(),
    trial: z.object({ tier: TierEnum, until: z.string() }).nullable(),
    history: z.array(
      z.object({ from: TierEnum, to: TierEnum, reason: z.string(), at: z.string() }),
    ),
    thresholds: z.object({
      normal: z.number().int(),
      advanced: z.number().int(),
      vip: z.number().int(),
    }),
  })
  .openapi('Membership');
export const Community = z
  .string()
  .regex(COMMUNITY_PATTERN, 'telegram:<chatId> or discord:<guildId>');
export const RoleSchema = z
  .object({
    userId: z.number().int(),
    community: z.string(),
    role: z.literal('moderator'),
    grantedBy: z.string(),
    grantedAt: z.string(),
  })
  .openapi('Role');
export const EntrySchema = z.object({
  id: z.number().int(),
  kind: z.string(),
  amount: z.number().int(),
  account: z.string(),
  reason: z.string(),
  actor: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  reversesEntryId: z.number().int().nullable(),
  reversedByEntryId: z.number().int().nullable(),
  createdAt: z.string(),
});
export const actor = (c: { get: (k: 'role') => string | undefined }) => `api:${c.get('role')}`;

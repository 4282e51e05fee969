// Membership state: tier (from earnings) plus an optional trial tier, tier history,
// moderator roles per community, community members, and one-time link codes.
import { defineEntity } from '@mikro-orm/core';
import { foreignKey } from '../db/foreign-key.js';
import { User } from './user.entities.js';

type Builders = typeof defineEntity.properties;

const ts = (p: Builders) => p.datetime().columnType('timestamptz').defaultRaw('now()');
const tsNull = (p: Builders) => p.datetime().columnType('timestamptz').nullable();

export const Membership = defineEntity({
  name: 'Membership',
  tableName: 'membership',
  checks: [
    // as PostgreSQL prints it, which is what the generator compares
    {
      name: 'membership_trial_tier_ck',
      expression:
        "((trial_tier IS NULL) OR ((trial_tier)::text = ANY ((ARRAY['advanced'::character varying, 'vip'::character varying])::text[])))",
    },
  ],
  properties: (p) => ({
    user: foreignKey(p.manyToOne(User).primary(), 'membership_user_fk'),
    tier: p.enum(['normal', 'advanced', 'vip']).columnType('varchar(16)').default('normal'),
    earned365: p.bigint('number').default(0),
    trialTier: p.string().length(16).nullable(),
    trialUntil: tsNull(p),
    effectiveTier: p.string().length(16).default('normal'),
    updatedAt: ts(p),
  }),
});

export const TierChange = defineEntity({
  name: 'TierChange',
  tableName: 'tier_change',
  indexes: [{ name: 'tier_change_user_idx', properties: ['userId', 'id'] }],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    userId: p.bigint('number'),
    fromTier: p.string().length(16),
    toTier: p.string().length(16),
    reason: p.string().length(40),
    earned365: p.bigint('number'),
    createdAt: ts(p),
  }),
});

export const ModeratorRole = defineEntity({
  name: 'ModeratorRole',
  tableName: 'moderator_role',
  indexes: [
    { name: 'moderator_role_user_idx', properties: ['user'] },
    {
      name: 'moderator_role_active_uq',
      expression:
        'create unique index moderator_role_active_uq on moderator_role (user_id, community) where revoked_at is null',
    },
  ],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    user: foreignKey(p.manyToOne(User), 'moderator_role_user_fk'),
    community: p.string().length(80),
    grantedBy: p.string().length(200),
    grantedAt: ts(p),
    revokedAt: tsNull(p),
    revokedBy: p.string().length(200).nullable(),
  }),
});

export const CommunityMember = defineEntity({
  name: 'CommunityMember',
  tableName: 'community_member',
  uniques: [{ name: 'community_member_uq', properties: ['community', 'userId'] }],
  indexes: [{ name: 'community_member_user_idx', properties: ['userId'] }],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    community: p.string().length(80),
    userId: p.bigint('number'),
    joinedAt: ts(p),
  }),
});

export const LinkCode = defineEntity({
  name: 'LinkCode',
  tableName: 'link_code',
  indexes: [{ name: 'link_code_user_idx', properties: ['userId'] }],
  properties: (p) => ({
    codeHash: p.string().length(64).primary(),
    userId: p.bigint('number'),
    expiresAt: p.datetime().columnType('timestamptz'),
    usedAt: tsNull(p),
    usedByUserId: p.bigint('number').nullable(),
    createdAt: ts(p),
  }),
});

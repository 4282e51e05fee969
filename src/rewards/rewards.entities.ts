// Earning rules (editable by admins), awards (every earning, the basis of caps, tiers and
// leaderboards), check-ins, learning events, referrals and moderator grants.
import { defineEntity } from '@mikro-orm/core';
import { foreignKey } from '../db/foreign-key.js';
import { User } from '../membership/user.entities.js';

type Builders = typeof defineEntity.properties;

const ts = (p: Builders) => p.datetime().columnType('timestamptz').defaultRaw('now()');
const tsNull = (p: Builders) => p.datetime().columnType('timestamptz').nullable();

export const EarningRule = defineEntity({
  name: 'EarningRule',
  tableName: 'earning_rule',
  checks: [
    { name: 'earning_rule_amount_ck', expression: '(amount is null) <> (rate_per_yuan is null)' },
    {
      name: 'earning_rule_positive_ck',
      expression: 'coalesce(amount, 1) >= 0 and coalesce(rate_per_yuan, 1) >= 0',
    },
  ],
  properties: (p) => ({
    code: p.string().length(60).primary(),
    trigger: p.string().length(60),
    titleZh: p.string().length(200),
    titleEn: p.string().length(200),
    descriptionZh: p.text().default(''),
    descriptionEn: p.text().default(''),
    amount: p.integer().nullable(),
    ratePerYuan: p.integer().nullable(),
    streakBonus: p.integer().nullable(),
    maxPoints: p.integer().nullable(),
    dailyLimit: p.integer().nullable(),
    totalLimit: p.integer().nullable(),
    monthlyLimit: p.integer().nullable(),
    cooldownSeconds: p.integer().nullable(),
    actorDailyMax: p.integer().nullable(),
    applyMultiplier: p.boolean().default(true),
    pendingDays: p.integer().nullable(),
    active: p.boolean().default(true),
    startsAt: tsNull(p),
    endsAt: tsNull(p),
    sortOrder: p.integer().default(0),
    updatedAt: ts(p),
    updatedBy: p.string().length(200).default('system'),
  }),
});

export const RewardAward = defineEntity({
  name: 'RewardAward',
  tableName: 'reward_award',
  indexes: [
    { name: 'reward_award_user_rule_idx', properties: ['user', 'ruleCode', 'createdAt'] },
    { name: 'reward_award_created_idx', properties: ['createdAt'] },
    { name: 'reward_award_order_idx', properties: ['orderId'] },
    // The release job's scan of awards still waiting out their refund window.
    {
      name: 'reward_award_pending_idx',
      expression:
        "create index reward_award_pending_idx on reward_award (release_at) where status = 'pending'",
    },
  ],
  checks: [{ name: 'reward_award_points_ck', expression: 'points > 0' }],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    user: foreignKey(p.manyToOne(User), 'reward_award_user_fk'),
    ruleCode: p.string().length(60),
    sourceKey: p.string().length(200).unique('reward_award_source_uq'),
    basePoints: p.integer(),
    multiplierPermille: p.integer(),
    points: p.integer(),
    status: p.enum(['granted', 'pending', 'released', 'reversed']).columnType('varchar(16)'),
    entryId: p.bigint('number'),
    releaseEntryId: p.bigint('number').nullable(),
    reverseEntryId: p.bigint('number').nullable(),
    releaseAt: tsNull(p),
    orderId: p.bigint('number').nullable(),
    actor: p.string().length(200),
    localDate: p.string().length(10),
    metadata: p.json<Record<string, unknown>>().columnType('jsonb').defaultRaw(`'{}'::jsonb`),
    createdAt: ts(p),
  }),
});

export const Checkin = defineEntity({
  name: 'Checkin',
  tableName: 'checkin',
  uniques: [{ name: 'checkin_user_date_uq', properties: ['user', 'localDate'] }],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    user: foreignKey(p.manyToOne(User), 'checkin_user_fk'),
    localDate: p.string().length(10),
    streak: p.integer(),
    points: p.integer(),
    createdAt: ts(p),
  }),
});

export const LearningEvent = defineEntity({
  name: 'LearningEvent',
  tableName: 'learning_event',
  indexes: [{ name: 'learning_event_user_idx', properties: ['userId', 'id'] }],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    eventKey: p.string().length(200).unique('learning_event_key_uq'),
    requestHash: p.string().length(64),
    userId: p.bigint('number'),
    type: p.string().length(60),
    data: p.json<Record<string, unknown>>().columnType('jsonb').defaultRaw(`'{}'::jsonb`),
    outcome: p.json<Record<string, unknown>>().columnType('jsonb').defaultRaw(`'{}'::jsonb`),
    occurredAt: ts(p),
    createdAt: ts(p),
  }),
});

export const ReferralCode = defineEntity({
  name: 'ReferralCode',
  tableName: 'referral_code',
  properties: (p) => ({
    code: p.string().length(32).primary(),
    userId: p.bigint('number').index('referral_code_user_idx'),
    createdAt: ts(p),
  }),
});

export const Referral = defineEntity({
  name: 'Referral',
  tableName: 'referral',
  indexes: [{ name: 'referral_inviter_idx', properties: ['inviterUser'] }],
  checks: [{ name: 'referral_not_self_ck', expression: 'inviter_user_id <> invitee_user_id' }],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    inviteeUser: foreignKey(p.manyToOne(User), 'referral_invitee_fk').unique('referral_invitee_uq'),
    inviterUser: foreignKey(p.manyToOne(User), 'referral_inviter_fk'),
    code: p.string().length(32),
    status: p.enum(['active', 'void']).columnType('varchar(16)').default('active'),
    joinAwardedAt: tsNull(p),
    purchaseOrderId: p.bigint('number').nullable(),
    note: p.string().length(200).nullable(),
    createdAt: ts(p),
  }),
});

export const ModeratorGrant = defineEntity({
  name: 'ModeratorGrant',
  tableName: 'moderator_grant',
  indexes: [
    { name: 'moderator_grant_moderator_idx', properties: ['moderatorUserId', 'createdAt'] },
  ],
  checks: [{ name: 'moderator_grant_points_ck', expression: 'points > 0' }],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    idempotencyKey: p.string().length(200).unique('moderator_grant_key_uq'),
    moderatorUserId: p.bigint('number'),
    userId: p.bigint('number'),
    community: p.string().length(80),
    points: p.integer(),
    reason: p.string().length(500),
    awardId: p.bigint('number'),
    entryId: p.bigint('number'),
    localDate: p.string().length(10),
    undoneAt: tsNull(p),
    undoneBy: p.string().length(200).nullable(),
    undoEntryId: p.bigint('number').nullable(),
    createdAt: ts(p),
  }),
});

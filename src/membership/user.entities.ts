// Users and their channel identities (telegram:<id>, discord:<id>, web:<session>).
import { defineEntity } from '@mikro-orm/core';
import { foreignKey } from '../db/foreign-key.js';

export const User = defineEntity({
  name: 'User',
  tableName: 'app_user',
  indexes: [
    {
      name: 'app_user_merged_idx',
      expression:
        'create index app_user_merged_idx on app_user (merged_into_id) where merged_into_id is not null',
    },
  ],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    displayName: p.string().length(200).nullable(),
    languageCode: p.string().length(8).default('zh'),
    timeZone: p.string().length(64).default('Asia/Shanghai'),
    /** Set when this user was merged into another (identity linking); the row stays for history. */
    // By name: the entity cannot name itself while it is being defined.
    mergedInto: foreignKey(p.manyToOne('User' as never).nullable(), 'app_user_merged_into_fk'),
    mergedAt: p.datetime().columnType('timestamptz').nullable(),
    createdAt: p.datetime().columnType('timestamptz').defaultRaw('now()'),
  }),
});

export const UserIdentity = defineEntity({
  name: 'UserIdentity',
  tableName: 'user_identity',
  uniques: [{ name: 'user_identity_channel_external_uq', properties: ['channel', 'externalId'] }],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    user: p.manyToOne(User).index('user_identity_user_idx'),
    channel: p.string().length(16),
    externalId: p.string().length(128),
    /** Platform username (lower case, no @), so a "@name" mention can be resolved. */
    username: p.string().length(64).nullable().index('user_identity_username_idx'),
    createdAt: p.datetime().columnType('timestamptz').defaultRaw('now()'),
  }),
});

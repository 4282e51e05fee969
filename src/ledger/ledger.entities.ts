// Ledger tables. The invariants (balanced, append-only, non-negative wallets) are enforced
// in the database by the constraints below and the triggers of the ledger migration.
import { defineEntity } from '@mikro-orm/core';
import { foreignKey } from '../db/foreign-key.js';
import { User } from '../membership/user.entities.js';

type Builders = typeof defineEntity.properties;
const ts = (p: Builders) => p.datetime().columnType('timestamptz').defaultRaw('now()');

export const LedgerAccount = defineEntity({
  name: 'LedgerAccount',
  tableName: 'ledger_account',
  uniques: [{ name: 'ledger_account_user_kind_uq', properties: ['user', 'kind'] }],
  checks: [
    {
      name: 'ledger_account_non_negative_ck',
      expression: "kind = 'system' or (balance >= 0 and held >= 0 and held <= balance)",
    },
    { name: 'ledger_account_owner_ck', expression: "(kind = 'system') = (user_id is null)" },
  ],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    code: p.string().length(64).unique('ledger_account_code_uq'),
    kind: p.enum(['wallet', 'pending', 'system']).columnType('varchar(16)'),
    user: foreignKey(p.manyToOne(User).nullable(), 'ledger_account_user_fk'),
    // System accounts keep 0 here: their balance is the sum of their postings, so no single
    // row is locked by every entry (DESIGN.md "Hot rows").
    balance: p.bigint('number').default(0),
    held: p.bigint('number').default(0),
    // Set when the owner is merged into another user: the account takes no more points (a
    // trigger and the ledger functions refuse them), so nothing can strand there.
    closedAt: p.datetime().columnType('timestamptz').nullable(),
    createdAt: ts(p),
  }),
});

export const LedgerEntry = defineEntity({
  name: 'LedgerEntry',
  tableName: 'ledger_entry',
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    idempotencyKey: p.string().length(200).unique('ledger_entry_idempotency_key_uq'),
    kind: p.string().length(40),
    actor: p.string().length(200),
    reason: p.string().length(500),
    metadata: p.json<Record<string, unknown>>().columnType('jsonb').defaultRaw(`'{}'::jsonb`),
    // By name: the entity cannot name itself while it is being defined.
    reversesEntry: foreignKey(
      p.manyToOne('LedgerEntry' as never).nullable(),
      'ledger_entry_reverses_fk',
    ).unique('ledger_entry_reverses_uq'),
    holdId: p.bigint('number').nullable(),
    createdAt: ts(p),
  }),
});

export const LedgerPosting = defineEntity({
  name: 'LedgerPosting',
  tableName: 'ledger_posting',
  indexes: [
    { name: 'ledger_posting_entry_idx', properties: ['entryId'] },
    { name: 'ledger_posting_account_idx', properties: ['accountId', 'id'] },
  ],
  checks: [{ name: 'ledger_posting_amount_ck', expression: 'amount <> 0' }],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    entryId: p.bigint('number'),
    accountId: p.bigint('number'),
    amount: p.bigint('number'),
    createdAt: ts(p),
  }),
});

export const LedgerLot = defineEntity({
  name: 'LedgerLot',
  tableName: 'ledger_lot',
  // Debits look for the earliest-expiring lot that still holds points.
  indexes: [
    {
      name: 'ledger_lot_open_idx',
      expression:
        'create index ledger_lot_open_idx on ledger_lot (account_id, expires_at, id) where remaining > 0',
    },
  ],
  checks: [
    { name: 'ledger_lot_amount_ck', expression: 'amount > 0' },
    { name: 'ledger_lot_remaining_ck', expression: 'remaining >= 0 and remaining <= amount' },
  ],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    account: foreignKey(p.manyToOne(LedgerAccount), 'ledger_lot_account_fk'),
    entry: foreignKey(p.manyToOne(LedgerEntry), 'ledger_lot_entry_fk').index(
      'ledger_lot_entry_idx',
    ),
    amount: p.bigint('number'),
    remaining: p.bigint('number'),
    expiresAt: p.datetime().columnType('timestamptz').nullable(),
    createdAt: ts(p),
  }),
});

/** Which lots a debit consumed, so a reversal can give the points back to the same lots. */
export const LedgerLotUse = defineEntity({
  name: 'LedgerLotUse',
  tableName: 'ledger_lot_use',
  // A negative use is a give-back by a reversal.
  checks: [{ name: 'ledger_lot_use_amount_ck', expression: 'amount <> 0' }],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    entryId: p.bigint('number').index('ledger_lot_use_entry_idx'),
    lot: foreignKey(p.manyToOne(LedgerLot), 'ledger_lot_use_lot_fk'),
    amount: p.bigint('number'),
  }),
});

export const LedgerHold = defineEntity({
  name: 'LedgerHold',
  tableName: 'ledger_hold',
  indexes: [
    { name: 'ledger_hold_account_status_idx', properties: ['account', 'status'] },
    // The expiry job's scan of active holds.
    {
      name: 'ledger_hold_active_idx',
      expression:
        "create index ledger_hold_active_idx on ledger_hold (expires_at) where status = 'active'",
    },
  ],
  checks: [
    { name: 'ledger_hold_amount_ck', expression: 'amount > 0' },
    {
      name: 'ledger_hold_posted_ck',
      // as PostgreSQL prints it, which is what the generator compares
      expression:
        "((((status)::text = 'posted'::text) = (posted_amount IS NOT NULL)) AND ((COALESCE(posted_amount, (0)::bigint) >= 0) AND (COALESCE(posted_amount, (0)::bigint) <= amount)))",
    },
  ],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    account: foreignKey(p.manyToOne(LedgerAccount), 'ledger_hold_account_fk'),
    amount: p.bigint('number'),
    status: p
      .enum(['active', 'posted', 'voided', 'expired'])
      .columnType('varchar(16)')
      .default('active'),
    postedAmount: p.bigint('number').nullable(),
    entryId: p.bigint('number').nullable(),
    kind: p.string().length(40),
    actor: p.string().length(200),
    reason: p.string().length(500),
    metadata: p.json<Record<string, unknown>>().columnType('jsonb').defaultRaw(`'{}'::jsonb`),
    expiresAt: p.datetime().columnType('timestamptz'),
    createdAt: ts(p),
    resolvedAt: p.datetime().columnType('timestamptz').nullable(),
  }),
});

/** Stored outcomes of mutating requests, keyed by the caller's idempotency key. */
export const IdempotencyRecord = defineEntity({
  name: 'IdempotencyRecord',
  tableName: 'idempotency_record',
  properties: (p) => ({
    key: p.string().length(200).primary(),
    requestHash: p.string().length(64),
    status: p.integer().nullable(),
    response: p.json<unknown>().columnType('jsonb').nullable(),
    createdAt: ts(p),
  }),
});

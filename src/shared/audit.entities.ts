// The audit trail's table, written and read only through ./audit.ts.
import { defineEntity } from '@mikro-orm/core';

/** Who did what, for merges, grants, undos, role and rule changes, order status changes. */
export const AuditLog = defineEntity({
  name: 'AuditLog',
  tableName: 'audit_log',
  indexes: [{ name: 'audit_log_subject_idx', properties: ['subject', 'id'] }],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    actor: p.string().length(200),
    action: p.string().length(60),
    subject: p.string().length(120),
    details: p.json<Record<string, unknown>>().columnType('jsonb').defaultRaw(`'{}'::jsonb`),
    createdAt: p.datetime().columnType('timestamptz').defaultRaw('now()'),
  }),
});

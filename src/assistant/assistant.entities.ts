// The assistant's own tables: per-user dialog state (so a restart or a second instance continues
// a conversation), the editable FAQ knowledge base, and support tickets from human handoffs.
import { defineEntity } from '@mikro-orm/core';
import { foreignKey } from '../db/foreign-key.js';
import { User } from '../membership/user.entities.js';

export const AssistantSession = defineEntity({
  name: 'AssistantSession',
  tableName: 'assistant_session',
  properties: (p) => ({
    user: foreignKey(p.manyToOne(User).primary(), 'assistant_session_user_fk'),
    state: p.json<Record<string, unknown>>().columnType('jsonb').defaultRaw(`'{}'::jsonb`),
    updatedAt: p.datetime().columnType('timestamptz').defaultRaw('now()'),
  }),
});

export const FaqEntryRow = defineEntity({
  name: 'FaqEntryRow',
  tableName: 'faq_entry',
  properties: (p) => ({
    id: p.string().length(64).primary(),
    questionsZh: p.json<string[]>().columnType('jsonb'),
    questionsEn: p.json<string[]>().columnType('jsonb'),
    answerZh: p.text(),
    answerEn: p.text(),
    active: p.boolean().default(true),
    updatedAt: p.datetime().columnType('timestamptz').defaultRaw('now()'),
  }),
});

export const SupportTicket = defineEntity({
  name: 'SupportTicket',
  tableName: 'support_ticket',
  indexes: [{ name: 'support_ticket_status_idx', properties: ['status', 'id'] }],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    user: foreignKey(p.manyToOne(User), 'support_ticket_user_fk').index('support_ticket_user_idx'),
    channel: p.string().length(16),
    message: p.text(),
    transcript: p.json<unknown[]>().columnType('jsonb').defaultRaw(`'[]'::jsonb`),
    status: p.enum(['open', 'closed']).columnType('varchar(16)').default('open'),
    note: p.text().nullable(),
    createdAt: p.datetime().columnType('timestamptz').defaultRaw('now()'),
    closedAt: p.datetime().columnType('timestamptz').nullable(),
  }),
});

// Append-only audit trail of privileged or irreversible actions (merges, grants, undos,
// role and rule changes, order status changes).
import { query, type Em } from '../db/sql.js';

export interface AuditRecord {
  actor: string;
  action: string;
  subject: string;
  details?: Record<string, unknown>;
}

export async function audit(em: Em, r: AuditRecord): Promise<void> {
  await query(
    em,
    `insert into audit_log (actor, action, subject, details) values (?, ?, ?, ?::jsonb)`,
    [r.actor, r.action, r.subject, JSON.stringify(r.details ?? {})],
  );
}

export async function auditTrail(em: Em, subject: string, limit = 50) {
  const rows = await query<{
    id: string;
    actor: string;
    action: string;
    subject: string;
    details: Record<string, unknown>;
    created_at: Date;
  }>(
    em,
    `select id, actor, action, subject, details, created_at from audit_log where subject = ? order by id desc limit ?`,
    [subject, limit],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    actor: r.actor,
    action: r.action,
    subject: r.subject,
    details: r.details,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

// Read side of the ledger for account views that span merged users: the entry history of a
// set of users (a survivor and everyone merged into it, a family membership resolves).
import { query, type Em } from '../db/sql.js';
import { toEntryView, type EntryRow, type EntryView } from './ledger.queries.js';

/** Entries touching any of these users' accounts, newest first, one line per entry and account kind. */
export async function historyOf(
  em: Em,
  userIds: number[],
  opts: { limit?: number; cursor?: number } = {},
): Promise<{ items: EntryView[]; nextCursor: string | null }> {
  const limit = opts.limit ?? 20;
  const rows = await query<EntryRow>(
    em,
    `select e.id, e.kind, sum(p.amount) as amount, a.kind as account_kind, e.reason, e.actor, e.metadata, e.reverses_entry_id,
            (select r.id from ledger_entry r where r.reverses_entry_id = e.id) as reversed_by, e.created_at
       from ledger_posting p
       join ledger_account a on a.id = p.account_id and a.user_id = any(?::bigint[])
       join ledger_entry e on e.id = p.entry_id
      where (?::bigint is null or e.id < ?::bigint)
      group by e.id, a.kind
     having sum(p.amount) <> 0
      order by e.id desc, a.kind
      limit ?`,
    [`{${userIds.join(',')}}`, opts.cursor ?? null, opts.cursor ?? null, limit + 1],
  );
  const items = rows.slice(0, limit).map(toEntryView);
  return { items, nextCursor: rows.length > limit ? String(items[items.length - 1]!.id) : null };
}

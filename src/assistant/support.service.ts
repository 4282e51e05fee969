// Human handoff tickets and the editable FAQ knowledge base. The FAQ is seeded once from the
// built-in entries and kept in the database; every change rebuilds the retrieval index.
import { DomainError } from '../shared/errors.js';
import { inTransaction, query, queryOne, type Em } from '../db/sql.js';
import { claimSetting } from '../settings/settings.js';
import { createFaqIndex, type FaqIndex } from './nlu/faq.js';
import { SEED_FAQ, type FaqEntry } from './nlu/data/faq.js';

export interface TicketView {
  id: number;
  userId: number;
  channel: string;
  message: string;
  transcript: unknown[];
  status: 'open' | 'closed';
  note: string | null;
  createdAt: string;
  closedAt: string | null;
}

export interface FaqView extends FaqEntry {
  active: boolean;
  updatedAt: string;
}

type FaqRow = {
  id: string;
  questions_zh: string[];
  questions_en: string[];
  answer_zh: string;
  answer_en: string;
  active: boolean;
  updated_at: Date;
};
type TicketRow = {
  id: string;
  user_id: string;
  channel: string;
  message: string;
  transcript: unknown[];
  status: 'open' | 'closed';
  note: string | null;
  created_at: Date;
  closed_at: Date | null;
};

const toFaq = (r: FaqRow): FaqView => ({
  id: r.id,
  questions: { zh: r.questions_zh, en: r.questions_en },
  answer: { zh: r.answer_zh, en: r.answer_en },
  active: r.active,
  updatedAt: new Date(r.updated_at).toISOString(),
});
const toTicket = (r: TicketRow): TicketView => ({
  id: Number(r.id),
  userId: Number(r.user_id),
  channel: r.channel,
  message: r.message,
  transcript: r.transcript,
  status: r.status,
  note: r.note,
  createdAt: new Date(r.created_at).toISOString(),
  closedAt: r.closed_at ? new Date(r.closed_at).toISOString() : null,
});

/** Other instances may edit the FAQ too: the index is rebuilt at least this often. */
const INDEX_TTL_MS = 30_000;

export function createSupportService(deps: { em: Em }) {
  let index: FaqIndex | undefined;
  let indexBuiltAt = 0;
  let seeded: Promise<void> | undefined;

  /** The built-in entries on first use of a database that was never seeded (seedFaq is a no-op
   * once the `faq.seeded` marker exists, so entries an admin deleted stay deleted). */
  const ensureSeeded = () =>
    (seeded ??= seedFaq().catch((err) => {
      seeded = undefined;
      throw err;
    }));

  async function seedFaq(): Promise<void> {
    await inTransaction(deps.em, async (tx) => {
      if (!(await claimSetting(tx, 'faq.seeded', true))) return;
      for (const e of SEED_FAQ) {
        await query(
          tx,
          `insert into faq_entry (id, questions_zh, questions_en, answer_zh, answer_en) values (?, ?::jsonb, ?::jsonb, ?, ?) on conflict (id) do nothing`,
          [
            e.id,
            JSON.stringify(e.questions.zh),
            JSON.stringify(e.questions.en),
            e.answer.zh,
            e.answer.en,
          ],
        );
      }
    });
    index = undefined;
  }

  async function listFaq(opts: { includeInactive?: boolean } = {}): Promise<FaqView[]> {
    await ensureSeeded();
    const rows = await query<FaqRow>(
      deps.em,
      `select * from faq_entry ${opts.includeInactive ? '' : 'where active'} order by id`,
    );
    return rows.map(toFaq);
  }

  /** The retrieval index over the active entries, rebuilt after any change. */
  async function faqIndex(): Promise<FaqIndex> {
    if (!index || Date.now() - indexBuiltAt > INDEX_TTL_MS) {
      const entries = await listFaq();
      index = createFaqIndex(entries);
      indexBuiltAt = Date.now();
    }
    return index;
  }

  async function upsertFaq(e: FaqEntry & { active?: boolean }): Promise<FaqView> {
    await ensureSeeded();
    const row = await queryOne<FaqRow>(
      deps.em,
      `insert into faq_entry (id, questions_zh, questions_en, answer_zh, answer_en, active, updated_at)
       values (?, ?::jsonb, ?::jsonb, ?, ?, ?, now())
       on conflict (id) do update set questions_zh = excluded.questions_zh, questions_en = excluded.questions_en,
         answer_zh = excluded.answer_zh, answer_en = excluded.answer_en, active = excluded.active, updated_at = now()
       returning *`,
      [
        e.id,
        JSON.stringify(e.questions.zh),
        JSON.stringify(e.questions.en),
        e.answer.zh,
        e.answer.en,
        e.active ?? true,
      ],
    );
    index = undefined;
    return toFaq(row!);
  }

  async function deleteFaq(id: string): Promise<void> {
    await ensureSeeded();
    const rows = await query(
      deps.em,
      `update faq_entry set active = false, updated_at = now() where id = ? returning id`,
      [id],
    );
    if (!rows.length) throw new DomainError('not_found', `no FAQ entry ${id}`);
    index = undefined;
  }

  async function openTicket(input: {
    userId: number;
    channel: string;
    message: string;
    transcript?: unknown[];
  }): Promise<TicketView> {
    const row = await queryOne<TicketRow>(
      deps.em,
      `insert into support_ticket (user_id, channel, message, transcript) values (?, ?, ?, ?::jsonb) returning *`,
      [
        input.userId,
        input.channel,
        input.message.slice(0, 4000),
        JSON.stringify(input.transcript ?? []),
      ],
    );
    return toTicket(row!);
  }

  async function listTickets(
    opts: { status?: 'open' | 'closed'; limit?: number } = {},
  ): Promise<TicketView[]> {
    const rows = await query<TicketRow>(
      deps.em,
      `select * from support_ticket where (?::text is null or status = ?::text) order by id desc limit ?`,
      [opts.status ?? null, opts.status ?? null, opts.limit ?? 50],
    );
    return rows.map(toTicket);
  }

  async function closeTicket(id: number, note?: string): Promise<TicketView> {
    const row = await queryOne<TicketRow>(
      deps.em,
      `update support_ticket set status = 'closed', closed_at = now(), note = coalesce(?, note) where id = ? returning *`,
      [note ?? null, id],
    );
    if (!row) throw new DomainError('not_found', `no ticket ${id}`);
    return toTicket(row);
  }

  return { seedFaq, listFaq, faqIndex, upsertFaq, deleteFaq, openTicket, listTickets, closeTicket };
}

export type SupportService = ReturnType<typeof createSupportService>;

// The database itself refuses edits to history and unbalanced entries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../src/db/sql.js';
import { createHarness, newUser, type Harness } from './support/harness.js';

describe('ledger tampering', () => {
  let h: Harness;
  let entryId: number;
  beforeAll(async () => {
    h = await createHarness();
    const u = await newUser(h);
    entryId = (
      await h.services.ledger.credit({
        key: 'tamper-seed',
        userId: u.id,
        amount: 100,
        reason: 'seed',
        actor: 'test',
      })
    ).entryId;
  });
  afterAll(async () => h?.close());
  const sql = (text: string, params: unknown[] = []) => query(h.services.em, text, params);

  it('refuses UPDATE and DELETE of postings and entries', async () => {
    await expect(
      sql(`update ledger_posting set amount = amount * 2 where entry_id = ?`, [entryId]),
    ).rejects.toThrow(/append-only/);
    await expect(sql(`delete from ledger_posting where entry_id = ?`, [entryId])).rejects.toThrow(
      /append-only/,
    );
    await expect(
      sql(`update ledger_entry set reason = 'edited' where id = ?`, [entryId]),
    ).rejects.toThrow(/append-only/);
    await expect(sql(`delete from ledger_entry where id = ?`, [entryId])).rejects.toThrow(
      /append-only/,
    );
    await expect(sql(`truncate ledger_posting cascade`)).rejects.toThrow(/append-only/);
  });

  it('refuses an unbalanced entry inserted by SQL', async () => {
    const attempt = h.services.em.fork().transactional(async (tx) => {
      const [e] = await query<{ id: string }>(
        tx as never,
        `insert into ledger_entry (idempotency_key, kind, actor, reason) values ('forged', 'grant', 'x', 'x') returning id`,
      );
      await query(
        tx as never,
        `insert into ledger_posting (entry_id, account_id, amount) values (?, 1, -50), (?, 1, 40)`,
        [e!.id, e!.id],
      );
    });
    await expect(attempt).rejects.toThrow(/unbalanced/);
    const single = h.services.em.fork().transactional(async (tx) => {
      await query(
        tx as never,
        `insert into ledger_entry (idempotency_key, kind, actor, reason) values ('lonely', 'grant', 'x', 'x')`,
      );
    });
    await expect(single).rejects.toThrow(/unbalanced/);
    const extra = h.services.em.fork().transactional(async (tx) => {
      await query(
        tx as never,
        `insert into ledger_posting (entry_id, account_id, amount) values (?, 1, 5)`,
        [entryId],
      );
    });
    await expect(extra).rejects.toThrow(
      /append-only: entry \d+ was written by an earlier transaction/,
    );
    // Not even a balanced pair may be added to an entry written before.
    const pair = h.services.em.fork().transactional(async (tx) => {
      await query(
        tx as never,
        `insert into ledger_posting (entry_id, account_id, amount) values (?, 1, 5), (?, 2, -5)`,
        [entryId, entryId],
      );
    });
    await expect(pair).rejects.toThrow(
      /append-only: entry \d+ was written by an earlier transaction/,
    );
    const orphans = h.services.em.fork().transactional(async (tx) => {
      await query(
        tx as never,
        `insert into ledger_posting (entry_id, account_id, amount) values (987654321, 1, -5), (987654321, 2, 5)`,
      );
    });
    await expect(orphans).rejects.toThrow(/does not exist/);
    // One statement, two entries with their postings: the balanced one does not hide the other.
    const mixed = sql(
      `with e as (insert into ledger_entry (idempotency_key, kind, actor, reason)
                    values ('pair-a', 'grant', 'x', 'x'), ('pair-b', 'grant', 'x', 'x') returning id, idempotency_key as k)
       insert into ledger_posting (entry_id, account_id, amount)
         select e.id, p.account, case when e.k = 'pair-b' and p.account = 2 then 4 else p.amount end
           from e cross join (values (1, -5), (2, 5)) p(account, amount)`,
    );
    await expect(mixed).rejects.toThrow(/unbalanced \(2 postings summing to -1\)/);
    // An entry whose postings come in a later statement is refused at its own statement.
    const later = h.services.em.fork().transactional(async (tx) => {
      const [e] = await query<{ id: string }>(
        tx as never,
        `insert into ledger_entry (idempotency_key, kind, actor, reason) values ('later', 'grant', 'x', 'x') returning id`,
      );
      await query(
        tx as never,
        `insert into ledger_posting (entry_id, account_id, amount) values (?, 1, -5), (?, 2, 5)`,
        [e!.id, e!.id],
      );
    });
    await expect(later).rejects.toThrow(/ledger entry \d+ is unbalanced \(no postings\)/);
    // Entry and postings in one statement, balanced: accepted.
    const whole = await sql(
      `with e as (insert into ledger_entry (idempotency_key, kind, actor, reason) values ('whole', 'adjust', 'x', 'x') returning id)
       insert into ledger_posting (entry_id, account_id, amount) select e.id, p.account, p.amount from e cross join (values (1, -5), (2, 5)) p(account, amount)
       returning entry_id`,
    );
    expect(whole).toHaveLength(2);
    expect((await h.services.ledgerQueries.verify()).violations).toEqual([]);
  });

  it('refuses a negative wallet even from raw SQL', async () => {
    await expect(
      sql(`update ledger_account set balance = -1 where kind = 'wallet'`),
    ).rejects.toThrow(/ledger_account_non_negative_ck/);
    await expect(
      sql(`update ledger_account set held = balance + 1 where kind = 'wallet'`),
    ).rejects.toThrow(/ledger_account_non_negative_ck/);
    expect((await h.services.ledgerQueries.verify()).violations).toEqual([]);
  });
});

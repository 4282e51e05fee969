// Lots: default expiry, earliest-expiring first, breakage by the idempotent expiry job,
// reversals giving points back to their lots, and holds that protect expiring points.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../src/db/sql.js';
import { createHarness, newUser, uniqueKey, type Harness } from './support/harness.js';

describe('ledger lots and expiry', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.close());
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) =>
    query<T>(h.services.em, text, params);
  const credit = (userId: number, amount: number, expiresAt?: string | null) =>
    h.services.ledger.credit({
      key: uniqueKey('c'),
      userId,
      amount,
      reason: 'earn',
      actor: 'test',
      expiresAt,
    });
  const debit = (userId: number, amount: number) =>
    h.services.ledger.debit({
      key: uniqueKey('d'),
      userId,
      amount,
      reason: 'spend',
      actor: 'test',
    });
  const lots = (userId: number) =>
    sql<{ amount: string; remaining: string; expires_at: Date | null }>(
      `select l.amount, l.remaining, l.expires_at from ledger_lot l join ledger_account a on a.id = l.account_id where a.user_id = ? order by l.id`,
      [userId],
    );

  it('expires at the end of the 12th month after earning (Asia/Shanghai)', async () => {
    const u = await newUser(h);
    await credit(u.id, 10);
    const [lot] = await lots(u.id);
    const [{ expected }] = (await sql<{ expected: Date }>(
      `select (date_trunc('month', now() at time zone 'Asia/Shanghai') + interval '13 months') at time zone 'Asia/Shanghai' as expected`,
    )) as [{ expected: Date }];
    expect(new Date(lot!.expires_at!).toISOString()).toBe(new Date(expected).toISOString());
  });

  it('spends the earliest-expiring lots first, never-expiring last', async () => {
    const u = await newUser(h);
    await credit(u.id, 100, null);
    await credit(u.id, 100, '2030-01-01T00:00:00Z');
    await credit(u.id, 100, '2029-01-01T00:00:00Z');
    await debit(u.id, 150);
    expect((await lots(u.id)).map((l) => Number(l.remaining))).toEqual([100, 50, 0]);
  });

  it('opens lots without expiry for credits that never expire, alone or batched', async () => {
    const u = await newUser(h);
    await credit(u.id, 10, null);
    // Concurrent credits of one account ride in one batch, which goes operation by operation.
    await Promise.all(Array.from({ length: 6 }, () => credit(u.id, 1, null)));
    expect((await lots(u.id)).map((l) => l.expires_at)).toEqual(Array(7).fill(null));
  });

  it('moves expired remainders to breakage once, keeping held points', async () => {
    const u = await newUser(h);
    const { entryId } = await credit(u.id, 300, '2030-01-01T00:00:00Z');
    await credit(u.id, 50, null);
    await debit(u.id, 100);
    await h.services.ledger.reserve({
      key: uniqueKey('h'),
      userId: u.id,
      amount: 220,
      ttlSeconds: 600,
      reason: 'quote',
      actor: 'test',
    });
    await sql(`update ledger_lot set expires_at = now() - interval '1 second' where entry_id = ?`, [
      entryId,
    ]);
    const run1 = await h.services.ledger.runExpiry();
    expect(run1.points).toBeGreaterThan(0);
    // 250 left: 200 of the expired lot, 50 never expire; the hold of 220 keeps 170 of the expired lot.
    expect(await h.services.ledgerQueries.balance(u.id)).toMatchObject({
      balance: 220,
      held: 220,
      available: 0,
    });
    const run2 = await h.services.ledger.runExpiry();
    expect(run2.points).toBe(0);
    const [breakage] = await sql<{ s: string }>(
      `select coalesce(sum(p.amount), 0) as s from ledger_posting p join ledger_account a on a.id = p.account_id where a.code = 'breakage'`,
    );
    expect(Number(breakage!.s)).toBe(30);
    expect((await h.services.ledgerQueries.verify()).violations).toEqual([]);
  });

  it('expires points a hold protected once the hold is released', async () => {
    const u = await newUser(h);
    const { entryId } = await credit(u.id, 100, '2030-01-01T00:00:00Z');
    const { holdId } = await h.services.ledger.reserve({
      key: uniqueKey('h'),
      userId: u.id,
      amount: 60,
      ttlSeconds: 600,
      reason: 'quote',
      actor: 'test',
    });
    await sql(`update ledger_lot set expires_at = now() - interval '1 second' where entry_id = ?`, [
      entryId,
    ]);
    await h.services.ledger.runExpiry();
    expect(await h.services.ledgerQueries.balance(u.id)).toMatchObject({ balance: 60, held: 60 });
    await h.services.ledger.voidHold({ holdId });
    const run = await h.services.ledger.runExpiry();
    expect(run.points).toBe(60);
    expect(await h.services.ledgerQueries.balance(u.id)).toMatchObject({ balance: 0, held: 0 });
    expect((await h.services.ledgerQueries.verify()).violations).toEqual([]);
  });

  it('gives reversed spending back to the lots it came from', async () => {
    const u = await newUser(h);
    await credit(u.id, 100, '2031-01-01T00:00:00Z');
    await credit(u.id, 100, '2032-01-01T00:00:00Z');
    const spend = await debit(u.id, 150);
    await h.services.ledger.reverse({
      entryId: spend.entryId,
      key: uniqueKey('r'),
      actor: 'test',
      reason: 'refund',
    });
    expect((await lots(u.id)).map((l) => Number(l.remaining))).toEqual([100, 100]);
    expect((await h.services.ledgerQueries.verify()).violations).toEqual([]);
  });

  const breakageTotal = async () => {
    const [row] = await sql<{ s: string }>(
      `select coalesce(sum(p.amount), 0) as s from ledger_posting p join ledger_account a on a.id = p.account_id where a.code = 'breakage'`,
    );
    return Number(row!.s);
  };
  const expire = (entryId: number) =>
    sql(`update ledger_lot set expires_at = now() - interval '1 second' where entry_id = ?`, [
      entryId,
    ]);

  it('never spends points past their expiry, even before the expiry job has run', async () => {
    const u = await newUser(h);
    const old = await credit(u.id, 100, '2030-01-01T00:00:00Z');
    await credit(u.id, 50, '2031-01-01T00:00:00Z');
    await expire(old.entryId);
    // The balance users see already leaves them out, and so does the list of coming expiries.
    expect(await h.services.ledgerQueries.balance(u.id)).toMatchObject({
      balance: 50,
      available: 50,
      expiring: [{ amount: 50, expiresAt: '2031-01-01T00:00:00.000Z' }],
    });
    const before = await breakageTotal();
    await expect(debit(u.id, 80)).rejects.toMatchObject({ code: 'insufficient_points' });
    await expect(
      h.services.ledger.reserve({
        key: uniqueKey('h'),
        userId: u.id,
        amount: 80,
        ttlSeconds: 600,
        reason: 'q',
        actor: 'test',
      }),
    ).rejects.toMatchObject({ code: 'insufficient_points' });
    // The refused debit moved the expired points to breakage first, with an entry of their own.
    expect((await breakageTotal()) - before).toBe(100);
    await expect(debit(u.id, 50)).resolves.toMatchObject({ balance: 0 });
    expect((await h.services.ledger.runExpiry()).points).toBe(0);
    expect((await h.services.ledgerQueries.verify()).violations).toEqual([]);
  });

  it('expires due points before a batch of concurrent debits spends them', async () => {
    const users = await Promise.all(Array.from({ length: 6 }, () => newUser(h)));
    for (const u of users) {
      const old = await credit(u.id, 100, '2030-01-01T00:00:00Z');
      await credit(u.id, 30, null);
      await expire(old.entryId);
    }
    const results = await Promise.allSettled(users.map((u) => debit(u.id, 40)));
    expect(
      results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as { code: string }).code)),
    ).toEqual(users.map(() => 'insufficient_points'));
    for (const u of users)
      expect(await h.services.ledgerQueries.balance(u.id)).toMatchObject({
        balance: 30,
        available: 30,
      });
    expect((await h.services.ledgerQueries.verify()).violations).toEqual([]);
  });

  it('takes the expired part of a reversed grant back from breakage, not from the user again', async () => {
    const u = await newUser(h);
    const grant = await credit(u.id, 100, '2030-01-01T00:00:00Z');
    await debit(u.id, 30);
    await expire(grant.entryId);
    expect((await h.services.ledger.runExpiry()).points).toBe(70);
    await credit(u.id, 100, null);
    const before = await breakageTotal();
    // 30 of the grant were spent (taken back from the user's points), 70 expired (from breakage).
    await h.services.ledger.reverse({
      entryId: grant.entryId,
      key: uniqueKey('r'),
      actor: 'test',
      reason: 'granted by mistake',
    });
    expect(await h.services.ledgerQueries.balance(u.id)).toMatchObject({ balance: 70 });
    expect((await breakageTotal()) - before).toBe(-70);
    expect((await h.services.ledgerQueries.verify()).violations).toEqual([]);
  });

  it('gives a reversed debit back to its lots with their own expiry, so expired points stay expired', async () => {
    const u = await newUser(h);
    const grant = await credit(u.id, 100, '2030-01-01T00:00:00Z');
    await credit(u.id, 20, null);
    const spend = await debit(u.id, 60);
    await expire(grant.entryId);
    expect((await h.services.ledger.runExpiry()).points).toBe(40);
    await h.services.ledger.reverse({
      entryId: spend.entryId,
      key: uniqueKey('r'),
      actor: 'test',
      reason: 'refund',
    });
    // The 60 went back to the expired lot, not into a fresh year: not spendable, and the next run takes them.
    expect(await h.services.ledgerQueries.balance(u.id)).toMatchObject({
      balance: 20,
      expiring: [],
    });
    expect((await h.services.ledger.runExpiry()).points).toBe(60);
    expect((await h.services.ledgerQueries.verify()).violations).toEqual([]);
  });

  it('gives the points of a reversed expiry back as a new lot with the default expiry', async () => {
    const u = await newUser(h);
    const grant = await credit(u.id, 100, '2030-01-01T00:00:00Z');
    await expire(grant.entryId);
    await h.services.ledger.runExpiry();
    const [expiry] = await sql<{ id: string }>(
      `select e.id from ledger_entry e join ledger_posting p on p.entry_id = e.id join ledger_account a on a.id = p.account_id
        where e.kind = 'expire' and a.user_id = ?`,
      [u.id],
    );
    await h.services.ledger.reverse({
      entryId: Number(expiry!.id),
      key: uniqueKey('r'),
      actor: 'test',
      reason: 'goodwill',
    });
    const view = await h.services.ledgerQueries.balance(u.id);
    expect(view).toMatchObject({ balance: 100, available: 100 });
    expect(view.expiring).toHaveLength(1);
    expect(Date.parse(view.expiring[0]!.expiresAt)).toBeGreaterThan(Date.now() + 300 * 86_400_000);
    expect((await h.services.ledgerQueries.verify()).violations).toEqual([]);
  });

  it('refuses to reverse an expiry whose points a reversed credit already took back from breakage', async () => {
    const u = await newUser(h);
    const grant = await credit(u.id, 100, '2030-01-01T00:00:00Z');
    await credit(u.id, 100, null);
    await expire(grant.entryId);
    await h.services.ledger.runExpiry();
    const [expiry] = await sql<{ id: string }>(
      `select distinct u.entry_id as id from ledger_lot_use u join ledger_lot l on l.id = u.lot_id where l.entry_id = ?`,
      [grant.entryId],
    );
    await h.services.ledger.reverse({
      entryId: grant.entryId,
      key: uniqueKey('r'),
      actor: 'test',
      reason: 'mistake',
    });
    await expect(
      h.services.ledger.reverse({
        entryId: Number(expiry!.id),
        key: uniqueKey('r'),
        actor: 'test',
        reason: 'goodwill',
      }),
    ).rejects.toMatchObject({ code: 'not_reversible' });
    expect(await h.services.ledgerQueries.balance(u.id)).toMatchObject({ balance: 100 });
    expect((await h.services.ledgerQueries.verify()).violations).toEqual([]);
  });

  it('ends in the same place whichever of a spent-and-expired credit and its spending is reversed first', async () => {
    for (const order of ['credit first', 'spending first']) {
      const u = await newUser(h);
      const grant = await credit(u.id, 100, '2030-01-01T00:00:00Z');
      await credit(u.id, 100, '2032-01-01T00:00:00Z');
      const spend = await debit(u.id, 30);
      await expire(grant.entryId);
      await h.services.ledger.runExpiry();
      const reverse = (entryId: number) =>
        h.services.ledger.reverse({ entryId, key: uniqueKey('r'), actor: 'test', reason: order });
      for (const entryId of order === 'credit first'
        ? [grant.entryId, spend.entryId]
        : [spend.entryId, grant.entryId])
        await reverse(entryId);
      await h.services.ledger.runExpiry();
      // The credit never happened and the spending never happened: the other 100 are all there.
      expect({ order, ...(await h.services.ledgerQueries.balance(u.id)) }).toMatchObject({
        order,
        balance: 100,
        available: 100,
      });
    }
    expect((await h.services.ledgerQueries.verify()).violations).toEqual([]);
  });

  it('reverses an entry with several credits to one account, one of them expired', async () => {
    const a = await newUser(h);
    const b = await newUser(h);
    await credit(a.id, 150, '2033-01-01T00:00:00Z');
    const accA = await h.services.ledger.userAccount(a.id);
    const accB = await h.services.ledger.userAccount(b.id);
    // Like a merge of linked accounts: one posting per expiry date.
    const move = await h.services.ledger.postEntry({
      key: uniqueKey('m'),
      kind: 'merge',
      actor: 'test',
      reason: 'merge',
      postings: [
        { account: accA, amount: -150 },
        { account: accB, amount: 100, expiresAt: '2030-01-01T00:00:00Z' },
        { account: accB, amount: 50, expiresAt: '2034-01-01T00:00:00Z' },
      ],
    });
    await sql(
      `update ledger_lot set expires_at = now() - interval '1 second' where entry_id = ? and amount = 100`,
      [move.entryId],
    );
    expect((await h.services.ledger.runExpiry()).points).toBe(100);
    await h.services.ledger.reverse({
      entryId: move.entryId,
      key: uniqueKey('r'),
      actor: 'test',
      reason: 'undo merge',
    });
    expect(await h.services.ledgerQueries.balance(a.id)).toMatchObject({ balance: 150 });
    expect(await h.services.ledgerQueries.balance(b.id)).toMatchObject({ balance: 0 });
    expect((await h.services.ledgerQueries.verify()).violations).toEqual([]);
  });

  it('releases expired holds on the database clock', async () => {
    const u = await newUser(h, { balance: 500 });
    const { holdId } = await h.services.ledger.reserve({
      key: uniqueKey('h'),
      userId: u.id,
      amount: 500,
      ttlSeconds: 600,
      reason: 'q',
      actor: 'test',
    });
    await sql(`update ledger_hold set expires_at = now() - interval '1 second' where id = ?`, [
      holdId,
    ]);
    expect((await h.services.ledgerQueries.balance(u.id)).available).toBe(500);
    await expect(h.services.ledger.postHold({ holdId })).rejects.toMatchObject({
      code: 'hold_expired',
    });
    await expect(debit(u.id, 500)).resolves.toMatchObject({ balance: 0 });
    expect((await h.services.ledgerQueries.verify()).violations).toEqual([]);
  });
});

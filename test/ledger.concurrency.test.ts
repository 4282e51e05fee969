// Races on real PostgreSQL with many connections: the database, not luck, keeps the ledger right.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../src/shared/errors.js';
import { query } from '../src/db/sql.js';
import { createHarness, newUser, postgresAvailable, uniqueKey, type Harness } from './support/harness.js';

const pg = postgresAvailable();
if (!pg) console.warn('[ledger.concurrency] SKIPPED: needs PostgreSQL at TEST_DATABASE_URL (PGlite has one connection)');

const settle = <T>(ps: Promise<T>[]) => Promise.allSettled(ps);
const codeOf = (r: PromiseSettledResult<unknown>) => (r.status === 'rejected' ? (r.reason as DomainError).code ?? String(r.reason) : 'ok');

describe.runIf(pg)('ledger concurrency on PostgreSQL', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ kind: 'postgres', poolMax: 24 });
  });
  afterAll(async () => h?.close());
  const ledger = () => h.services.ledger;
  const verify = async () => expect((await h.services.ledgerQueries.verify()).violations).toEqual([]);

  it('50 concurrent 100-point deductions from 700: exactly 7 succeed, balance 0', async () => {
    const u = await newUser(h, { balance: 700 });
    const results = await settle(
      Array.from({ length: 50 }, () => ledger().debit({ key: uniqueKey('d'), userId: u.id, amount: 100, reason: 'race', actor: 'test' })),
    );
    const codes = results.map(codeOf);
    expect(codes.filter((c) => c === 'ok')).toHaveLength(7);
    expect(codes.filter((c) => c === 'insufficient_points')).toHaveLength(43);
    expect((await h.services.ledgerQueries.balance(u.id)).balance).toBe(0);
    await verify();
  });

  it('six concurrent holds of 1000 on 5000: exactly five', async () => {
    const u = await newUser(h, { balance: 5000 });
    const results = await settle(
      Array.from({ length: 6 }, () => ledger().reserve({ key: uniqueKey('h'), userId: u.id, amount: 1000, ttlSeconds: 60, reason: 'race', actor: 'test' })),
    );
    expect(results.map(codeOf).sort()).toEqual(['insufficient_points', 'ok', 'ok', 'ok', 'ok', 'ok']);
    expect(await h.services.ledgerQueries.balance(u.id)).toMatchObject({ balance: 5000, held: 5000, available: 0 });
    await verify();
  });

  it('500 A→B transfers racing 500 B→A finish without a deadlock reaching the caller', async () => {
    const a = await newUser(h, { balance: 100_000 });
    const b = await newUser(h, { balance: 100_000 });
    const accA = await ledger().userAccount(a.id);
    const accB = await ledger().userAccount(b.id);
    const transfer = (from: number, to: number) =>
      ledger().postEntry({ key: uniqueKey('t'), kind: 'transfer', actor: 'test', reason: 'race', postings: [{ account: from, amount: -7 }, { account: to, amount: 7 }] });
    const jobs: Promise<unknown>[] = [];
    for (let i = 0; i < 500; i++) jobs.push(transfer(accA, accB), transfer(accB, accA));
    const results = await settle(jobs);
    expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    expect((await h.services.ledgerQueries.balance(a.id)).balance).toBe(100_000);
    expect((await h.services.ledgerQueries.balance(b.id)).balance).toBe(100_000);
    await verify();
  });

  it('100 concurrent copies of one idempotent request make one entry', async () => {
    const u = await newUser(h);
    const key = uniqueKey('same');
    const results = await settle(
      Array.from({ length: 100 }, () => ledger().credit({ key, userId: u.id, amount: 25, reason: 'once', actor: 'test' })),
    );
    expect(results.map(codeOf).filter((c) => c !== 'ok')).toEqual([]);
    const ids = new Set(results.map((r) => (r as PromiseFulfilledResult<{ entryId: number }>).value.entryId));
    expect(ids.size).toBe(1);
    const rows = await query(h.services.em, `select count(*)::int as n from ledger_entry where idempotency_key = ?`, [key]);
    expect(rows[0]).toEqual({ n: 1 });
    expect((await h.services.ledgerQueries.balance(u.id)).balance).toBe(25);
    await verify();
  });

  it('post, void and expiry racing on one hold end in one final state', async () => {
    for (let round = 0; round < 10; round++) {
      const u = await newUser(h, { balance: 1000 });
      const { holdId } = await ledger().reserve({ key: uniqueKey('h'), userId: u.id, amount: 400, ttlSeconds: 60, reason: 'race', actor: 'test' });
      // Half the rounds the hold is already due, so the expiry job is a real contender.
      if (round % 2) await query(h.services.em, `update ledger_hold set expires_at = now() + interval '30 milliseconds' where id = ?`, [holdId]);
      const results = await settle<unknown>([
        ledger().postHold({ holdId, key: uniqueKey('p') }),
        ledger().voidHold({ holdId, key: uniqueKey('v') }),
        new Promise((r) => setTimeout(r, 30)).then(() => ledger().runExpiry()),
        ledger().postHold({ holdId, amount: 100, key: uniqueKey('p') }),
      ]);
      const resolvers = [results[0], results[1], results[3]].filter((r) => r.status === 'fulfilled');
      expect(resolvers.length).toBeLessThanOrEqual(1);
      const [hold] = await query<{ status: string; posted_amount: string | null }>(h.services.em, `select status, posted_amount from ledger_hold where id = ?`, [holdId]);
      const balance = await h.services.ledgerQueries.balance(u.id);
      expect(balance.held).toBe(0);
      if (hold!.status === 'posted') expect(balance.balance).toBe(1000 - Number(hold!.posted_amount));
      else expect(balance.balance).toBe(1000);
      if (resolvers.length === 0) expect(hold!.status).toBe('expired');
    }
    await verify();
  });
});

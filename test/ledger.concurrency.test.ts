// Races on real PostgreSQL with many connections: the database, not luck, keeps the ledger right.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../src/shared/errors.js';
import { query } from '../src/db/sql.js';
import {
  createHarness,
  newUser,
  postgresAvailable,
  uniqueKey,
  type Harness,
} from './support/harness.js';

const pg = postgresAvailable();
if (!pg)
  console.warn(
    '[ledger.concurrency] SKIPPED: needs PostgreSQL at TEST_DATABASE_URL (PGlite has one connection)',
  );

const settle = <T>(ps: Promise<T>[]) => Promise.allSettled(ps);
const codeOf = (r: PromiseSettledResult<unknown>) =>
  r.status === 'rejected' ? ((r.reason as DomainError).code ?? String(r.reason)) : 'ok';

// Each race runs twice: with one call per transaction on up to 24 connections at once, where
// only the row locks and constraints keep the ledger right, and with the default batching,
// where concurrent calls share transactions (the set-based path for transfers of distinct users).
const modes: { mode: string; env: Record<string, string> }[] = [
  {
    mode: 'one call per transaction',
    env: { LEDGER_BATCH_IN_FLIGHT: '24', LEDGER_BATCH_MAX: '1' },
  },
  { mode: 'batched calls (the default)', env: {} },
];

describe.runIf(pg).each(modes)('ledger concurrency on PostgreSQL: $mode', ({ env }) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ kind: 'postgres', poolMax: 24, env });
  });
  afterAll(async () => h?.close());
  const ledger = () => h.services.ledger;
  const verify = async () =>
    expect((await h.services.ledgerQueries.verify()).violations).toEqual([]);

  it('50 concurrent 100-point deductions from 700: exactly 7 succeed, balance 0', async () => {
    const u = await newUser(h, { balance: 700 });
    const results = await settle(
      Array.from({ length: 50 }, () =>
        ledger().debit({
          key: uniqueKey('d'),
          userId: u.id,
          amount: 100,
          reason: 'race',
          actor: 'test',
        }),
      ),
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
      Array.from({ length: 6 }, () =>
        ledger().reserve({
          key: uniqueKey('h'),
          userId: u.id,
          amount: 1000,
          ttlSeconds: 60,
          reason: 'race',
          actor: 'test',
        }),
      ),
    );
    expect(results.map(codeOf).sort()).toEqual([
      'insufficient_points',
      'ok',
      'ok',
      'ok',
      'ok',
      'ok',
    ]);
    expect(await h.services.ledgerQueries.balance(u.id)).toMatchObject({
      balance: 5000,
      held: 5000,
      available: 0,
    });
    await verify();
  });

  it('500 A→B transfers racing 500 B→A finish without a deadlock reaching the caller', async () => {
    const a = await newUser(h, { balance: 100_000 });
    const b = await newUser(h, { balance: 100_000 });
    const accA = await ledger().userAccount(a.id);
    const accB = await ledger().userAccount(b.id);
    const transfer = (from: number, to: number) =>
      ledger().postEntry({
        key: uniqueKey('t'),
        kind: 'transfer',
        actor: 'test',
        reason: 'race',
        postings: [
          { account: from, amount: -7 },
          { account: to, amount: 7 },
        ],
      });
    const jobs: Promise<unknown>[] = [];
    for (let i = 0; i < 500; i++) jobs.push(transfer(accA, accB), transfer(accB, accA));
    const results = await settle(jobs);
    expect(
      results
        .filter((r) => r.status === 'rejected')
        .map((r) => String((r as PromiseRejectedResult).reason)),
    ).toEqual([]);
    expect((await h.services.ledgerQueries.balance(a.id)).balance).toBe(100_000);
    expect((await h.services.ledgerQueries.balance(b.id)).balance).toBe(100_000);
    await verify();
  });

  it('100 concurrent copies of one idempotent request make one entry', async () => {
    const u = await newUser(h);
    const key = uniqueKey('same');
    const results = await settle(
      Array.from({ length: 100 }, () =>
        ledger().credit({ key, userId: u.id, amount: 25, reason: 'once', actor: 'test' }),
      ),
    );
    expect(results.map(codeOf).filter((c) => c !== 'ok')).toEqual([]);
    const values = results.map(
      (r) => (r as PromiseFulfilledResult<{ entryId: number; replayed: boolean }>).value,
    );
    expect(new Set(values.map((v) => v.entryId)).size).toBe(1);
    expect(values.filter((v) => !v.replayed)).toHaveLength(1);
    const rows = await query(
      h.services.em,
      `select count(*)::int as n from ledger_entry where idempotency_key = ?`,
      [key],
    );
    expect(rows[0]).toEqual({ n: 1 });
    expect((await h.services.ledgerQueries.balance(u.id)).balance).toBe(25);
    await verify();
  });

  it('post, void and expiry racing on one hold end in one final state', async () => {
    const seen = new Set<string>();
    for (let round = 0; round < 12; round++) {
      const u = await newUser(h, { balance: 1000 });
      const { holdId } = await ledger().reserve({
        key: uniqueKey('h'),
        userId: u.id,
        amount: 400,
        ttlSeconds: 60,
        reason: 'race',
        actor: 'test',
      });
      // A third of the rounds the hold is live, a third it falls due during the race, a third it
      // is already due: then the database clock must win over post and void.
      const due = [
        "now() + interval '60 seconds'",
        "now() + interval '3 milliseconds'",
        "now() - interval '1 second'",
      ][round % 3];
      await query(h.services.em, `update ledger_hold set expires_at = ${due} where id = ?`, [
        holdId,
      ]);
      const calls = [
        { outcome: 'posted 400', run: () => ledger().postHold({ holdId, key: uniqueKey('p') }) },
        { outcome: 'voided', run: () => ledger().voidHold({ holdId, key: uniqueKey('v') }) },
        {
          outcome: 'posted 100',
          run: () => ledger().postHold({ holdId, amount: 100, key: uniqueKey('p') }),
        },
      ];
      const results = await settle<unknown>([
        ...calls.map((c) => c.run()),
        ledger().runExpiry(),
        new Promise((r) => setTimeout(r, 5)).then(() => ledger().runExpiry()),
      ]);
      // The losers are told why, in the domain's words, never with a database error.
      const codes = results.slice(0, 3).map(codeOf);
      for (const code of codes) expect(['ok', 'hold_not_active', 'hold_expired']).toContain(code);
      expect(results.slice(3).map(codeOf)).toEqual(['ok', 'ok']);
      const winners = calls.filter((_, i) => codes[i] === 'ok').map((c) => c.outcome);
      expect(winners.length).toBeLessThanOrEqual(1);

      const [hold] = await query<{ status: string; posted_amount: string | null }>(
        h.services.em,
        `select status, posted_amount from ledger_hold where id = ?`,
        [holdId],
      );
      const final = hold!.status === 'posted' ? `posted ${hold!.posted_amount}` : hold!.status;
      expect(final).toBe(winners[0] ?? 'expired');
      if (round % 3 === 2) expect(final).toBe('expired');
      seen.add(final === 'expired' ? 'expired' : 'resolved');
      const balance = await h.services.ledgerQueries.balance(u.id);
      expect(balance.held).toBe(0);
      expect(balance.balance).toBe(
        final.startsWith('posted') ? 1000 - Number(hold!.posted_amount) : 1000,
      );
    }
    expect([...seen].sort()).toEqual(['expired', 'resolved']);
    await verify();
  });

  it("a reversal that waited while an expiry run took the credit's points takes them back from breakage", async () => {
    const u = await newUser(h);
    const grant = await ledger().credit({
      key: uniqueKey('g'),
      userId: u.id,
      amount: 100,
      reason: 'race',
      actor: 'test',
      expiresAt: '2030-01-01T00:00:00Z',
    });
    await ledger().credit({
      key: uniqueKey('g'),
      userId: u.id,
      amount: 100,
      reason: 'race',
      actor: 'test',
      expiresAt: null,
    });
    const account = await ledger().userAccount(u.id);
    const breakage = await ledger().systemAccount('breakage');
    await query(
      h.services.em,
      `update ledger_lot set expires_at = now() + interval '1 second' where entry_id = ?`,
      [grant.entryId],
    );
    const signal = () => {
      let fire!: () => void;
      return { done: new Promise<void>((r) => (fire = r)), fire: () => fire() };
    };
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    // T0 holds the entry, so the reversal starts (and takes its clock) before the lot is due,
    // then waits; an expiry run takes the lot meanwhile and commits while the reversal waits
    // for the account.
    const t0Locked = signal();
    const t0Release = signal();
    const t0 = h.services.em.fork().transactional(async (tx) => {
      await query(tx as never, `select id from ledger_entry where id = ? for update`, [
        grant.entryId,
      ]);
      t0Locked.fire();
      await t0Release.done;
    });
    await t0Locked.done;
    const reversal = ledger().reverse({
      entryId: grant.entryId,
      key: uniqueKey('r'),
      actor: 'test',
      reason: 'race',
    });
    await sleep(1300);
    await h.services.em.fork().transactional(async (tx) => {
      const [row] = await query<{ n: string }>(tx as never, `select xf_expire_account(?, ?) as n`, [
        account,
        breakage,
      ]);
      expect(Number(row!.n)).toBe(100);
      t0Release.fire();
      await t0;
      await sleep(300);
    });
    await expect(reversal).resolves.toMatchObject({ replayed: false });
    expect((await h.services.ledgerQueries.balance(u.id)).balance).toBe(100);
    await verify();
  });

  it('takes account locks in ascending order even where expired points are swept first: no deadlock at all', async () => {
    const deadlocks = async () => {
      // Backends report their counts when idle, at most once a second.
      await new Promise((r) => setTimeout(r, 1100));
      const [row] = await query<{ n: string }>(
        h.services.em,
        `select deadlocks as n from pg_stat_database where datname = current_database()`,
      );
      return Number(row!.n);
    };
    const a = await newUser(h, { balance: 10_000 });
    const b = await newUser(h);
    const old = await ledger().credit({
      key: uniqueKey('g'),
      userId: b.id,
      amount: 500,
      reason: 'race',
      actor: 'test',
      expiresAt: '2030-01-01T00:00:00Z',
    });
    // B keeps a due lot that a hold covers, so every debit of B meets expired points.
    await ledger().reserve({
      key: uniqueKey('h'),
      userId: b.id,
      amount: 500,
      ttlSeconds: 600,
      reason: 'race',
      actor: 'test',
    });
    await query(
      h.services.em,
      `update ledger_lot set expires_at = now() - interval '1 second' where entry_id = ?`,
      [old.entryId],
    );
    const [accA, accB] = [await ledger().userAccount(a.id), await ledger().userAccount(b.id)];
    const transfer = (from: number, to: number) =>
      ledger().postEntry({
        key: uniqueKey('t'),
        kind: 'transfer',
        actor: 'test',
        reason: 'race',
        postings: [
          { account: from, amount: -5 },
          { account: to, amount: 5 },
        ],
      });
    const earlier = await Promise.all(Array.from({ length: 20 }, () => transfer(accA, accB)));
    const before = await deadlocks();
    const jobs: Promise<unknown>[] = earlier.map((t) =>
      ledger().reverse({ entryId: t.entryId, key: uniqueKey('r'), actor: 'test', reason: 'race' }),
    );
    for (let i = 0; i < 60; i++) jobs.push(transfer(accA, accB), transfer(accB, accA));
    const results = await settle(jobs);
    // B can only spend what it received: some of its debits are refused, nothing else fails.
    expect(results.map(codeOf).filter((c) => c !== 'ok' && c !== 'insufficient_points')).toEqual(
      [],
    );
    expect((await deadlocks()) - before).toBe(0);
    await verify();
  });

  it('many users granting and spending at once: every balance is what its successful calls add up to', async () => {
    const users = await Promise.all(
      Array.from({ length: 40 }, () => newUser(h, { balance: 1000 })),
    );
    // A fixed pseudo-random mix, so a failure can be replayed.
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    const ops = Array.from({ length: 800 }, () => ({
      user: users[next() % users.length]!,
      credit: next() % 3 === 0,
      amount: 1 + (next() % 400),
    }));
    const results = await settle(
      ops.map((o) => {
        const req = {
          key: uniqueKey('mix'),
          userId: o.user.id,
          amount: o.amount,
          reason: 'mix',
          actor: 'test',
        };
        return o.credit ? ledger().credit(req) : ledger().debit(req);
      }),
    );
    const codes = results.map(codeOf);
    expect(codes.filter((c) => c !== 'ok' && c !== 'insufficient_points')).toEqual([]);
    expect(codes.filter((c) => c === 'insufficient_points').length).toBeGreaterThan(0);
    const expected = new Map(users.map((u) => [u.id, 1000]));
    ops.forEach((o, i) => {
      if (codes[i] === 'ok')
        expected.set(o.user.id, expected.get(o.user.id)! + (o.credit ? o.amount : -o.amount));
    });
    for (const u of users)
      expect((await h.services.ledgerQueries.balance(u.id)).balance).toBe(expected.get(u.id));
    await verify();
  });
});

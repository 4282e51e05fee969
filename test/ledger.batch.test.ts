// The set-based batch path (xf_batch_fast): which batches it takes, that it writes exactly what
// the per-operation path writes, and that everything else falls back to that path.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query, queryOne } from '../src/db/sql.js';
import {
  createHarness,
  newUser,
  postgresAvailable,
  uniqueKey,
  type Harness,
} from './support/harness.js';

type Op = { fn: string; p: Record<string, unknown> };
type Result = {
  status: string;
  entryId?: number;
  code?: string;
  replayed?: boolean;
  accounts?: Record<string, { balance: number; held: number }>;
};

if (!postgresAvailable())
  console.warn(
    '[ledger.batch] SKIPPED "a copy of a request committed meanwhile…": needs a second PostgreSQL connection (TEST_DATABASE_URL)',
  );

describe('ledger batches', () => {
  let h: Harness;
  let issuance: number;
  let redemption: number;
  beforeAll(async () => {
    h = await createHarness();
    issuance = await h.services.ledger.systemAccount('issuance');
    redemption = await h.services.ledger.systemAccount('redemption');
  });
  afterAll(async () => h?.close());

  const sql = <T>(text: string, params: unknown[] = []) => query<T>(h.services.em, text, params);
  const transfer = (
    key: string,
    postings: { account: number; amount: number; expires_at?: string }[],
  ): Op => ({
    fn: 'xf_transfer',
    p: {
      key,
      hash: `hash-${key}`,
      kind: 'grant.admin',
      actor: 'test',
      reason: 'batch',
      metadata: {},
      postings,
      expiry_months: 12,
      expiry_tz: 'Asia/Shanghai',
    },
  });
  const grant = (account: number, amount: number, key = uniqueKey('g')) =>
    transfer(key, [
      { account: issuance, amount: -amount },
      { account, amount },
    ]);
  const deduct = (account: number, amount: number, key = uniqueKey('d')) =>
    transfer(key, [
      { account, amount: -amount },
      { account: redemption, amount },
    ]);
  const fast = async (ops: Op[]) =>
    (await queryOne<{ r: Result[] | null }>(h.services.em, `select xf_batch_fast(?::jsonb) as r`, [
      JSON.stringify(ops),
    ]))!.r;
  const batch = async (ops: Op[]) =>
    (await queryOne<{ r: Result[] }>(h.services.em, `select xf_batch(?::jsonb) as r`, [
      JSON.stringify(ops),
    ]))!.r;
  const wallet = async (balance = 0) =>
    h.services.ledger.userAccount((await newUser(h, { balance })).id);
  const verify = async () =>
    expect((await h.services.ledgerQueries.verify()).violations).toEqual([]);

  it('applies a clean batch set-based, with the same entries, lots and replays as one by one', async () => {
    const [a, b, c] = [await wallet(0), await wallet(500), await wallet(50)];
    const ops = [grant(a, 120), deduct(b, 200), grant(c, 30)];
    const results = await fast(ops);
    expect(results).not.toBeNull();
    expect(results!.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expect(results![0]!.accounts).toEqual({ [a]: { balance: 120, held: 0 } });
    expect(results![1]!.accounts).toEqual({ [b]: { balance: 300, held: 0 } });
    expect(results![2]!.accounts).toEqual({ [c]: { balance: 80, held: 0 } });
    const [entry] = await sql<{ kind: string; actor: string; n: string }>(
      `select e.kind, e.actor, (select count(*) from ledger_posting p where p.entry_id = e.id) as n from ledger_entry e where e.id = ?`,
      [results![0]!.entryId],
    );
    expect({ ...entry, n: Number(entry!.n) }).toMatchObject({
      kind: 'grant.admin',
      actor: 'test',
      n: 2,
    });
    const lots = await sql<{ amount: string; remaining: string; expires_at: Date | null }>(
      `select amount, remaining, expires_at from ledger_lot where entry_id = ?`,
      [results![0]!.entryId],
    );
    expect(lots).toHaveLength(1);
    expect([Number(lots[0]!.amount), Number(lots[0]!.remaining)]).toEqual([120, 120]);
    expect(lots[0]!.expires_at).not.toBeNull();
    // The debit consumed b's lot, as the per-operation path does.
    const uses = await sql<{ amount: string }>(
      `select amount from ledger_lot_use where entry_id = ?`,
      [results![1]!.entryId],
    );
    expect(uses.map((u) => Number(u.amount))).toEqual([200]);
    // Sent again, the batch is a replay of each operation (per-operation path).
    const again = await batch(ops);
    expect(again.map((r) => [r.entryId, r.replayed])).toEqual(
      results!.map((r) => [r.entryId, true]),
    );
    await verify();
  });

  it('opens a lot without expiry for a credit whose expires_at is infinity', async () => {
    const a = await wallet(0);
    const never = transfer(uniqueKey('g'), [
      { account: issuance, amount: -7 },
      { account: a, amount: 7, expires_at: 'infinity' },
    ]);
    expect(await fast([never])).not.toBeNull();
    expect(
      await sql<{ expires_at: Date | null }>(
        `select expires_at from ledger_lot where account_id = ?`,
        [a],
      ),
    ).toEqual([{ expires_at: null }]);
  });

  it('takes a debit lot by lot, earliest expiry first, when its first lot does not cover it', async () => {
    const [a, b] = [await wallet(50), await wallet(10)];
    const soon = new Date(Date.now() + 86_400_000).toISOString();
    const early = transfer(uniqueKey('g'), [
      { account: issuance, amount: -40 },
      { account: a, amount: 40, expires_at: soon },
    ]);
    expect(await fast([early])).not.toBeNull();
    const results = await fast([deduct(a, 70), deduct(b, 10)]);
    expect(results!.map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(results![0]!.accounts).toEqual({ [a]: { balance: 20, held: 0 } });
    const uses = await sql<{ amount: string; expires_at: Date }>(
      `select u.amount, l.expires_at from ledger_lot_use u join ledger_lot l on l.id = u.lot_id where u.entry_id = ? order by u.id`,
      [results![0]!.entryId],
    );
    // The lot expiring tomorrow goes first, the rest comes from the older, later-expiring one.
    expect(uses.map((u) => Number(u.amount))).toEqual([40, 30]);
    expect(new Date(uses[0]!.expires_at).toISOString()).toBe(soon);
    const open = await sql<{ remaining: string }>(
      `select remaining from ledger_lot where account_id = ? order by expires_at, id`,
      [a],
    );
    expect(open.map((l) => Number(l.remaining))).toEqual([0, 20]);
    await verify();
  });

  it('declines, having written nothing, every batch that is not clean', async () => {
    const [a, b, c] = [await wallet(100), await wallet(100), await wallet(100)];
    const entries = async () =>
      Number((await sql<{ n: string }>(`select count(*) as n from ledger_entry`))[0]!.n);
    const entriesBefore = await entries();
    const used = grant(a, 1);
    expect(await fast([used])).not.toBeNull();
    const declined: Op[][] = [
      [grant(a, 5), used], // a key seen before, but declined for its account twice (the key alone: below)
      [grant(a, 5), deduct(a, 5)], // one user account twice
      [grant(a, 5), deduct(b, 1000)], // a debit not covered
      [grant(a, 5), grant(987654321, 5)], // an unknown account
      [grant(a, 5, 'same-key'), grant(b, 5, 'same-key')], // one key twice
      [
        grant(a, 5),
        {
          fn: 'xf_hold_reserve',
          p: {
            key: uniqueKey('h'),
            hash: 'h',
            account: b,
            amount: 1,
            ttl_seconds: 60,
            kind: 'hold',
            actor: 't',
            reason: 'r',
          },
        },
      ],
    ];
    for (const ops of declined) expect(await fast(ops)).toBeNull();
    // A key seen before, in an otherwise clean batch, ends the fast path on a unique
    // index, having written nothing (xf_batch then goes operation by operation and replays it).
    await expect(fast([grant(c, 5), used])).rejects.toThrow(
      /duplicate key value violates unique constraint/,
    );
    const [fresh, replayed] = await batch([grant(c, 5), used]);
    expect(fresh).toMatchObject({ status: 'ok' });
    expect(replayed).toMatchObject({ status: 'ok', replayed: true });
    expect(await entries()).toBe(entriesBefore + 2);
    await verify();
  });

  it('falls back to one by one with the right outcome for each operation', async () => {
    const [a, b] = [await wallet(100), await wallet(100)];
    const results = await batch([grant(a, 5), deduct(b, 1000), deduct(a, 50), grant(987654321, 5)]);
    expect(results.map((r) => r.status)).toEqual(['ok', 'error', 'ok', 'failed']);
    expect(results[1]!.code).toBe('insufficient_points');
    expect(results[2]!.accounts).toEqual({ [a]: { balance: 55, held: 0 } });
    await verify();
  });

  it.runIf(postgresAvailable())(
    'a copy of a request committed meanwhile by another transaction is replayed, not applied twice',
    async () => {
      const a = await wallet(0);
      const op = grant(a, 40);
      const other = new pg.Client({ connectionString: h.orm.config.get('clientUrl') as string });
      await other.connect();
      try {
        await other.query('begin');
        const first = (
          await other.query(`select xf_batch($1::jsonb) as r`, [
            JSON.stringify([op, grant(await wallet(0), 1)]),
          ])
        ).rows[0].r as Result[];
        // This batch waits on the uncommitted key, then finds it taken and replays it.
        const second = batch([op, grant(await wallet(0), 2)]);
        await new Promise((r) => setTimeout(r, 200));
        await other.query('commit');
        const results = await second;
        expect(results[0]).toMatchObject({
          status: 'ok',
          entryId: first[0]!.entryId,
          replayed: true,
        });
        expect(results[1]!.status).toBe('ok');
      } finally {
        await other.end();
      }
      const [owner] = await sql<{ user_id: string }>(
        `select user_id from ledger_account where id = ?`,
        [a],
      );
      expect((await h.services.ledgerQueries.balance(Number(owner!.user_id))).balance).toBe(40);
      await verify();
    },
  );
});

// Model-based property test: random grants (with varied lot expiries), deductions, holds
// (post/void/expire), reversals, replays and expiry runs (whole or partial, with or without holds
// in the way), checked step by step against a simple in-memory model: balances, held points,
// hold states, what each expiry run moved, earliest-expiring lots spent first, and the verifier.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../src/db/sql.js';
import { createHarness, newUser, uniqueKey, type Harness } from './support/harness.js';

type Op =
  | { t: 'grant'; u: number; amt: number; days: number | null }
  | { t: 'deduct'; u: number; amt: number }
  | { t: 'reserve'; u: number; amt: number }
  | { t: 'post'; i: number; partial: boolean }
  | { t: 'void'; i: number }
  | { t: 'expireHold'; i: number }
  | { t: 'reverse'; i: number }
  | { t: 'replay' }
  | { t: 'expireLots'; u: number; oldestOnly: boolean };

const USERS = 3;
const amount = fc.integer({ min: 1, max: 400 });
const user = fc.integer({ min: 0, max: USERS - 1 });
const index = fc.nat({ max: 50 });
const op: fc.Arbitrary<Op> = fc.oneof(
  // days: the lot's expiry in days from now; null: the default (end of the 12th month)
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('grant' as const),
      u: user,
      amt: amount,
      days: fc.option(fc.integer({ min: 1, max: 800 })),
    }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('deduct' as const), u: user, amt: amount }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('reserve' as const), u: user, amt: amount }) },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('post' as const), i: index, partial: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('void' as const), i: index }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('expireHold' as const), i: index }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('reverse' as const), i: index }) },
  { weight: 1, arbitrary: fc.constant({ t: 'replay' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('expireLots' as const),
      u: user,
      oldestOnly: fc.boolean(),
    }),
  },
);

// Every run starts with points and a hold for each user, so spending, expiry and the holds'
// protection of expiring points have something to work on from the first generated step.
const opening: Op[] = [0, 1, 2].flatMap((u) => [
  { t: 'grant' as const, u, amt: 300, days: 30 + u },
  { t: 'grant' as const, u, amt: 200, days: null },
  { t: 'reserve' as const, u, amt: 100 },
]);

interface Model {
  balance: number[];
  held: number[];
  holds: {
    id: number;
    u: number;
    amt: number;
    status: 'active' | 'posted' | 'voided' | 'expired';
  }[];
  entries: { id: number; u: number; delta: number; reversed: boolean; isReversal: boolean }[];
  lastGrant?: { key: string; u: number; amt: number; expiresAt?: string; entryId: number };
}

describe('ledger model-based property', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.close());

  it('matches the model and verifies after every step', { timeout: 180_000 }, async () => {
    const ledger = h.services.ledger;
    const sql = (text: string, params: unknown[] = []) => query(h.services.em, text, params);
    const code = async (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e) => (e as { code?: string }).code ?? String(e),
      );

    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 8, maxLength: 24 }), async (generated) => {
        const ops = [...opening, ...generated];
        // Earlier runs may have left expired points that their holds no longer protect: they go
        // now, so each expiry run below moves only this run's points.
        await ledger.runExpiry();
        const ids = await Promise.all(
          Array.from({ length: USERS }, async () => (await newUser(h)).id),
        );
        const m: Model = { balance: [0, 0, 0], held: [0, 0, 0], holds: [], entries: [] };
        const avail = (u: number) => m.balance[u]! - m.held[u]!;
        const userOf = new Map<number, number>();
        for (let u = 0; u < USERS; u++) userOf.set(await ledger.userAccount(ids[u]!), u);
        // What is due on this run's users' lots, per user, read before an expiry run.
        const dueLots = async () => {
          const rows = await sql(
            `select account_id, sum(remaining)::bigint as due from ledger_lot where account_id = any(?::bigint[]) and remaining > 0 and expires_at <= now() group by account_id`,
            [`{${[...userOf.keys()].join(',')}}`],
          );
          return rows.map((row) => ({
            u: userOf.get(Number(row.account_id))!,
            due: Number(row.due),
          }));
        };
        // What a debit, hold or reversal does first: the user's due points that no hold covers go.
        const sweepModel = async (u: number) => {
          const d = (await dueLots()).find((x) => x.u === u);
          if (d) expireModel([d]);
        };
        // What of a credit's points went to breakage through expiry runs that were not reversed.
        const expiredOf = async (entryId: number) => {
          const [row] = await sql(
            `select coalesce(sum(u.amount), 0)::bigint as n from ledger_lot l join ledger_lot_use u on u.lot_id = l.id
               join ledger_entry x on x.id = u.entry_id and x.kind = 'expire'
              where l.entry_id = ? and not exists (select 1 from ledger_entry r where r.reverses_entry_id = x.id)`,
            [entryId],
          );
          return Number(row!.n);
        };
        // The model's expiry: what is due and not held goes; returns the points moved.
        const expireModel = (due: { u: number; due: number }[]) => {
          let moved = 0;
          for (const d of due) {
            const take = Math.max(0, Math.min(d.due, avail(d.u)));
            m.balance[d.u]! -= take;
            moved += take;
          }
          return moved;
        };
        // A debit takes from the lots that expire first: no lot it left open expires before one it used.
        const expectEarliestLotsSpent = async (entryId: number) => {
          const [row] = await sql(
            `select count(*)::int as n from ledger_lot_use u join ledger_lot l on l.id = u.lot_id
              where u.entry_id = ? and exists (select 1 from ledger_lot o where o.account_id = l.account_id and o.remaining > 0 and o.id <> l.id
                and (coalesce(o.expires_at, 'infinity'), o.id) < (coalesce(l.expires_at, 'infinity'), l.id))`,
            [entryId],
          );
          expect(row).toEqual({ n: 0 });
        };
        for (const o of ops) {
          switch (o.t) {
            case 'grant': {
              const key = uniqueKey('g');
              const expiresAt =
                o.days === null
                  ? undefined
                  : new Date(Date.now() + o.days * 86_400_000).toISOString();
              const r = await ledger.credit({
                key,
                userId: ids[o.u]!,
                amount: o.amt,
                reason: 'p',
                actor: 'prop',
                expiresAt,
              });
              m.balance[o.u]! += o.amt;
              m.entries.push({
                id: r.entryId,
                u: o.u,
                delta: o.amt,
                reversed: false,
                isReversal: false,
              });
              m.lastGrant = { key, u: o.u, amt: o.amt, expiresAt, entryId: r.entryId };
              break;
            }
            case 'deduct': {
              await sweepModel(o.u);
              const ok = avail(o.u) >= o.amt;
              const p = ledger.debit({
                key: uniqueKey('d'),
                userId: ids[o.u]!,
                amount: o.amt,
                reason: 'p',
                actor: 'prop',
              });
              if (ok) {
                const r = await p;
                m.balance[o.u]! -= o.amt;
                m.entries.push({
                  id: r.entryId,
                  u: o.u,
                  delta: -o.amt,
                  reversed: false,
                  isReversal: false,
                });
                await expectEarliestLotsSpent(r.entryId);
              } else expect(await code(p)).toBe('insufficient_points');
              break;
            }
            case 'reserve': {
              await sweepModel(o.u);
              const ok = avail(o.u) >= o.amt;
              const p = ledger.reserve({
                key: uniqueKey('h'),
                userId: ids[o.u]!,
                amount: o.amt,
                ttlSeconds: 3600,
                reason: 'p',
                actor: 'prop',
              });
              if (ok) {
                const r = await p;
                m.held[o.u]! += o.amt;
                m.holds.push({ id: r.holdId, u: o.u, amt: o.amt, status: 'active' });
              } else expect(await code(p)).toBe('insufficient_points');
              break;
            }
            case 'post':
            case 'void':
            case 'expireHold': {
              const hold = m.holds[o.i % Math.max(1, m.holds.length)];
              if (!hold) break;
              if (o.t === 'expireHold') {
                await sql(
                  `update ledger_hold set expires_at = now() - interval '1 second' where id = ? and status = 'active'`,
                  [hold.id],
                );
                const expected = await dueLots();
                const run = await ledger.runExpiry();
                expect(run.holdsReleased).toBe(hold.status === 'active' ? 1 : 0);
                if (hold.status === 'active') {
                  m.held[hold.u]! -= hold.amt;
                  hold.status = 'expired';
                }
                // Points a hold protected from expiry go once the hold is gone.
                expect(run.points).toBe(expireModel(expected));
                break;
              }
              const postAmt = o.t === 'post' && o.partial ? Math.floor(hold.amt / 2) : hold.amt;
              // Due points of the hold's wallet, before a post spends the earliest lots first.
              const dueBefore =
                o.t === 'post' && hold.status === 'active'
                  ? ((await dueLots()).find((x) => x.u === hold.u)?.due ?? 0)
                  : 0;
              const p =
                o.t === 'post'
                  ? ledger.postHold({ holdId: hold.id, amount: postAmt, key: uniqueKey('p') })
                  : ledger.voidHold({ holdId: hold.id, key: uniqueKey('v') });
              if (hold.status !== 'active') {
                expect(await code(p)).toBe(
                  hold.status === 'expired' ? 'hold_expired' : 'hold_not_active',
                );
                break;
              }
              const r = await p;
              m.held[hold.u]! -= hold.amt;
              hold.status = o.t === 'post' ? 'posted' : 'voided';
              if (o.t === 'post') {
                m.balance[hold.u]! -= postAmt;
                const entryId = (r as unknown as { entryId: number | null }).entryId;
                if (postAmt > 0) {
                  m.entries.push({
                    id: entryId!,
                    u: hold.u,
                    delta: -postAmt,
                    reversed: false,
                    isReversal: false,
                  });
                  await expectEarliestLotsSpent(entryId!);
                }
                // Once posted, the hold covers nothing: the due points it left go, as at a debit.
                expireModel([{ u: hold.u, due: Math.max(0, dueBefore - postAmt) }]);
              }
              break;
            }
            case 'reverse': {
              const e = m.entries[o.i % Math.max(1, m.entries.length)];
              if (!e) break;
              // A reversal expires what is due first; what of a credit has expired since comes
              // back from breakage, so the wallet gives back only the rest. An expiry run first
              // makes that final, so the model can read what of the credit expired.
              if (!e.isReversal && !e.reversed) {
                const due = await dueLots();
                expect((await ledger.runExpiry()).points).toBe(expireModel(due));
              }
              const fromWallet = e.delta > 0 ? e.delta - (await expiredOf(e.id)) : e.delta;
              const p = ledger.reverse({
                entryId: e.id,
                key: uniqueKey('r'),
                actor: 'prop',
                reason: 'p',
              });
              if (e.isReversal) expect(await code(p)).toBe('not_reversible');
              else if (e.reversed) expect(await code(p)).toBe('already_reversed');
              else if (fromWallet > 0 && avail(e.u) < fromWallet)
                expect(await code(p)).toBe('insufficient_points');
              else {
                const r = await p;
                m.balance[e.u]! -= fromWallet;
                e.reversed = true;
                m.entries.push({
                  id: r.entryId,
                  u: e.u,
                  delta: -e.delta,
                  reversed: false,
                  isReversal: true,
                });
              }
              break;
            }
            case 'replay': {
              const g = m.lastGrant;
              if (!g) break;
              const r = await ledger.credit({
                key: g.key,
                userId: ids[g.u]!,
                amount: g.amt,
                reason: 'p',
                actor: 'prop',
                expiresAt: g.expiresAt,
              });
              expect(r).toMatchObject({ entryId: g.entryId, replayed: true });
              break;
            }
            case 'expireLots': {
              // Every open lot of the user falls due, or only the one that would expire first.
              // Points under an active hold stay until the hold resolves; the run must move
              // exactly what is due and not held, on every account with something due.
              const account = await ledger.userAccount(ids[o.u]!);
              await sql(
                `update ledger_lot set expires_at = now() - interval '1 second' where account_id = ? and remaining > 0
                   and (not ? or id = (select id from ledger_lot where account_id = ? and remaining > 0 order by expires_at nulls last, id limit 1))`,
                [account, o.oldestOnly, account],
              );
              const expected = await dueLots();
              const run = await ledger.runExpiry();
              expect(run.points).toBe(expireModel(expected));
              const again = await ledger.runExpiry();
              expect(again.points).toBe(0);
              break;
            }
          }
          // The ledger's balance is the model's; the balance users see leaves out what is past its
          // expiry and not held, before any run has moved it.
          const cached = await sql(
            `select a.user_id, a.balance from ledger_account a where a.user_id = any(?::bigint[]) and a.kind = 'wallet'`,
            [`{${ids.join(',')}}`],
          );
          const due = new Map((await dueLots()).map((d) => [d.u, d.due]));
          for (let u = 0; u < USERS; u++) {
            const ledgerBalance = Number(
              cached.find((row) => Number(row.user_id) === ids[u])?.balance ?? 0,
            );
            const b = await h.services.ledgerQueries.balance(ids[u]!);
            const seen = m.balance[u]! - Math.max(0, Math.min(due.get(u) ?? 0, avail(u)));
            expect({ u, op: o.t, ledgerBalance, balance: b.balance, held: b.held }).toEqual({
              u,
              op: o.t,
              ledgerBalance: m.balance[u],
              balance: seen,
              held: m.held[u],
            });
          }
          if (m.holds.length) {
            const rows = await sql(
              `select id, status from ledger_hold where id = any(?::bigint[])`,
              [`{${m.holds.map((x) => x.id).join(',')}}`],
            );
            const status = new Map(rows.map((row) => [Number(row.id), String(row.status)]));
            for (const x of m.holds)
              expect({ hold: x.id, op: o.t, status: status.get(x.id) }).toEqual({
                hold: x.id,
                op: o.t,
                status: x.status,
              });
          }
          const report = await h.services.ledgerQueries.verify();
          expect(report.violations).toEqual([]);
        }
      }),
      { numRuns: 40 },
    );
  });
});

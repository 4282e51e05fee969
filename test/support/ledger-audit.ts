// The crash tests' verdict: the ledger holds exactly what the clients were told. Every request
// that got a 2xx is there once (its key, entry id and amount), no entry, order or hold is there
// that no client was told about, refusals left nothing, no key is stuck "in progress", and each
// wallet's balance is the sum of what succeeded for it.
import type { Call } from './crash-load.js';

export interface LedgerRows {
  entries: { id: number; key: string; kind: string }[];
  /** Per entry and wallet: the sum of its postings to that user's wallet. */
  walletPostings: { entryId: number; userId: number; delta: number }[];
  wallets: { userId: number; balance: number; held: number }[];
  holds: {
    id: number;
    userId: number;
    status: string;
    amount: number;
    postedAmount: number | null;
  }[];
  orders: { id: number; userId: number; pointsCharged: number }[];
  pendingKeys: string[];
}

type Exec = (sql: string) => Promise<Record<string, unknown>[]>;

export async function readLedger(exec: Exec): Promise<LedgerRows> {
  const n = (v: unknown) => (v == null ? null : Number(v));
  const entries = await exec(`select id, idempotency_key, kind from ledger_entry order by id`);
  const postings = await exec(
    `select p.entry_id, a.user_id, sum(p.amount) as delta from ledger_posting p join ledger_account a on a.id = p.account_id
     where a.kind = 'wallet' group by p.entry_id, a.user_id`,
  );
  const wallets = await exec(
    `select user_id, balance, held from ledger_account where kind = 'wallet'`,
  );
  const holds = await exec(
    `select h.id, a.user_id, h.status, h.amount, h.posted_amount from ledger_hold h join ledger_account a on a.id = h.account_id`,
  );
  const orders = await exec(`select id, user_id, points_charged from shop_order`);
  const pending = await exec(`select key from idempotency_record where response is null`);
  return {
    entries: entries.map((r) => ({
      id: n(r.id)!,
      key: String(r.idempotency_key),
      kind: String(r.kind),
    })),
    walletPostings: postings.map((r) => ({
      entryId: n(r.entry_id)!,
      userId: n(r.user_id)!,
      delta: n(r.delta)!,
    })),
    wallets: wallets.map((r) => ({
      userId: n(r.user_id)!,
      balance: n(r.balance)!,
      held: n(r.held)!,
    })),
    holds: holds.map((r) => ({
      id: n(r.id)!,
      userId: n(r.user_id)!,
      status: String(r.status),
      amount: n(r.amount)!,
      postedAmount: n(r.posted_amount),
    })),
    orders: orders.map((r) => ({
      id: n(r.id)!,
      userId: n(r.user_id)!,
      pointsCharged: n(r.points_charged)!,
    })),
    pendingKeys: pending.map((r) => String(r.key)),
  };
}

interface Expected {
  key: string;
  userId: number;
  delta: number;
  entryId?: number;
  call: Call;
}

export interface Audit {
  problems: string[];
  /** Points each user should have: the sum of what the clients were told succeeded. */
  expectedBalances: Map<number, number>;
  figures: {
    calls: number;
    succeeded: number;
    refused: Record<string, number>;
    retried: number;
    entries: number;
  };
}

export function auditLedger(calls: Call[], rows: LedgerRows): Audit {
  const problems: string[] = [];
  const expected = new Map<string, Expected>();
  const refusedKeys = new Set<string>();
  const refused: Record<string, number> = {};
  const holdOutcome = new Map<
    number,
    { userId: number; status: string; postedAmount: number | null }
  >();
  const orderIds = new Map<number, { userId: number; pointsCharged: number }>();
  const expect = (e: Expected) => {
    if (expected.has(e.key)) problems.push(`two successful requests claim ledger key ${e.key}`);
    expected.set(e.key, e);
  };

  for (const c of calls) {
    if (c.status === undefined) {
      problems.push(`${c.op} ${c.key} never got a definitive answer`);
      continue;
    }
    const ok = c.status >= 200 && c.status < 300;
    if (!ok) {
      const code = `${c.op} ${c.status} ${c.res?.error?.code ?? '?'}`;
      refused[code] = (refused[code] ?? 0) + 1;
      refusedKeys.add(`api:${c.key}`);
      continue;
    }
    const body = c.body as { amount?: number };
    switch (c.op) {
      case 'grant':
        expect({
          key: `api:${c.key}`,
          userId: c.userId,
          delta: body.amount!,
          entryId: c.res.entryId,
          call: c,
        });
        break;
      case 'deduct':
        expect({
          key: `api:${c.key}`,
          userId: c.userId,
          delta: -body.amount!,
          entryId: c.res.entryId,
          call: c,
        });
        break;
      case 'reserve':
        if (!holdOutcome.has(c.res.holdId))
          holdOutcome.set(c.res.holdId, { userId: c.userId, status: 'active', postedAmount: null });
        else problems.push(`two reservations answered with hold ${c.res.holdId}`);
        break;
      case 'post': {
        const holdId = Number(c.path.split('/')[4]);
        holdOutcome.set(holdId, {
          userId: c.userId,
          status: 'posted',
          postedAmount: c.res.postedAmount,
        });
        if (body.amount !== undefined && c.res.postedAmount !== body.amount)
          problems.push(`post ${c.key} asked for ${body.amount}, was told ${c.res.postedAmount}`);
        expect({
          key: `api:${c.key}`,
          userId: c.userId,
          delta: -c.res.postedAmount,
          entryId: c.res.entryId,
          call: c,
        });
        break;
      }
      case 'void':
        holdOutcome.set(Number(c.path.split('/')[4]), {
          userId: c.userId,
          status: 'voided',
          postedAmount: null,
        });
        break;
      case 'redeem':
        if (orderIds.has(c.res.orderId))
          problems.push(`two redemptions answered with order ${c.res.orderId}`);
        orderIds.set(c.res.orderId, { userId: c.userId, pointsCharged: c.res.pointsCharged });
        if (c.res.pointsCharged > 0)
          expect({
            key: `order:${c.res.orderId}:redeem`,
            userId: c.userId,
            delta: -c.res.pointsCharged,
            call: c,
          });
        break;
    }
  }

  // Entries: exactly the expected ones, each with its entry id, user and amount.
  const deltas = new Map<number, { userId: number; delta: number }[]>();
  for (const p of rows.walletPostings) deltas.set(p.entryId, [...(deltas.get(p.entryId) ?? []), p]);
  const seen = new Set<string>();
  for (const e of rows.entries) {
    if (seen.has(e.key)) problems.push(`ledger key ${e.key} is there twice`);
    seen.add(e.key);
    const want = expected.get(e.key);
    if (!want) {
      problems.push(
        `entry ${e.id} (${e.kind}, ${e.key}) is in the ledger but no client was told it succeeded${refusedKeys.has(e.key) ? ' (its request was refused)' : ''}`,
      );
      continue;
    }
    if (want.entryId !== undefined && want.entryId !== e.id)
      problems.push(`${e.key}: client was told entry ${want.entryId}, the ledger has ${e.id}`);
    const got = deltas.get(e.id) ?? [];
    if (got.length !== 1 || got[0]!.userId !== want.userId || got[0]!.delta !== want.delta) {
      problems.push(
        `${e.key}: expected ${want.delta} on user ${want.userId}'s wallet, the ledger has ${JSON.stringify(got)}`,
      );
    }
  }
  for (const key of expected.keys())
    if (!seen.has(key)) problems.push(`${key} got a 2xx but is not in the ledger`);

  // Holds and orders: exactly those the clients were told about, in the state they were told.
  const dbHolds = new Map(rows.holds.map((h) => [h.id, h]));
  for (const [id, want] of holdOutcome) {
    const h = dbHolds.get(id);
    if (!h) problems.push(`hold ${id} was answered but is not in the ledger`);
    else if (
      h.userId !== want.userId ||
      h.status !== want.status ||
      h.postedAmount !== want.postedAmount
    ) {
      problems.push(
        `hold ${id}: told ${JSON.stringify(want)}, the ledger has ${JSON.stringify(h)}`,
      );
    }
  }
  for (const h of rows.holds)
    if (!holdOutcome.has(h.id))
      problems.push(`hold ${h.id} (${h.status}) exists but no client was told about it`);
  const dbOrders = new Map(rows.orders.map((o) => [o.id, o]));
  for (const [id, want] of orderIds) {
    const o = dbOrders.get(id);
    if (!o || o.userId !== want.userId || o.pointsCharged !== want.pointsCharged)
      problems.push(
        `order ${id}: told ${JSON.stringify(want)}, the database has ${JSON.stringify(o)}`,
      );
  }
  for (const o of rows.orders)
    if (!orderIds.has(o.id)) problems.push(`order ${o.id} exists but no client was told about it`);
  for (const k of rows.pendingKeys) problems.push(`idempotency key ${k} is stuck in progress`);

  // Balances: what succeeded, and nothing left held.
  const expectedBalances = new Map<number, number>();
  for (const e of expected.values())
    expectedBalances.set(e.userId, (expectedBalances.get(e.userId) ?? 0) + e.delta);
  for (const w of rows.wallets) {
    const want = expectedBalances.get(w.userId) ?? 0;
    if (w.balance !== want)
      problems.push(
        `user ${w.userId}: balance ${w.balance}, the successful requests add up to ${want}`,
      );
    if (w.held !== 0)
      problems.push(`user ${w.userId}: ${w.held} points still held after every hold was resolved`);
  }

  const succeeded = calls.filter((c) => c.status !== undefined && c.status < 300).length;
  return {
    problems,
    expectedBalances,
    figures: {
      calls: calls.length,
      succeeded,
      refused,
      retried: calls.filter((c) => c.retries > 0).length,
      entries: rows.entries.length,
    },
  };
}

// The crash tests' audit must catch each way a crash can betray a client: a lost 2xx, an entry
// nobody was told about (or one whose request was refused), a wrong amount, a stuck key, a hold
// left in another state, an order nobody placed, and a balance that does not add up.
import { describe, expect, it } from 'vitest';
import { auditLedger, type LedgerRows } from './ledger-audit.js';
import type { Call } from './crash-load.js';

const calls = (): Call[] => [
  {
    op: 'grant',
    key: 'g1',
    userId: 1,
    path: '/v1/admin/grants',
    body: { userId: 1, amount: 500 },
    status: 201,
    res: { entryId: 10 },
    retries: 0,
  },
  {
    op: 'deduct',
    key: 'd1',
    userId: 1,
    path: '/v1/admin/deductions',
    body: { userId: 1, amount: 100 },
    status: 201,
    res: { entryId: 11 },
    retries: 1,
  },
  {
    op: 'deduct',
    key: 'd2',
    userId: 1,
    path: '/v1/admin/deductions',
    body: { userId: 1, amount: 9999 },
    status: 422,
    res: { error: { code: 'insufficient_points' } },
    retries: 0,
  },
  {
    op: 'reserve',
    key: 'h1',
    userId: 1,
    path: '/v1/admin/holds',
    body: { userId: 1, amount: 50 },
    status: 201,
    res: { holdId: 7 },
    retries: 0,
  },
  {
    op: 'post',
    key: 'p1',
    userId: 1,
    path: '/v1/admin/holds/7/post',
    body: { amount: 30 },
    status: 200,
    res: { entryId: 12, postedAmount: 30 },
    retries: 0,
  },
  {
    op: 'redeem',
    key: 'r1',
    userId: 1,
    path: '/v1/users/1/redemptions',
    body: { kind: 'item', slug: 'coupon-20' },
    status: 201,
    res: { orderId: 3, pointsCharged: 200 },
    retries: 0,
  },
];

const rows = (): LedgerRows => ({
  entries: [
    { id: 10, key: 'api:g1', kind: 'grant.admin' },
    { id: 11, key: 'api:d1', kind: 'deduct.admin' },
    { id: 12, key: 'api:p1', kind: 'deduct.hold' },
    { id: 13, key: 'order:3:redeem', kind: 'redeem.item' },
  ],
  walletPostings: [
    { entryId: 10, userId: 1, delta: 500 },
    { entryId: 11, userId: 1, delta: -100 },
    { entryId: 12, userId: 1, delta: -30 },
    { entryId: 13, userId: 1, delta: -200 },
  ],
  wallets: [{ userId: 1, balance: 170, held: 0 }],
  holds: [{ id: 7, userId: 1, status: 'posted', amount: 50, postedAmount: 30 }],
  orders: [{ id: 3, userId: 1, pointsCharged: 200 }],
  pendingKeys: [],
});

describe('the crash tests ledger audit', () => {
  it('passes a ledger that holds exactly what the clients were told', () => {
    const a = auditLedger(calls(), rows());
    expect(a.problems).toEqual([]);
    expect(a.expectedBalances.get(1)).toBe(170);
    expect(a.figures).toMatchObject({
      calls: 6,
      succeeded: 5,
      retried: 1,
      entries: 4,
      refused: { 'deduct 422 insufficient_points': 1 },
    });
  });

  it('finds a lost 2xx, an unannounced entry, a refused one that went through and a wrong amount', () => {
    const r = rows();
    r.entries = r.entries.filter((e) => e.key !== 'api:g1');
    r.entries.push(
      { id: 20, key: 'api:ghost', kind: 'grant.admin' },
      { id: 21, key: 'api:d2', kind: 'deduct.admin' },
    );
    r.walletPostings.find((p) => p.entryId === 13)!.delta = -400;
    const a = auditLedger(calls(), r);
    expect(a.problems).toEqual(
      expect.arrayContaining([
        'api:g1 got a 2xx but is not in the ledger',
        'entry 20 (grant.admin, api:ghost) is in the ledger but no client was told it succeeded',
        'entry 21 (deduct.admin, api:d2) is in the ledger but no client was told it succeeded (its request was refused)',
        expect.stringMatching(/^order:3:redeem: expected -200 on user 1's wallet/),
      ]),
    );
  });

  it('finds a wrong entry id, a stuck key, a hold in another state, an unknown order, points still held and an unanswered call', () => {
    const r = rows();
    r.entries[0]!.id = 99;
    r.walletPostings[0]!.entryId = 99;
    r.pendingKeys = ['api:x'];
    r.holds[0]!.status = 'voided';
    r.holds.push({ id: 8, userId: 1, status: 'active', amount: 5, postedAmount: null });
    r.orders.push({ id: 4, userId: 1, pointsCharged: 0 });
    r.wallets[0] = { userId: 1, balance: 171, held: 5 };
    const c = calls();
    c.push({
      op: 'grant',
      key: 'g9',
      userId: 1,
      path: '/v1/admin/grants',
      body: { userId: 1, amount: 1 },
      retries: 3,
    });
    const a = auditLedger(c, r);
    expect(a.problems).toEqual([
      'grant g9 never got a definitive answer',
      'api:g1: client was told entry 10, the ledger has 99',
      expect.stringMatching(
        /^hold 7: told .*"status":"posted".*the ledger has .*"status":"voided"/,
      ),
      'hold 8 (active) exists but no client was told about it',
      'order 4 exists but no client was told about it',
      'idempotency key api:x is stuck in progress',
      'user 1: balance 171, the successful requests add up to 170',
      'user 1: 5 points still held after every hold was resolved',
    ]);
  });
});

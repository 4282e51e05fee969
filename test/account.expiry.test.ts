// The expiry summary (GET /v1/users/{id}/points-expiry and the chat's expiry answer): balance,
// pending points and the wallet's lots by expiry date, read together in one statement that the
// balance answer shares.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { balanceOf } from '../src/ledger/ledger.wallet.js';
import { createHarness, newUser, uniqueKey, type Harness } from './support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const DAY = 86_400_000;
const inDays = (n: number) => new Date(Date.now() + n * DAY).toISOString();

it('lists what each expiry date still holds, soonest first, with the never-expiring rest', async () => {
  const u = await newUser(h);
  const credit = (amount: number, expiresAt: string | null) =>
    h.services.ledger.credit({
      key: uniqueKey('c'),
      userId: u.id,
      amount,
      reason: 'earn',
      actor: 'test',
      expiresAt,
    });
  const late = inDays(90);
  const soon = inDays(10);
  await credit(50, late);
  await credit(30, null);
  await credit(100, soon);
  await credit(25, soon);
  // A spend takes the soonest-expiring points first.
  await h.services.ledger.debit({
    key: uniqueKey('d'),
    userId: u.id,
    amount: 40,
    reason: 'spend',
    actor: 'test',
  });

  const e = await h.services.account.expirySummary(u.id);
  expect(e).toEqual({
    balance: 165,
    pending: 0,
    expiringWithin30Days: 85,
    nextExpiry: { amount: 85, expiresAt: soon },
    schedule: [
      { amount: 85, expiresAt: soon },
      { amount: 50, expiresAt: late },
    ],
    neverExpiring: 30,
  });
  // The chat's balance answer reads the same statement: it says what balanceOf says.
  expect(await h.services.account.balance(u.id)).toEqual({
    userId: u.id,
    ...(await balanceOf(h.services.em, u.id)),
  });
  expect((await h.services.account.balance(u.id)).expiring).toEqual([
    { amount: 85, expiresAt: soon },
    { amount: 50, expiresAt: late },
  ]);
});

it('is all zero for a user without a wallet', async () => {
  const u = await newUser(h);
  expect(await h.services.account.balance(u.id)).toEqual({
    userId: u.id,
    balance: 0,
    held: 0,
    available: 0,
    pending: 0,
    expiring: [],
  });
  expect(await h.services.account.expirySummary(u.id)).toEqual({
    balance: 0,
    pending: 0,
    expiringWithin30Days: 0,
    nextExpiry: null,
    schedule: [],
    neverExpiring: 0,
  });
});

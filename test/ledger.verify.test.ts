// The verifier finds each kind of damage to the ledger's books: every case tampers inside a
// transaction, runs the verifier there, and rolls back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../src/db/sql.js';
import { verifyLedger } from '../src/ledger/ledger.verify.js';
import { mergedUserIds } from '../src/membership/user.lock.js';
import { createHarness, newUser, uniqueKey, type Harness } from './support/harness.js';

describe('ledger verifier', () => {
  let h: Harness;
  let account: number;
  let holdId: number;
  beforeAll(async () => {
    h = await createHarness();
    const u = await newUser(h);
    const ledger = h.services.ledger;
    await ledger.credit({
      key: uniqueKey('c'),
      userId: u.id,
      amount: 100,
      reason: 'a',
      actor: 'test',
      expiresAt: '2030-01-01T00:00:00Z',
    });
    await ledger.credit({
      key: uniqueKey('c'),
      userId: u.id,
      amount: 100,
      reason: 'b',
      actor: 'test',
      expiresAt: '2031-01-01T00:00:00Z',
    });
    const spend = await ledger.debit({
      key: uniqueKey('d'),
      userId: u.id,
      amount: 150,
      reason: 'spend',
      actor: 'test',
    });
    await ledger.reverse({
      entryId: spend.entryId,
      key: uniqueKey('r'),
      actor: 'test',
      reason: 'refund',
    });
    await ledger.debit({
      key: uniqueKey('d'),
      userId: u.id,
      amount: 30,
      reason: 'spend',
      actor: 'test',
    });
    holdId = (
      await ledger.reserve({
        key: uniqueKey('h'),
        userId: u.id,
        amount: 40,
        ttlSeconds: 600,
        reason: 'quote',
        actor: 'test',
      })
    ).holdId;
    await ledger.postHold({ holdId, amount: 25, key: uniqueKey('p') });
    account = await ledger.userAccount(u.id);
  });
  afterAll(async () => h?.close());

  const violationsAfter = async (tamper: string, params: unknown[] = []) => {
    let found: string[] = [];
    await h.services.em
      .fork()
      .transactional(async (tx) => {
        await query(tx as never, tamper, params);
        found = (await verifyLedger(tx as never, { mergedUserIds })).violations;
        throw new Error('roll back');
      })
      .catch((err: Error) => {
        if (err.message !== 'roll back') throw err;
      });
    return found.join('\n');
  };

  it('passes on the untouched ledger, give-backs of a reversal included', async () => {
    expect((await h.services.ledgerQueries.verify()).violations).toEqual([]);
  });

  it('finds a point moved from one lot to another of the same account', async () => {
    const found = await violationsAfter(
      `with l as (select id, row_number() over (order by id desc) as n from ledger_lot where account_id = ? and remaining > 0)
       update ledger_lot t set remaining = t.remaining + case when l.n = 1 then -1 else 1 end from l where t.id = l.id and l.n <= 2`,
      [account],
    );
    expect(found).toMatch(/lot remainder differs from its amount less its recorded uses/);
  });

  it('finds a lot use that was deleted', async () => {
    const found = await violationsAfter(
      `delete from ledger_lot_use where id = (select u.id from ledger_lot_use u join ledger_lot l on l.id = u.lot_id where l.account_id = ? limit 1)`,
      [account],
    );
    expect(found).toMatch(/lot remainder differs from its amount less its recorded uses/);
  });

  it('finds a posted hold relabelled as expired while its entry still names it', async () => {
    const found = await violationsAfter(
      `update ledger_hold set status = 'expired', posted_amount = null, entry_id = null where id = ?`,
      [holdId],
    );
    expect(found).toMatch(/entry posted from a hold that does not name it/);
  });

  it('finds a cached balance on a system account', async () => {
    const found = await violationsAfter(
      `update ledger_account set balance = 5 where code = 'issuance'`,
    );
    expect(found).toMatch(/system account has a cached balance or held amount: issuance/);
  });
});

// Points that earlier versions left in merged users' accounts: ledger:verify reports them, and
// ledger:repair-merges moves them to the survivor (lots with their expiry dates, holds voided,
// accounts closed), idempotently. The stranded state is made by SQL, as an old version left it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHarness,
  defaultKind,
  http,
  newUser,
  type Harness,
  uniqueKey,
} from './support/harness.js';
import { query, queryOne } from '../src/db/sql.js';
import { repairMerges } from '../src/ledger/ledger.merge.js';
import { mergedUsers } from '../src/membership/user.lock.js';

const run = promisify(execFile);
let h: Harness;
let A: number; // survivor of B, which is the survivor of C
let B: number;
let C: number;
const later = '2031-06-30T16:00:00.000Z';
const sooner = '2030-01-31T16:00:00.000Z';

async function link(from: number, into: number) {
  const api = http(h.app);
  const code = (await api('POST', `/v1/users/${into}/link-code`)).body.code;
  expect((await api('POST', `/v1/users/${from}/link`, { body: { code } })).status).toBe(200);
}

const account = (userId: number, kind: 'wallet' | 'pending' = 'wallet') =>
  h.services.ledger.userAccount(userId, kind);

/** What an earlier version did: credit the merged user's own account, which it never closed. */
async function strand(
  userId: number,
  kind: 'wallet' | 'pending',
  amount: number,
  expiresAt: string,
) {
  const acc = await account(userId, kind);
  await query(h.services.em, `update ledger_account set closed_at = null where id = ?`, [acc]);
  const issuance = await h.services.ledger.systemAccount('issuance');
  await h.services.ledger.postEntry({
    key: uniqueKey('old-version'),
    kind: 'grant.admin',
    actor: 'old-version',
    reason: 'granted to a merged id',
    postings: [
      { account: issuance, amount: -amount },
      { account: acc, amount, expiresAt },
    ],
  });
  return acc;
}

beforeAll(async () => {
  h = await createHarness();
  A = (await newUser(h, { balance: 1000 })).id;
  B = (await newUser(h, { balance: 200 })).id;
  C = (await newUser(h, { balance: 30 })).id;
  await link(C, B);
  await link(B, A);
  expect((await h.services.ledgerQueries.verify()).ok).toBe(true);
  // B's wallet: 1,230 points in two lots and a hold of 100; C's pending account: 50, left open.
  const bWallet = await strand(B, 'wallet', 1000, later);
  await strand(B, 'wallet', 230, sooner);
  const r = await queryOne<{ r: { status: string } }>(
    h.services.em,
    `select xf_hold_reserve(?::jsonb) as r`,
    [
      JSON.stringify({
        key: uniqueKey('old-hold'),
        hash: 'old',
        account: bWallet,
        amount: 100,
        ttlSeconds: 3600,
        kind: 'deduct.hold',
        actor: 'old-version',
        reason: 'hold on a merged id',
      }),
    ],
  );
  expect(r!.r.status).toBe('ok');
  await query(h.services.em, `update ledger_account set closed_at = now() where id = ?`, [bWallet]); // as the migration closes it
  await strand(C, 'pending', 50, later);
});
afterAll(async () => h?.close());

describe('points stranded in merged users', () => {
  it('ledger:verify reports the merged accounts that hold points, holds or are still open', async () => {
    const r = await h.services.ledgerQueries.verify();
    expect(r.ok).toBe(false);
    const stranded = r.violations.find((v) =>
      v.startsWith('account of a merged user still holds points'),
    );
    expect(stranded).toContain(`wallet:${B} (balance 1230, held 100, lots 1230, active holds 1)`);
    expect(stranded).toContain(`pending:${C} (balance 50, held 0, lots 50, active holds 0)`);
    expect(
      r.violations.find((v) => v.startsWith('account is closed unless its user was merged')),
    ).toContain(`pending:${C}`);
  });

  it('ledger:repair-merges moves them to the end of the merge chain with their expiry dates, then moves nothing', async () => {
    const before = await h.services.ledgerQueries.balance(A);
    const repaired = await repairMerges({
      em: h.services.em,
      ledger: h.services.ledger,
      users: mergedUsers,
    });
    const moved = repaired.filter((x) => x.points > 0);
    expect(moved).toEqual([
      expect.objectContaining({
        fromUserId: B,
        toUserId: A,
        kind: 'wallet',
        points: 1230,
        lots: 2,
        holdsVoided: 1,
        heldReleased: 100,
      }),
      expect.objectContaining({ fromUserId: C, toUserId: A, kind: 'pending', points: 50, lots: 1 }),
    ]);
    const after = await h.services.ledgerQueries.balance(A);
    expect(after.balance).toBe(before.balance + 1230);
    expect(after.pending).toBe(before.pending + 50);
    const lots = await query<{ expires_at: Date; remaining: string }>(
      h.services.em,
      `select l.expires_at, l.remaining from ledger_lot l join ledger_entry e on e.id = l.entry_id and e.kind = 'merge.repair'
        where l.account_id = ? order by l.expires_at`,
      [await account(A)],
    );
    expect(lots.map((l) => [new Date(l.expires_at).toISOString(), Number(l.remaining)])).toEqual([
      [sooner, 230],
      [later, 1000],
    ]);
    expect((await h.services.ledgerQueries.verify()).violations).toEqual([]);

    const entries = (await h.services.ledgerQueries.verify()).totals.entries;
    expect(
      await repairMerges({ em: h.services.em, ledger: h.services.ledger, users: mergedUsers }),
    ).toEqual([]);
    expect((await h.services.ledgerQueries.verify()).totals.entries).toBe(entries);
  });

  it('a merged account closed again takes no points, whatever the path', async () => {
    const issuance = await h.services.ledger.systemAccount('issuance');
    const direct = h.services.ledger.postEntry({
      key: uniqueKey('direct'),
      kind: 'grant.admin',
      actor: 'test',
      reason: 'straight to a closed account',
      postings: [
        { account: issuance, amount: -5 },
        { account: await account(B), amount: 5 },
      ],
    });
    await expect(direct).rejects.toThrow(/closed by a merge/);
    await expect(
      query(h.services.em, `update ledger_account set balance = balance + 1 where id = ?`, [
        await account(B),
      ]),
    ).rejects.toThrow(/closed/);
    const viaService = await h.services.ledger.credit({
      key: uniqueKey('svc'),
      userId: C,
      amount: 5,
      reason: 'to the merged id',
      actor: 'test',
    });
    expect(viaService.userId).toBe(A);
    expect((await h.services.ledgerQueries.verify()).ok).toBe(true);
  });
});

const pg = defaultKind() === 'postgres';
if (!pg)
  console.warn(
    '[merge.repair] ledger:repair-merges command SKIPPED on PGlite: the command needs a database another process can open (PostgreSQL)',
  );

describe.runIf(pg)('ledger:repair-merges command', () => {
  it('prints what it moved, and nothing the second time; ledger:verify agrees', async () => {
    const url = h.orm.config.get('clientUrl') as string;
    const cmd = (script: string) =>
      run(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`], {
        env: { ...process.env, DATABASE_URL: url },
      }).then(
        (r) => ({ code: 0, out: r.stdout + r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({
          code: e.code,
          out: e.stdout + e.stderr,
        }),
      );
    await strand(B, 'wallet', 77, later);
    await query(h.services.em, `update ledger_account set closed_at = now() where user_id = ?`, [
      B,
    ]);
    const bad = await cmd('ledger-verify');
    expect(bad.code).toBe(1);
    expect(bad.out).toContain(
      `VIOLATION account of a merged user still holds points, held points or active holds (run ledger:repair-merges): wallet:${B}`,
    );
    const first = await cmd('ledger-repair-merges');
    expect(first.code, first.out).toBe(0);
    expect(first.out).toContain(
      `user ${B} → user ${A}, wallet account ${await account(B)}: 77 point(s) in 1 lot(s)`,
    );
    expect(first.out).toMatch(/moved 77 point\(s\) from 1 merged account\(s\)/);
    const second = await cmd('ledger-repair-merges');
    expect(second.out).toMatch(/moved 0 point\(s\) from 0 merged account\(s\)/);
    expect((await cmd('ledger-verify')).code).toBe(0);
  });
});

// `npm run ledger:verify` as a command: a clean ledger passes, a corrupted cached balance fails
// with a non-zero exit and a line naming the violation.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../src/db/sql.js';
import { createHarness, newUser, postgresAvailable, type Harness } from './support/harness.js';

const run = promisify(execFile);
const pg = postgresAvailable();
if (!pg) console.warn('[ledger.verify-cli] SKIPPED: the command needs a PostgreSQL the test can share (TEST_DATABASE_URL)');

describe.runIf(pg)('ledger:verify command', () => {
  let h: Harness;
  let url: string;
  beforeAll(async () => {
    h = await createHarness({ kind: 'postgres' });
    url = (h.orm.config.get('clientUrl') as string);
    await newUser(h, { balance: 300 });
  });
  afterAll(async () => h?.close());
  const verify = () =>
    run(process.execPath, ['--import', 'tsx', 'scripts/ledger-verify.ts'], { env: { ...process.env, DATABASE_URL: url } }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );

  it('passes on a consistent ledger and fails on a tampered balance', async () => {
    const ok = await verify();
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('ledger OK');
    await query(h.services.em, `update ledger_account set balance = balance + 1 where kind = 'wallet'`);
    const bad = await verify();
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/VIOLATION cached balance differs from the sum of postings/);
    expect(bad.out).toContain('ledger FAILED');
  });
});

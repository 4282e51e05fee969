// `npm run ledger:verify` as a command: a clean ledger passes, a corrupted cached balance fails
// with a non-zero exit and a line naming the violation. On PGlite the command opens the data
// directory after the test has closed it (one process owns a PGlite directory at a time).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrm } from '../src/db/orm.js';
import { query } from '../src/db/sql.js';
import { createHarness, defaultKind, newUser, type Harness } from './support/harness.js';

const run = promisify(execFile);
const kind = defaultKind();

describe(`ledger:verify command on ${kind}`, () => {
  let h: Harness;
  let env: Record<string, string>;
  const dataDir = kind === 'pglite' ? mkdtempSync(join(tmpdir(), 'xuefen-verify-')) : undefined;
  beforeAll(async () => {
    h = await createHarness({ dataDir });
    await newUser(h, { balance: 300 });
    env = dataDir
      ? { DATABASE_URL: '', DATA_DIR: dataDir }
      : { DATABASE_URL: h.orm.config.get('clientUrl') as string };
    if (dataDir) await h.orm.close(true);
  });
  afterAll(async () => {
    await h?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  const verify = () =>
    run(process.execPath, ['--import', 'tsx', 'scripts/ledger-verify.ts'], {
      env: { ...process.env, ...env },
    }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({
        code: e.code,
        out: e.stdout + e.stderr,
      }),
    );
  const tamper = async (sql: string) => {
    if (!dataDir) return void (await query(h.services.em, sql));
    const orm = await createOrm({ dataDir });
    try {
      await query(orm.em.fork(), sql);
    } finally {
      await orm.close(true);
    }
  };

  it('passes on a consistent ledger and fails on a tampered balance', async () => {
    const ok = await verify();
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('ledger OK');
    await tamper(`update ledger_account set balance = balance + 1 where kind = 'wallet'`);
    const bad = await verify();
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/VIOLATION cached balance differs from the sum of postings/);
    expect(bad.out).toContain('ledger FAILED');
  });
});

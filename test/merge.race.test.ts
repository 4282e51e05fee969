// Grants and deductions naming user B race B's merge into A, over HTTP on many connections:
// every operation succeeds, every granted point ends where A can reach it, B's accounts are
// empty and closed, and ledger:verify passes. PostgreSQL only: PGlite has one connection, so
// nothing there can run beside the merge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHarness,
  defaultKind,
  http,
  newUser,
  type Harness,
  uniqueKey,
} from './support/harness.js';
import { query } from '../src/db/sql.js';

const pg = defaultKind() === 'postgres';
if (!pg)
  console.warn(
    '[merge.race] SKIPPED on PGlite: a race needs concurrent connections, and PGlite has one',
  );

describe.runIf(pg)('grants and deductions racing a merge', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ poolMax: 24 });
  });
  afterAll(async () => h?.close());

  for (let round = 1; round <= 3; round++) {
    it(`round ${round}: nothing strands in the merged user`, async () => {
      const api = http(h.app);
      const a = await newUser(h, { balance: 5000 });
      const b = await newUser(h, { balance: 1000 });
      const code = (await api('POST', `/v1/users/${a.id}/link-code`)).body.code;
      const ops: { kind: 'grant' | 'deduction'; amount: number }[] = [];
      for (let i = 0; i < 120; i++)
        ops.push({
          kind: i % 4 === 3 ? 'deduction' : 'grant',
          amount: 1 + ((i * 37 + round) % 50),
        });
      const send = (op: (typeof ops)[number]) =>
        api('POST', `/v1/admin/${op.kind === 'grant' ? 'grants' : 'deductions'}`, {
          body: { userId: b.id, amount: op.amount, reason: 'racing the merge' },
          headers: { 'idempotency-key': uniqueKey('race') },
        });
      // The merge starts once a third of the operations are under way, the rest follow it.
      const first = ops.slice(0, 40).map(send);
      await new Promise((r) => setImmediate(r));
      const merge = api('POST', `/v1/users/${b.id}/link`, { body: { code } });
      const rest = ops.slice(40).map(send);
      const results = await Promise.all([...first, ...rest]);
      const merged = await merge;
      expect(merged.status, merged.text).toBe(200);

      for (const r of results) expect(r.status, r.text).toBe(201);
      const granted = ops.filter((o) => o.kind === 'grant').reduce((s, o) => s + o.amount, 0);
      const deducted = ops.filter((o) => o.kind === 'deduction').reduce((s, o) => s + o.amount, 0);

      const survivor = await h.services.ledgerQueries.balance(a.id);
      expect(survivor.balance).toBe(5000 + 1000 + granted - deducted);
      expect(survivor.userId).toBe(a.id);
      expect(await h.services.ledgerQueries.balance(b.id)).toEqual(survivor);
      const left = await query<{ balance: string; closed: boolean }>(
        h.services.em,
        `select balance, closed_at is not null as closed from ledger_account where user_id = ?`,
        [b.id],
      );
      expect(left.length).toBeGreaterThan(0);
      for (const acc of left) expect(acc).toEqual({ balance: '0', closed: true });
      const verify = await h.services.ledgerQueries.verify();
      expect(verify.violations).toEqual([]);
      // Each answer names the user it acted on: B before the merge (those points moved), A after.
      const before = results.filter((r) => r.body.userId === b.id).length;
      console.info(
        `[merge.race] round ${round}: ${before} operation(s) landed before the merge (and moved), ${results.length - before} after it`,
      );
      expect(results.every((r) => r.body.userId === a.id || r.body.userId === b.id)).toBe(true);
    });
  }
});

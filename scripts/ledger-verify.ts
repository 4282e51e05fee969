// npm run ledger:verify: recomputes every ledger invariant; exits 1 on any violation.
import { withServices } from './script-context.js';

await withServices(
  async (s) => {
    const r = await s.ledgerQueries.verify();
    const t = r.totals;
    console.log(`entries ${t.entries}, postings ${t.postings}, user accounts ${t.userAccounts}`);
    console.log(
      `user balances ${t.userBalance} (held ${t.held} in ${t.activeHolds} active holds), lot remainders ${t.lotRemaining}`,
    );
    console.log(
      `system accounts ${Object.entries(t.system)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; sum of all postings ${t.sumAll}`,
    );
    if (r.ok) {
      console.log('ledger OK: every invariant holds');
      return 0;
    }
    for (const v of r.violations) console.error(`VIOLATION ${v}`);
    console.error(`ledger FAILED: ${r.violations.length} violation(s)`);
    return 1;
  },
  { existing: true },
);

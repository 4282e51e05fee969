// npm run ledger:expire: releases expired holds and moves expired lots to breakage (idempotent).
import { withServices } from './script-context.js';

await withServices(
  async (s) => {
    const r = await s.ledger.runExpiry();
    console.log(
      `released ${r.holdsReleased} expired hold(s); expired ${r.points} point(s) in ${r.accounts} account(s)`,
    );
    return 0;
  },
  { existing: true },
);

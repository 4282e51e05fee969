// npm run ledger:repair-merges: moves points that earlier versions left in merged users'
// accounts to the user each was merged into, as ledger entries (idempotent), and prints them.
import { withServices } from './script-context.js';
import { repairMerges } from '../src/ledger/ledger.merge.js';
import { mergedUsers } from '../src/membership/user.lock.js';

await withServices(
  async (s) => {
    const repaired = await repairMerges({ em: s.em, ledger: s.ledger, users: mergedUsers });
    let points = 0;
    for (const r of repaired) {
      points += r.points;
      const parts = [
        `${r.points} point(s) in ${r.lots} lot(s)${r.entryId ? ` (entry ${r.entryId})` : ''}`,
      ];
      if (r.holdsVoided)
        parts.push(`${r.holdsVoided} hold(s) of ${r.heldReleased} point(s) voided`);
      if (r.expired) parts.push(`${r.expired} expired point(s) to breakage`);
      console.log(
        `user ${r.fromUserId} → user ${r.toUserId}, ${r.kind} account ${r.accountId}: ${parts.join('; ')}; account closed`,
      );
    }
    const moved = repaired.filter((r) => r.points > 0).length;
    console.log(
      `moved ${points} point(s) from ${moved} merged account(s); ${repaired.length} account(s) checked and closed`,
    );
    return 0;
  },
  { existing: true },
);

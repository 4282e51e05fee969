// Moving a merged user's points to the survivor: each unexpired lot keeps its expiry date (one
// credit posting per expiry date), in one ledger entry. Shared by the merge itself and by
// ledger:repair-merges, which moves what earlier versions left behind.
import { query, type Em } from '../db/sql.js';
import type { LedgerService, Posting, UserAccountKind } from '../ledger/ledger.service.js';

export interface PointsMove {
  src: number;
  dst: number;
  kind: UserAccountKind;
  key: string;
  entryKind: 'merge' | 'merge.repair';
  actor: string;
  reason: string;
}

/** Moves the unexpired points of src's account of a kind to dst's; the caller holds both accounts' locks. */
export async function movePoints(
  tx: Em,
  ledger: LedgerService,
  m: PointsMove,
): Promise<{ points: number; lots: number; entryId: number | null }> {
  // Points past their expiry do not move: the debit below sends them to breakage first.
  const lots = await query<{ expires_at: Date | null; amount: string }>(
    tx,
    `select l.expires_at, sum(l.remaining) as amount from ledger_lot l join ledger_account a on a.id = l.account_id
      where a.user_id = ? and a.kind = ? and l.remaining > 0 and (l.expires_at is null or l.expires_at > now())
      group by l.expires_at order by l.expires_at nulls last`,
    [m.src, m.kind],
  );
  const total = lots.reduce((s, l) => s + Number(l.amount), 0);
  if (total === 0) return { points: 0, lots: 0, entryId: null };
  const from = await ledger.userAccount(m.src, m.kind, tx);
  const to = await ledger.userAccount(m.dst, m.kind, tx);
  const postings: Posting[] = [{ account: from, amount: -total }];
  for (const l of lots)
    postings.push({
      account: to,
      amount: Number(l.amount),
      expiresAt: l.expires_at ? new Date(l.expires_at).toISOString() : null,
    });
  const r = await ledger.postEntry(
    {
      key: m.key,
      kind: m.entryKind,
      actor: m.actor,
      reason: m.reason,
      metadata: { fromUserId: m.src, toUserId: m.dst },
      postings,
    },
    tx,
  );
  return { points: total, lots: lots.length, entryId: r.entryId };
}

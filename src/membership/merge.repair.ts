// ledger:repair-merges: earlier versions let points land in the accounts of users already
// merged into another (grants and holds by the merged id, a grant racing the merge), where no
// one could reach them. This moves them to the survivor (the end of the merge chain) as ledger
// entries, lots with their expiry dates, voids the holds left there and closes the accounts.
// Idempotent: an emptied account is not selected again, and each move's key names the account
// and the last entry it had, so a move retried on the same state replays instead of repeating.
import { inTransaction, query, queryOne, type Em } from '../db/sql.js';
import type { LedgerService, UserAccountKind } from '../ledger/ledger.service.js';
import { audit } from '../shared/audit.js';
import { movePoints } from './merge.points.js';
import { resolveUserId } from './user.lock.js';

export interface RepairedAccount {
  accountId: number;
  kind: UserAccountKind;
  fromUserId: number;
  toUserId: number;
  points: number;
  lots: number;
  entryId: number | null;
  holdsVoided: number;
  heldReleased: number;
  expired: number;
}

const ACTOR = 'system:repair-merges';

/** Accounts of merged users that hold anything, or that are still open. */
async function strandedAccounts(em: Em) {
  return query<{ id: string; user_id: string; kind: UserAccountKind }>(
    em,
    `select a.id, a.user_id, a.kind from ledger_account a join app_user u on u.id = a.user_id and u.merged_into_id is not null
      where a.balance <> 0 or a.held <> 0 or a.closed_at is null
         or exists (select 1 from ledger_hold h where h.account_id = a.id and h.status = 'active')
      order by a.id`,
  );
}

export async function repairMerges(deps: {
  em: Em;
  ledger: LedgerService;
}): Promise<RepairedAccount[]> {
  const out: RepairedAccount[] = [];
  for (const acc of await strandedAccounts(deps.em)) {
    const r = await inTransaction(deps.em, (tx) =>
      repairAccount(tx, deps.ledger, Number(acc.id), Number(acc.user_id), acc.kind),
    );
    if (r) out.push(r);
  }
  return out;
}

async function repairAccount(
  tx: Em,
  ledger: LedgerService,
  accountId: number,
  src: number,
  kind: UserAccountKind,
): Promise<RepairedAccount | null> {
  const dst = await resolveUserId(tx, src);
  // Lock order as everywhere: users' rows ascending, then their accounts ascending.
  await query(tx, `select id from app_user where id in (?, ?) order by id for no key update`, [
    src,
    dst,
  ]);
  await ledger.userAccount(dst, kind, tx);
  await query(
    tx,
    `select id from ledger_account where user_id in (?, ?) and kind = ? order by id for no key update`,
    [src, dst, kind],
  );
  const state = await queryOne<{
    balance: string;
    held: string;
    closed: boolean;
    last_entry: string | null;
  }>(
    tx,
    `select balance, held, closed_at is not null as closed,
            (select max(p.entry_id) from ledger_posting p where p.account_id = a.id) as last_entry
       from ledger_account a where id = ?`,
    [accountId],
  );
  if (!state) return null;

  // A hold left on a merged account can never be posted by anyone who can see it: release it.
  const holds = await query<{ id: string; amount: string }>(
    tx,
    `select id, amount from ledger_hold where account_id = ? and status = 'active' order by id`,
    [accountId],
  );
  for (const h of holds)
    await ledger.voidHold({ holdId: Number(h.id), key: `repair-merge:hold:${h.id}` }, tx);

  // The ledger functions refuse a closed account: open it for this transaction only (its rows
  // stay locked, so no one else sees it open), take what expired to breakage, move the rest.
  await query(tx, `update ledger_account set closed_at = null where id = ?`, [accountId]);
  const breakage = await ledger.systemAccount('breakage', tx);
  const expired = Number(
    (
      await queryOne<{ n: string }>(tx, `select xf_expire_account(?, ?) as n`, [
        accountId,
        breakage,
      ])
    )?.n ?? 0,
  );
  const moved = await movePoints(tx, ledger, {
    src,
    dst,
    kind,
    key: `repair-merge:${accountId}:${state.last_entry ?? 0}`,
    entryKind: 'merge.repair',
    actor: ACTOR,
    reason:
      'points left in a merged account moved to the account it was merged into, with their expiry dates',
  });
  await query(tx, `update ledger_account set closed_at = now() where id = ?`, [accountId]);

  const result: RepairedAccount = {
    accountId,
    kind,
    fromUserId: src,
    toUserId: dst,
    points: moved.points,
    lots: moved.lots,
    entryId: moved.entryId,
    holdsVoided: holds.length,
    heldReleased: holds.reduce((s, h) => s + Number(h.amount), 0),
    expired,
  };
  if (moved.points || holds.length || expired)
    await audit(tx, {
      actor: ACTOR,
      action: 'user.merge.repair',
      subject: `user:${dst}`,
      details: { ...result },
    });
  return result;
}

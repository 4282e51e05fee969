// The ledger's part of merging two users, and ledger:repair-merges. A merge moves the merged
// user's points to the survivor: each unexpired lot keeps its expiry date (one credit posting
// per expiry date) in one ledger entry, pending points too; then its accounts are closed. The
// repair moves what earlier versions left in merged users' accounts (grants and holds by the
// merged id, a grant racing the merge) the same way, voids the holds left there and closes
// them. Who is merged into whom is membership's: it is passed in, never read here.
import { DomainError } from '../shared/errors.js';
import { audit } from '../shared/audit.js';
import { inTransaction, query, queryOne, type Em } from '../db/sql.js';
import type { LedgerService, Posting, UserAccountKind } from './ledger.service.js';

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

/** The ledger's merge hook: its accounts of both users, locked first and moved last. */
export function ledgerMergeHook(ledger: LedgerService) {
  return {
    /** Both users' accounts exist and are locked, in ascending id like every ledger lock; an
     * active hold of the merged user (a redemption in progress) refuses the merge. */
    async check(from: number, into: number, tx: Em): Promise<void> {
      for (const kind of ['wallet', 'pending'] as const) await ledger.userAccount(from, kind, tx);
      await query(
        tx,
        `select id from ledger_account where user_id in (?, ?) order by id for no key update`,
        [from, into],
      );
      const held = await queryOne(
        tx,
        `select 1 from ledger_hold h join ledger_account a on a.id = h.account_id where a.user_id = ? and h.status = 'active' limit 1`,
        [from],
      );
      if (held)
        throw new DomainError(
          'conflict',
          'this account has a payment or redemption in progress; finish it, then link again',
        );
    },

    /** Points move with their expiry dates; the merged user's accounts are closed after. */
    async mergeUser(from: number, into: number, tx: Em, ctx: { actor: string; now: Date }) {
      const move = (kind: UserAccountKind) =>
        movePoints(tx, ledger, {
          src: from,
          dst: into,
          kind,
          key: `merge:${from}:${into}:${kind}`,
          entryKind: 'merge',
          actor: ctx.actor,
          reason: 'linked accounts merged: points moved with their expiry dates',
        });
      const wallet = await move('wallet');
      const pending = await move('pending');
      await query(tx, `update ledger_account set closed_at = ?::timestamptz where user_id = ?`, [
        ctx.now.toISOString(),
        from,
      ]);
      return {
        pointsMoved: wallet.points,
        pendingMoved: pending.points,
        lotsMoved: wallet.lots + pending.lots,
      };
    },
  };
}

/** What the repair needs to know of merged users; membership answers it. */
export interface MergedUsers {
  /** Every user merged into another. */
  mergedUserIds(em: Em): Promise<number[]>;
  /** The user a merged user's id now stands for (the end of its merge chain). */
  survivorOf(tx: Em, userId: number): Promise<number>;
  /** Locks these users' rows as they are, merged or not, in ascending id. */
  lockRows(tx: Em, userIds: number[]): Promise<void>;
}

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
async function strandedAccounts(em: Em, users: MergedUsers) {
  const merged = await users.mergedUserIds(em);
  if (!merged.length) return [];
  return query<{ id: string; user_id: string; kind: UserAccountKind }>(
    em,
    `select a.id, a.user_id, a.kind from ledger_account a
      where a.user_id = any(?::bigint[])
        and (a.balance <> 0 or a.held <> 0 or a.closed_at is null
             or exists (select 1 from ledger_hold h where h.account_id = a.id and h.status = 'active'))
      order by a.id`,
    [`{${merged.join(',')}}`],
  );
}

/**
 * Idempotent: an emptied account is not selected again, and each move's key names the account
 * and the last entry it had, so a move retried on the same state replays instead of repeating.
 */
export async function repairMerges(deps: {
  em: Em;
  ledger: LedgerService;
  users: MergedUsers;
}): Promise<RepairedAccount[]> {
  const out: RepairedAccount[] = [];
  for (const acc of await strandedAccounts(deps.em, deps.users)) {
    const r = await inTransaction(deps.em, (tx) =>
      repairAccount(tx, deps, Number(acc.id), Number(acc.user_id), acc.kind),
    );
    if (r) out.push(r);
  }
  return out;
}

async function repairAccount(
  tx: Em,
  deps: { ledger: LedgerService; users: MergedUsers },
  accountId: number,
  src: number,
  kind: UserAccountKind,
): Promise<RepairedAccount | null> {
  const { ledger } = deps;
  const dst = await deps.users.survivorOf(tx, src);
  // Lock order as everywhere: users' rows ascending, then their accounts ascending.
  await deps.users.lockRows(tx, [src, dst]);
  await ledger.userAccount(dst, kind, tx);
  await query(
    tx,
    `select id from ledger_account where user_id in (?, ?) and kind = ? order by id for no key update`,
    [src, dst, kind],
  );
  const state = await queryOne<{ last_entry: string | null }>(
    tx,
    `select (select max(p.entry_id) from ledger_posting p where p.account_id = a.id) as last_entry
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

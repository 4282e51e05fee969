// Identity linking: a user asks for a one-time code (10 minutes) in one channel and enters it
// from another; the entering user is merged into the code's owner, in one transaction. Each
// module moves its own rows through its merge hook (given by the composition, in order): the
// ledger moves balances with their lots and expiry dates and closes the merged user's accounts
// (they are locked before their points are read, so a concurrent credit either lands before
// and moves, or finds the account closed and goes to the survivor); orders, rewards and
// membership's own rows follow. The merge is audited.
import { createHash } from 'node:crypto';
import { DomainError } from '../shared/errors.js';
import { audit } from '../shared/audit.js';
import { MINUTE, type Clock } from '../shared/clock.js';
import { normalizeCode, randomCode } from '../shared/codes.js';
import { inTransaction, query, queryOne, type Em } from '../db/sql.js';
import type { MembershipService } from './membership.service.js';
import { lockUsers, resolveUserId } from './user.lock.js';
import { mergeMembership } from './membership.merge.js';

export const LINK_CODE_TTL_MS = 10 * MINUTE;

const hashCode = (code: string) => createHash('sha256').update(normalizeCode(code)).digest('hex');

export interface MergeResult {
  userId: number;
  mergedUserId: number;
  pointsMoved: number;
  pendingMoved: number;
  lotsMoved: number;
  identities: { channel: string; externalId: string }[];
  enrollmentsMoved: number;
  notes: string[];
}

/** What a module reports of the rows it merged; the link sums them into the MergeResult. */
export interface MergeOutcome {
  pointsMoved?: number;
  pendingMoved?: number;
  lotsMoved?: number;
  enrollmentsMoved?: number;
  notes?: string[];
}

/** A module's part of a merge, on its own tables, in the caller's transaction. */
export interface MergeHook {
  /** Locks what the module must and refuses (conflict) while `from` has something in progress;
   * every hook's check runs before any hook merges. */
  check?(from: number, into: number, tx: Em): Promise<void>;
  mergeUser(
    from: number,
    into: number,
    tx: Em,
    ctx: { actor: string; now: Date },
  ): Promise<MergeOutcome>;
}

export type LinkService = ReturnType<typeof createLinkService>;

export function createLinkService(deps: {
  em: Em;
  clock: Clock;
  membership: MembershipService;
  /** In the order they run: the ledger's must come after any hook that takes points back. */
  hooks: MergeHook[];
}) {
  async function createCode(userId: number): Promise<{ code: string; expiresAt: string }> {
    const id = await resolveUserId(deps.em, userId);
    const now = deps.clock.now();
    const expiresAt = new Date(now.getTime() + LINK_CODE_TTL_MS);
    return inTransaction(deps.em, async (tx) => {
      await query(tx, `delete from link_code where user_id = ? and used_at is null`, [id]);
      for (;;) {
        const code = randomCode(8);
        const ok = await query(
          tx,
          `insert into link_code (code_hash, user_id, expires_at, created_at) values (?, ?, ?::timestamptz, ?::timestamptz) on conflict do nothing returning user_id`,
          [hashCode(code), id, expiresAt.toISOString(), now.toISOString()],
        );
        if (ok.length) return { code, expiresAt: expiresAt.toISOString() };
      }
    });
  }

  /** Enters a link code as `userId`: that user is merged into the code's owner. */
  async function redeemCode(userId: number, rawCode: string, actor = 'api'): Promise<MergeResult> {
    const now = deps.clock.now();
    return inTransaction(deps.em, async (tx) => {
      const src = await resolveUserId(tx, userId);
      const row = await queryOne<{ user_id: string }>(
        tx,
        `update link_code set used_at = ?::timestamptz, used_by_user_id = ? where code_hash = ? and used_at is null and expires_at > ?::timestamptz returning user_id`,
        [now.toISOString(), src, hashCode(rawCode), now.toISOString()],
      );
      if (!row)
        throw new DomainError(
          'link_code_invalid',
          'this link code is unknown, used or expired; ask for a new one',
        );
      const dst = await resolveUserId(tx, Number(row.user_id));
      if (dst === src)
        throw new DomainError(
          'conflict',
          'these identities are already linked to the same account',
        );
      // Locked, both must still be unmerged: a link of either committed while we waited is a retry.
      const locked = (await lockUsers(tx, [src, dst])).map((u) => u.id);
      if (!locked.includes(src) || !locked.includes(dst)) {
        throw new DomainError(
          'conflict',
          'one of these accounts was linked to another meanwhile; ask for a new code and link again',
        );
      }
      for (const hook of deps.hooks) await hook.check?.(src, dst, tx);
      const ctx = { actor: `${actor}:merge`, now };
      const outcomes: MergeOutcome[] = [];
      for (const hook of deps.hooks) outcomes.push(await hook.mergeUser(src, dst, tx, ctx));
      const { identities } = await mergeMembership(src, dst, tx, ctx);
      await deps.membership.recompute(dst, 'merge', tx);
      const sum = (k: 'pointsMoved' | 'pendingMoved' | 'lotsMoved' | 'enrollmentsMoved') =>
        outcomes.reduce((s, o) => s + (o[k] ?? 0), 0);
      const result: MergeResult = {
        userId: dst,
        mergedUserId: src,
        pointsMoved: sum('pointsMoved'),
        pendingMoved: sum('pendingMoved'),
        lotsMoved: sum('lotsMoved'),
        identities,
        enrollmentsMoved: sum('enrollmentsMoved'),
        notes: outcomes.flatMap((o) => o.notes ?? []),
      };
      await audit(tx, {
        actor,
        action: 'user.merge',
        subject: `user:${dst}`,
        details: { ...result },
      });
      return result;
    });
  }

  return { createCode, redeemCode };
}

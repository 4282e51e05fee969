// The ledger's application service: typed calls onto the database functions of
// src/ledger/sql/ (one round trip per operation), plus reads. Every mutation carries an
// idempotency key; a replay returns the first outcome, a different body is a conflict.
import { DomainError } from '../shared/errors.js';
import { inTransaction, query, queryOne, withRetry, type Em } from '../db/sql.js';
import { requestHash } from './idempotency.js';
import type { BatcherOptions } from './ledger.batcher.js';
import { createMergedAccounts } from './ledger.merged.js';
import {
  createLedgerAccounts,
  type SystemAccount,
  type UserAccountKind,
} from './ledger.accounts.js';
import { createLedgerCalls, type DbResult } from './ledger.calls.js';
import { createHoldOps } from './ledger.holds.js';
import type { Logger } from '../shared/logger.js';

export { type SystemAccount, type UserAccountKind } from './ledger.accounts.js';

export interface LedgerDeps {
  em: Em;
  logger: Logger;
  expiry: { months: number; timeZone: string };
  batching?: BatcherOptions;
  /** The user that answers for a user id (a merged user's survivor); every call naming a user goes through it. */
  resolveUser?: (em: Em, userId: number) => Promise<number>;
}

export interface Posting {
  account: number;
  amount: number;
  /** Lot expiry for a credit; null = never; omitted = the default policy. */
  expiresAt?: string | null;
}

export interface EntryRequest {
  key: string;
  kind: string;
  actor: string;
  reason: string;
  metadata?: Record<string, unknown>;
  postings: Posting[];
}

export interface AccountState {
  balance: number;
  held: number;
}

export interface EntryResult {
  entryId: number;
  accounts: Record<string, AccountState>;
  replayed: boolean;
}

export type LedgerService = ReturnType<typeof createLedgerService>;

export function createLedgerService(deps: LedgerDeps) {
  const expiry = { months: deps.expiry.months, tz: deps.expiry.timeZone };
  const { closedError, onUser, retryClosed } = createMergedAccounts(deps);
  const accounts = createLedgerAccounts(deps);
  const { systemAccount, systemAccountIds, userAccount } = accounts;
  const { call } = createLedgerCalls({ em: deps.em, batching: deps.batching, closedError });
  const holds = createHoldOps({ em: deps.em, expiry, call, accounts, onUser, assertAmount });

  function toEntryResult(r: DbResult): EntryResult {
    return {
      entryId: Number(r.entryId),
      accounts: (r.accounts ?? {}) as Record<string, AccountState>,
      replayed: Boolean(r.replayed),
    };
  }

  /** `hash` (the idempotency fingerprint) defaults to one of the entry itself. */
  async function postEntry(req: EntryRequest, em?: Em, hash?: string): Promise<EntryResult> {
    assertPostings(req.postings);
    hash ??= requestHash('entry', {
      kind: req.kind,
      reason: req.reason,
      postings: req.postings,
      metadata: req.metadata ?? {},
    });
    const r = await call('xf_transfer', { ...req, metadata: req.metadata ?? {}, hash, expiry }, em);
    return toEntryResult(r);
  }

  interface MoveRequest {
    key: string;
    userId: number;
    amount: number;
    reason: string;
    actor: string;
    kind?: string;
    metadata?: Record<string, unknown>;
    expiresAt?: string | null;
    /** The system account on the other side. */
    counterpart?: SystemAccount;
    accountKind?: UserAccountKind;
  }

  // A move's fingerprint is the request as the caller named it (the user id it sent), so a retry
  // after that user was merged replays the first outcome instead of conflicting with it.
  const moveHash = (op: string, { key: _k, actor: _a, ...body }: MoveRequest) =>
    requestHash(`move.${op}`, { ...body, metadata: body.metadata ?? {} });

  /** Credits a user's wallet (a merged user's: the survivor's) from a system account (default issuance). */
  async function credit(req: MoveRequest, em?: Em) {
    assertAmount(req.amount);
    return onUser(req.userId, em, async (userId) => {
      const account = await userAccount(userId, req.accountKind ?? 'wallet', em);
      const other = await systemAccount(req.counterpart ?? 'issuance', em);
      const posting: Posting = { account, amount: req.amount };
      if (req.expiresAt !== undefined) posting.expiresAt = req.expiresAt;
      const r = await postEntry(
        {
          key: req.key,
          kind: req.kind ?? 'grant.admin',
          actor: req.actor,
          reason: req.reason,
          metadata: req.metadata,
          postings: [{ account: other, amount: -req.amount }, posting],
        },
        em,
        moveHash('credit', req),
      );
      return { ...r, userId, balance: userBalance(r, account) };
    });
  }

  /** Debits a user's wallet (a merged user's: the survivor's) to a system account (default redemption). */
  async function debit(req: MoveRequest, em?: Em) {
    assertAmount(req.amount);
    return onUser(req.userId, em, async (userId) => {
      const account = await userAccount(userId, req.accountKind ?? 'wallet', em);
      const other = await systemAccount(req.counterpart ?? 'redemption', em);
      const r = await postEntry(
        {
          key: req.key,
          kind: req.kind ?? 'deduct.admin',
          actor: req.actor,
          reason: req.reason,
          metadata: req.metadata,
          postings: [
            { account, amount: -req.amount },
            { account: other, amount: req.amount },
          ],
        },
        em,
        moveHash('debit', req),
      );
      return { ...r, userId, balance: userBalance(r, account) };
    });
  }

  // A move has one user account; a replay from before a merge names the merged user's.
  const userBalance = (r: EntryResult, account: number) =>
    (r.accounts[String(account)] ?? Object.values(r.accounts)[0])?.balance ?? 0;

  async function reverse(
    req: {
      entryId: number;
      key: string;
      actor: string;
      reason: string;
      metadata?: Record<string, unknown>;
    },
    em?: Em,
  ) {
    const body = { entryId: req.entryId, reason: req.reason, metadata: req.metadata ?? {} };
    const r = await retryClosed(() =>
      call(
        'xf_reverse',
        { ...body, key: req.key, actor: req.actor, hash: requestHash('reverse', body), expiry },
        em,
      ),
    );
    return { ...toEntryResult(r), reversedEntryId: req.entryId };
  }

  /** Releases expired holds and moves expired lot remainders to breakage. Idempotent. */
  async function runExpiry(): Promise<{ holdsReleased: number; accounts: number; points: number }> {
    const holds = await withRetry(async () => {
      const row = await queryOne<{ n: number }>(
        deps.em,
        `select xf_release_expired_holds(null) as n`,
      );
      return Number(row?.n ?? 0);
    });
    const breakage = await systemAccount('breakage');
    const due = await query<{ account_id: string }>(
      deps.em,
      `select distinct account_id from ledger_lot where remaining > 0 and expires_at <= now() order by account_id`,
    );
    let points = 0;
    let accounts = 0;
    for (const { account_id } of due) {
      const moved = await inTransaction(deps.em, async (tx) => {
        const row = await queryOne<{ n: string }>(tx, `select xf_expire_account(?, ?) as n`, [
          Number(account_id),
          breakage,
        ]);
        return Number(row?.n ?? 0);
      });
      if (moved > 0) {
        accounts++;
        points += moved;
      }
    }
    if (holds || points)
      deps.logger.info({ holdsReleased: holds, accounts, points }, 'ledger expiry run');
    return { holdsReleased: holds, accounts, points };
  }

  return {
    systemAccount,
    systemAccountIds,
    userAccount,
    postEntry,
    credit,
    debit,
    ...holds,
    reverse,
    runExpiry,
  };
}

export function assertAmount(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new DomainError('invalid_input', 'amount must be a positive integer');
  }
}

function assertPostings(postings: Posting[]): void {
  if (postings.length < 2) throw new Error('an entry needs at least two postings');
  let sum = 0;
  for (const p of postings) {
    if (!Number.isSafeInteger(p.amount) || p.amount === 0)
      throw new Error(`bad posting amount ${p.amount}`);
    sum += p.amount;
  }
  if (sum !== 0) throw new Error(`postings do not balance (sum ${sum})`);
}

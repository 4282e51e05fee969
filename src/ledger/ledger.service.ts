// The ledger's application service: typed calls onto the database functions of the ledger
// migration (one round trip per operation), plus reads. Every mutation carries an
// idempotency key; a replay returns the first outcome, a different body is a conflict.
import { DomainError, type ErrorCode } from '../shared/errors.js';
import {
  execPrepared,
  inTransaction,
  pgErrorCode,
  query,
  queryOne,
  withRetry,
  type Em,
} from '../db/sql.js';
import { requestHash } from './idempotency.js';
import { createLedgerBatcher, type BatcherOptions } from './ledger.batcher.js';
import { CLOSED_ACCOUNT, createMergedAccounts } from './ledger.merged.js';
import type { Logger } from '../shared/logger.js';
import { countLedgerOperation } from '../shared/metrics.js';

export const SYSTEM_ACCOUNTS = [
  'issuance',
  'redemption',
  'breakage',
  'promotions',
  'refunds',
] as const;
export type SystemAccount = (typeof SYSTEM_ACCOUNTS)[number];
export type UserAccountKind = 'wallet' | 'pending';

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

type DbResult = {
  status: 'ok' | 'error' | 'failed';
  code?: string;
  message?: string;
  details?: unknown;
  replayed?: boolean;
} & Record<string, unknown>;

export type LedgerService = ReturnType<typeof createLedgerService>;

export function createLedgerService(deps: LedgerDeps) {
  const expiry = { months: deps.expiry.months, tz: deps.expiry.timeZone };
  const { closedError, onUser, retryClosed } = createMergedAccounts(deps);
  let systemIds: Record<SystemAccount, number> | undefined;

  const batcher = createLedgerBatcher<DbResult>(
    {
      single: (fn, payload) =>
        withRetry(
          async () =>
            (
              await execPrepared<{ r: DbResult }>(deps.em, fn, `select ${fn}($1::jsonb) as r`, [
                payload,
              ])
            )[0]!.r,
        ),
      batch: (payload) =>
        withRetry(
          async () =>
            (
              await execPrepared<{ r: DbResult[] }>(
                deps.em,
                'xf_batch',
                `select xf_batch($1::jsonb) as r`,
                [payload],
              )
            )[0]!.r,
        ),
    },
    deps.batching,
  );

  /** Calls one ledger function, counting it by kind and outcome for the metrics. */
  async function call(fn: string, payload: Record<string, unknown>, em?: Em): Promise<DbResult> {
    const kind = fn.slice(3);
    try {
      const result = await callDb(fn, payload, em);
      countLedgerOperation(kind, result.replayed ? 'replayed' : 'ok');
      return result;
    } catch (err) {
      countLedgerOperation(kind, err instanceof DomainError ? err.code : 'error');
      throw err;
    }
  }

  /** Calls one ledger function; standalone calls get their own retried transaction. */
  async function callDb(fn: string, payload: Record<string, unknown>, em?: Em): Promise<DbResult> {
    const payloadJson = JSON.stringify(payload);
    let result: DbResult;
    try {
      if (em)
        result = (await queryOne<{ r: DbResult }>(em, `select ${fn}(?::jsonb) as r`, [
          payloadJson,
        ]))!.r;
      else if (fn === 'xf_transfer' || fn === 'xf_hold_reserve')
        result = await batcher.submit(fn, payloadJson);
      else
        result = await withRetry(
          async () =>
            (
              await execPrepared<{ r: DbResult }>(deps.em, fn, `select ${fn}($1::jsonb) as r`, [
                payloadJson,
              ])
            )[0]!.r,
        );
    } catch (err) {
      if (pgErrorCode(err) !== CLOSED_ACCOUNT) throw err;
      throw closedError(em);
    }
    if (result.status === 'failed' && result.sqlstate === CLOSED_ACCOUNT) throw closedError(em);
    if (result.status === 'failed') {
      throw new Error(
        `ledger operation failed in the database (${String(result.sqlstate)}): ${String(result.message)}`,
      );
    }
    if (result.status !== 'ok') {
      throw new DomainError(
        (result.code ?? 'conflict') as ErrorCode,
        result.message ?? 'ledger error',
        result.details,
      );
    }
    return result;
  }

  async function systemAccountIds(em: Em = deps.em): Promise<Record<SystemAccount, number>> {
    if (!systemIds) {
      const rows = await query<{ id: string; code: SystemAccount }>(
        em,
        `select id, code from ledger_account where kind = 'system'`,
      );
      systemIds = Object.fromEntries(rows.map((r) => [r.code, Number(r.id)])) as Record<
        SystemAccount,
        number
      >;
    }
    return systemIds;
  }

  async function systemAccount(code: SystemAccount, em?: Em): Promise<number> {
    return (await systemAccountIds(em))[code];
  }

  // Account ids never change once created, so they are safe to remember.
  const accountIds = new Map<string, number>();

  /** The user's account of a kind, created on first use. */
  async function userAccount(
    userId: number,
    kind: UserAccountKind = 'wallet',
    em: Em = deps.em,
  ): Promise<number> {
    const cacheKey = `${kind}:${userId}`;
    const cached = accountIds.get(cacheKey);
    if (cached !== undefined) return cached;
    const id = await findOrCreateAccount(userId, kind, em);
    if (!em.isInTransaction()) accountIds.set(cacheKey, id);
    return id;
  }

  async function findOrCreateAccount(
    userId: number,
    kind: UserAccountKind,
    em: Em,
  ): Promise<number> {
    const found = await queryOne<{ id: string }>(
      em,
      `select id from ledger_account where user_id = ? and kind = ?`,
      [userId, kind],
    );
    if (found) return Number(found.id);
    // An account made for a merged user is born closed: no point can land in it.
    const created = await queryOne<{ id: string }>(
      em,
      `insert into ledger_account (code, kind, user_id, closed_at)
       select ?, ?, id, case when merged_into_id is null then null else now() end from app_user where id = ?
       on conflict (user_id, kind) do update set kind = excluded.kind returning id`,
      [`${kind}:${userId}`, kind, userId],
    );
    if (!created) throw new DomainError('user_not_found', `no user with id ${userId}`);
    return Number(created.id);
  }

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

  async function reserve(
    req: {
      key: string;
      userId: number;
      amount: number;
      ttlSeconds: number;
      reason: string;
      actor: string;
      kind?: string;
      metadata?: Record<string, unknown>;
    },
    em?: Em,
  ) {
    assertAmount(req.amount);
    return onUser(req.userId, em, async (userId) => {
      const account = await userAccount(userId, 'wallet', em);
      const body = {
        account,
        amount: req.amount,
        ttlSeconds: req.ttlSeconds,
        kind: req.kind ?? 'deduct.hold',
        actor: req.actor,
        reason: req.reason,
        metadata: req.metadata ?? {},
      };
      const hash = requestHash('hold', { ...body, account: undefined, userId: req.userId });
      const r = await call('xf_hold_reserve', { ...body, key: req.key, hash }, em);
      const wallet = toEntryResult(r).accounts[String(account)];
      return {
        holdId: Number(r.holdId),
        userId,
        expiresAt: new Date(String(r.expiresAt)).toISOString(),
        replayed: Boolean(r.replayed),
        /** The wallet with this hold: its balance and all it holds. */
        balance: Number(wallet?.balance ?? 0),
        held: Number(wallet?.held ?? 0),
      };
    });
  }

  async function postHold(
    req: {
      holdId: number;
      amount?: number;
      key?: string;
      kind?: string;
      actor?: string;
      reason?: string;
      metadata?: Record<string, unknown>;
      creditTo?: SystemAccount;
    },
    em?: Em,
  ) {
    if (req.amount !== undefined && (!Number.isSafeInteger(req.amount) || req.amount < 0)) {
      throw new DomainError('invalid_input', 'amount must be a non-negative integer');
    }
    const creditAccount = await systemAccount(req.creditTo ?? 'redemption', em);
    const body = {
      holdId: req.holdId,
      amount: req.amount ?? null,
      creditAccount,
      kind: req.kind,
      actor: req.actor,
      reason: req.reason,
      metadata: req.metadata,
    };
    const hash = requestHash('hold.post', body);
    const key = req.key ?? (await implicitHoldKey(req.holdId, `post:${hash.slice(0, 24)}`, em));
    const r = await call('xf_hold_post', { ...body, key, hash, expiry }, em);
    return {
      holdId: req.holdId,
      entryId: r.entryId == null ? null : Number(r.entryId),
      postedAmount: Number(r.postedAmount),
      replayed: Boolean(r.replayed),
      /** The balance of the hold's wallet after the posting. */
      balance: userBalance(toEntryResult(r), 0),
    };
  }

  async function voidHold(req: { holdId: number; key?: string }, em?: Em) {
    const body = { holdId: req.holdId };
    const key = req.key ?? (await implicitHoldKey(req.holdId, 'void', em));
    const r = await call(
      'xf_hold_void',
      { ...body, key, hash: requestHash('hold.void', body) },
      em,
    );
    return { holdId: req.holdId, replayed: Boolean(r.replayed) };
  }

  /**
   * The key of a post or void sent without one: the hold and the request itself, so a retry
   * replays the outcome while a different request (another amount after a refused one) is
   * answered on its own. A hold that does not exist (yet) is refused before any key is stored:
   * that refusal must not stick to the hold once it exists.
   */
  async function implicitHoldKey(holdId: number, what: string, em?: Em) {
    const hold = await queryOne(em ?? deps.em, `select 1 from ledger_hold where id = ?`, [holdId]);
    if (!hold) throw new DomainError('hold_not_found', 'no such hold');
    return `hold:${holdId}:${what}`;
  }

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
    reserve,
    postHold,
    voidHold,
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

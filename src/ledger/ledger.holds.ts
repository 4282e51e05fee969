// Holds through the service: reserve points for a while, then post them (all or part) or void
// the hold. The database functions (src/ledger/sql/40-holds.sql) do the work in one round trip.
import { DomainError } from '../shared/errors.js';
import { queryOne, type Em } from '../db/sql.js';
import { requestHash } from './idempotency.js';
import type { createLedgerAccounts, SystemAccount } from './ledger.accounts.js';
import type { createLedgerCalls, DbResult } from './ledger.calls.js';

export interface HoldOpsDeps {
  em: Em;
  expiry: { months: number; tz: string };
  call: ReturnType<typeof createLedgerCalls>['call'];
  accounts: ReturnType<typeof createLedgerAccounts>;
  onUser: <T>(userId: number, em: Em | undefined, op: (id: number) => Promise<T>) => Promise<T>;
  assertAmount: (amount: number) => void;
}

export function createHoldOps(deps: HoldOpsDeps) {
  const { call, accounts, expiry } = deps;

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
    deps.assertAmount(req.amount);
    return deps.onUser(req.userId, em, async (userId) => {
      const account = await accounts.userAccount(userId, 'wallet', em);
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
      const wallet = walletIn(r, account);
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
    const creditAccount = await accounts.systemAccount(req.creditTo ?? 'redemption', em);
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
      balance: Number(walletIn(r)?.balance ?? 0),
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

  return { reserve, postHold, voidHold };
}

/** A wallet's state as a ledger function returned it (the given account, else the only one). */
function walletIn(
  r: DbResult,
  account?: number,
): { balance?: unknown; held?: unknown } | undefined {
  const states = (r.accounts ?? {}) as Record<string, { balance?: unknown; held?: unknown }>;
  return (account !== undefined && states[String(account)]) || Object.values(states)[0];
}

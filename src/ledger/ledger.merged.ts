// Accounts closed by a merge. A merge empties the merged user's accounts and closes them under
// their row locks; the ledger functions then refuse them (SQLSTATE XF002) before storing
// anything under the idempotency key. A standalone operation naming a user is then sent again
// to the survivor, which is how a grant racing a merge ends where the survivor can reach it.
import { DomainError } from '../shared/errors.js';
import type { Em } from '../db/sql.js';

export const CLOSED_ACCOUNT = 'XF002';
/** Tries of one operation while merges close the accounts it names (a chain of merges at most). */
const CLOSED_ATTEMPTS = 8;

export class AccountClosedError extends Error {}

export function createMergedAccounts(deps: {
  em: Em;
  /** The user that answers for a user id: a merged user's survivor. */
  resolveUser?: (em: Em, userId: number) => Promise<number>;
}) {
  // Inside a caller's transaction the refusal has aborted it: only the caller can start over.
  // Callers lock the user first (membership's lockUser), which a merge waits for, so this is
  // a merge that slipped past an unlocked caller: a conflict to retry, with nothing written.
  function closedError(em?: Em): Error {
    if (em)
      return new DomainError(
        'conflict',
        'this account was merged into another while the request ran; send it again',
      );
    return new AccountClosedError('ledger account closed by a merge');
  }

  /**
   * Runs op on userId, and on its survivor once the database says the account is closed: a
   * merged user's accounts are all closed (an account made for one later is born closed), so
   * the common case, a user never merged, costs no look-up. Inside a caller's transaction the
   * caller has locked (and so resolved) the user already.
   */
  async function onUser<T>(
    userId: number,
    em: Em | undefined,
    op: (resolvedId: number) => Promise<T>,
  ): Promise<T> {
    if (em || !deps.resolveUser) return retryClosed(() => op(userId));
    const resolve = deps.resolveUser;
    let id = userId;
    return retryClosed(async () => {
      try {
        return await op(id);
      } catch (err) {
        if (err instanceof AccountClosedError) id = await resolve(deps.em, userId);
        throw err;
      }
    });
  }

  /** A standalone call: again once a merge has settled the accounts it names. */
  async function retryClosed<T>(op: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await op();
      } catch (err) {
        if (!(err instanceof AccountClosedError) || attempt >= CLOSED_ATTEMPTS) throw err;
      }
    }
  }

  return { closedError, onUser, retryClosed };
}

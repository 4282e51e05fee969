// The ledger's accounts: the system accounts (seeded by the migrations) and each user's wallet
// and pending accounts, created on first use. Membership's state reaches the ledger only through
// the injected resolveUser: an account made for a merged user is born closed.
import { DomainError } from '../shared/errors.js';
import { pgErrorCode, query, queryOne, type Em } from '../db/sql.js';

export const SYSTEM_ACCOUNTS = [
  'issuance',
  'redemption',
  'breakage',
  'promotions',
  'refunds',
] as const;
export type SystemAccount = (typeof SYSTEM_ACCOUNTS)[number];
export type UserAccountKind = 'wallet' | 'pending';

export function createLedgerAccounts(deps: {
  em: Em;
  /** The user that answers for a user id (a merged user's survivor); throws user_not_found. */
  resolveUser?: (em: Em, userId: number) => Promise<number>;
}) {
  let systemIds: Record<SystemAccount, number> | undefined;

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
    // A user another was merged into answers for it: then no point may land in its account.
    const merged = deps.resolveUser ? (await deps.resolveUser(em, userId)) !== userId : false;
    try {
      const created = await queryOne<{ id: string }>(
        em,
        `insert into ledger_account (code, kind, user_id, closed_at)
         values (?, ?, ?, case when ? then now() end)
         on conflict (user_id, kind) do update set kind = excluded.kind returning id`,
        [`${kind}:${userId}`, kind, userId, merged],
      );
      return Number(created!.id);
    } catch (err) {
      if (pgErrorCode(err) === '23503')
        throw new DomainError('user_not_found', `no user with id ${userId}`);
      throw err;
    }
  }

  return { systemAccount, systemAccountIds, userAccount };
}

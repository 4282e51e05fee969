// The one figure a redemption needs before it reserves points: what the user's wallet holds
// and how much of it is free, in one statement (balanceOf also lists upcoming expiries).
import { queryOne, type Em } from '../db/sql.js';

export interface WalletFunds {
  balance: number;
  held: number;
  available: number;
}

/** Balance and free points as of the database clock, counted as balanceOf counts them. */
export async function walletFunds(em: Em, userId: number): Promise<WalletFunds> {
  const row = await queryOne<{ balance: string; held: string; due: string }>(
    em,
    `select coalesce(w.balance, 0) as balance,
            coalesce((select sum(h.amount) from ledger_hold h
                       where h.account_id = w.id and h.status = 'active' and h.expires_at > now()), 0) as held,
            coalesce((select sum(l.remaining) from ledger_lot l
                       where l.account_id = w.id and l.remaining > 0 and l.expires_at <= now()), 0) as due
       from (select 1) one left join ledger_account w on w.user_id = ? and w.kind = 'wallet'`,
    [userId],
  );
  const held = Number(row?.held ?? 0);
  const cached = Number(row?.balance ?? 0);
  const balance = cached - Math.max(0, Math.min(Number(row?.due ?? 0), cached - held));
  return { balance, held, available: balance - held };
}

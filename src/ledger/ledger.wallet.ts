// A user's wallet as of the database clock, counted one way everywhere: holds past their expiry
// no longer count, and points past theirs are gone but for what an active hold still covers
// (the expiry job moves exactly that, and every debit does it first).
import { queryOne, type Em } from '../db/sql.js';

export interface WalletFunds {
  balance: number;
  held: number;
  available: number;
}

export interface BalanceView extends WalletFunds {
  pending: number;
  expiring: { amount: number; expiresAt: string }[];
}

export interface WalletView extends BalanceView {
  /** The points left in the wallet per expiry date (null = never), soonest first, including
   * those past their date that the expiry job has not taken yet. */
  lots: { expiresAt: string | null; amount: number }[];
}

/** The cached balance, what active holds cover and what is due, for the wallet `w` joined below. */
const FIGURES = `coalesce(w.balance, 0) as balance,
  coalesce((select sum(h.amount) from ledger_hold h
             where h.account_id = w.id and h.status = 'active' and h.expires_at > now()), 0) as held,
  coalesce((select sum(l.remaining) from ledger_lot l
             where l.account_id = w.id and l.remaining > 0 and l.expires_at <= now()), 0) as due`;
const WALLET = `from (select 1) one left join ledger_account w on w.user_id = ? and w.kind = 'wallet'`;

type FiguresRow = { balance: string; held: string; due: string } | undefined;

function fundsOf(row: FiguresRow): WalletFunds {
  const held = Number(row?.held ?? 0);
  const cached = Number(row?.balance ?? 0);
  const balance = cached - Math.max(0, Math.min(Number(row?.due ?? 0), cached - held));
  return { balance, held, available: balance - held };
}

/** Balance and free points: the one figure a redemption needs before it reserves points. */
export async function walletFunds(em: Em, userId: number): Promise<WalletFunds> {
  return fundsOf(await queryOne(em, `select ${FIGURES} ${WALLET}`, [userId]));
}

/** The funds, pending points and the wallet's lots by expiry date, in one statement. */
export async function walletView(em: Em, userId: number): Promise<WalletView> {
  const row = await queryOne<
    NonNullable<FiguresRow> & {
      pending: string;
      /** [expiry in ms since the epoch, amount, still ahead]. */
      lots: [number | null, number, boolean | null][] | null;
    }
  >(
    em,
    `select ${FIGURES},
            coalesce((select p.balance from ledger_account p where p.user_id = ? and p.kind = 'pending'), 0) as pending,
            (select json_agg(json_build_array(floor(extract(epoch from g.expires_at) * 1000)::bigint,
                                              g.amount, g.expires_at > now())
                             order by g.expires_at nulls last)
               from (select l.expires_at, sum(l.remaining) as amount from ledger_lot l
                      where l.account_id = w.id and l.remaining > 0 group by l.expires_at) g) as lots
       ${WALLET}`,
    [userId, userId],
  );
  const lots = (row?.lots ?? []).map(([at, amount, ahead]) => ({
    expiresAt: at == null ? null : new Date(Number(at)).toISOString(),
    amount: Number(amount),
    ahead: ahead === true,
  }));
  return {
    ...fundsOf(row),
    pending: Number(row?.pending ?? 0),
    // Upcoming expiries: dated lots not yet past, the first twelve dates.
    expiring: lots
      .flatMap((l) =>
        l.ahead && l.expiresAt ? [{ amount: l.amount, expiresAt: l.expiresAt }] : [],
      )
      .slice(0, 12),
    lots: lots.map(({ expiresAt, amount }) => ({ expiresAt, amount })),
  };
}

/** The balance route's answer: the wallet view without its lots. */
export async function balanceOf(em: Em, userId: number): Promise<BalanceView> {
  const { lots: _lots, ...view } = await walletView(em, userId);
  return view;
}

/** The wallet's balance as last posted (0 without a wallet): what a reply right after an
 * earning shows, in the same transaction. */
export async function walletBalance(em: Em, userId: number): Promise<number> {
  const row = await queryOne<{ balance: string }>(
    em,
    `select balance from ledger_account where user_id = ? and kind = 'wallet'`,
    [userId],
  );
  return Number(row?.balance ?? 0);
}

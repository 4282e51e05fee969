// The assistant's own table of dialog state, keyed by user, so a restart or another instance
// picks up a conversation (a pending confirmation, a half-filled slot, the language) where it
// stopped. Dialog code never sees the database. Every turn loads and may save its state, so
// these run as prepared statements.
import { execPrepared, query, type Em } from '../db/sql.js';
import type { SessionState } from './dialog/session.types.js';

export type AssistantStore = ReturnType<typeof createAssistantStore>;

export function createAssistantStore(deps: { em: Em }) {
  async function loadSession(userId: number): Promise<SessionState> {
    const [row] = await execPrepared<{ state: SessionState }>(
      deps.em,
      'xf_session_load',
      `select state from assistant_session where user_id = $1`,
      [userId],
    );
    return row?.state ?? {};
  }

  /** Saves the state. `referral` says what this turn learnt: `settled` (no reward can be due),
   * `open` (a referral was just accepted) or `as-stored`: then the row's flag stays as it is, so
   * a referral accepted elsewhere while this turn ran (referralAccepted) is not overwritten. */
  async function saveSession(
    userId: number,
    state: SessionState,
    referral: 'settled' | 'open' | 'as-stored' = 'as-stored',
  ): Promise<void> {
    await execPrepared(
      deps.em,
      'xf_session_save',
      `insert into assistant_session (user_id, state, updated_at) values ($1, $2::jsonb, now())
       on conflict (user_id) do update set updated_at = now(),
         state = (excluded.state - 'referralSettled') || case
           when $3::text = 'settled'
             or ($4::text = 'as-stored' and assistant_session.state->'referralSettled' is not null)
           then '{"referralSettled": true}'::jsonb else '{}'::jsonb end`,
      [userId, JSON.stringify(state), referral, referral],
    );
  }

  /** A referral was accepted for this user (anywhere, HTTP too): their next turn asks the
   * referrals service again, which rewards the inviter. */
  async function referralAccepted(userId: number): Promise<void> {
    await query(
      deps.em,
      `update assistant_session set state = state - 'referralSettled' where user_id = ?`,
      [userId],
    );
  }

  return { loadSession, saveSession, referralAccepted };
}

// The assistant's own table of dialog state, keyed by user, so a restart or another instance
// picks up a conversation (a pending confirmation, a half-filled slot, the language) where it
// stopped. Dialog code sees only these two calls, never the database.
import { query, queryOne, type Em } from '../db/sql.js';
import type { SessionState } from './dialog/session.types.js';

export type AssistantStore = ReturnType<typeof createAssistantStore>;

export function createAssistantStore(deps: { em: Em }) {
  async function loadSession(userId: number): Promise<SessionState> {
    const row = await queryOne<{ state: SessionState }>(
      deps.em,
      `select state from assistant_session where user_id = ?`,
      [userId],
    );
    return row?.state ?? {};
  }

  async function saveSession(userId: number, state: SessionState): Promise<void> {
    await query(
      deps.em,
      `insert into assistant_session (user_id, state, updated_at) values (?, ?::jsonb, now())
       on conflict (user_id) do update set state = excluded.state, updated_at = now()`,
      [userId, JSON.stringify(state)],
    );
  }

  return { loadSession, saveSession };
}

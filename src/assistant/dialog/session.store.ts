// Dialog state lives in the database, keyed by user, so a restart or another instance picks up
// a conversation (a pending confirmation, a half-filled slot, the language) where it stopped.
import { query, queryOne, type Em } from '../../db/sql.js';
import type { SessionState } from './dialog.types.js';

export async function loadSession(em: Em, userId: number): Promise<SessionState> {
  const row = await queryOne<{ state: SessionState }>(
    em,
    `select state from assistant_session where user_id = ?`,
    [userId],
  );
  return row?.state ?? {};
}

export async function saveSession(em: Em, userId: number, state: SessionState): Promise<void> {
  await query(
    em,
    `insert into assistant_session (user_id, state, updated_at) values (?, ?::jsonb, now())
     on conflict (user_id) do update set state = excluded.state, updated_at = now()`,
    [userId, JSON.stringify(state)],
  );
}

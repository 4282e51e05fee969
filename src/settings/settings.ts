// Settings are read and written here only: every module keeps its flags and secrets through
// these calls (inside its own transaction when it passes one).
import { query, queryOne, type Em } from '../db/sql.js';

/** The stored value, or undefined when the key was never set. */
export async function getSetting<T = unknown>(em: Em, key: string): Promise<T | undefined> {
  const row = await queryOne<{ value: T }>(em, `select value from app_setting where key = ?`, [
    key,
  ]);
  return row ? row.value : undefined;
}

/** Sets (or replaces) a value. */
export async function putSetting(em: Em, key: string, value: unknown): Promise<void> {
  await query(
    em,
    `insert into app_setting (key, value) values (?, ?::jsonb) on conflict (key) do update set value = excluded.value`,
    [key, JSON.stringify(value)],
  );
}

/** Stores the value unless the key is set; true when this call stored it (the first caller). */
export async function claimSetting(em: Em, key: string, value: unknown): Promise<boolean> {
  const rows = await query(
    em,
    `insert into app_setting (key, value) values (?, ?::jsonb) on conflict (key) do nothing returning key`,
    [key, JSON.stringify(value)],
  );
  return rows.length > 0;
}

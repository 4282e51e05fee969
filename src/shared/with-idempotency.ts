// Request-level idempotency for composite operations (redeem = debit + stock + order rows):
// the first caller stores its outcome in idempotency_record inside the same transaction;
// a replay gets that outcome back, a different body under the same key is a conflict.
import { createHash } from 'node:crypto';
import { query, queryOne, type Em } from '../db/sql.js';
import { DomainError } from './errors.js';

/** A stable record key of bounded length for a caller-supplied key within a scope. */
export function scopedKey(scope: string, key: string): string {
  const full = `${scope}:${key}`;
  return full.length <= 200 ? full : `${scope}:h:${createHash('sha256').update(key).digest('hex')}`;
}

/**
 * Runs fn once per key. Must be called inside a transaction (`tx`): concurrent callers with
 * the same key wait on the unique index until the first commits, then read its outcome. If fn
 * throws, the transaction rolls back and the key is free again (nothing happened).
 */
export async function withIdempotency<T>(
  tx: Em,
  key: string,
  hash: string,
  fn: () => Promise<T>,
): Promise<{ value: T; replayed: boolean }> {
  if (!tx.isInTransaction()) throw new Error('withIdempotency needs a transaction');
  const inserted = await query(
    tx,
    `insert into idempotency_record (key, request_hash) values (?, ?) on conflict (key) do nothing returning key`,
    [key, hash],
  );
  if (!inserted.length) {
    const rec = await queryOne<{ request_hash: string; response: unknown }>(
      tx,
      `select request_hash, response from idempotency_record where key = ?`,
      [key],
    );
    if (!rec || rec.request_hash !== hash) {
      throw new DomainError(
        'idempotency_conflict',
        'this Idempotency-Key was already used with a different request',
      );
    }
    if (rec.response == null)
      throw new DomainError(
        'idempotency_in_progress',
        'a request with this Idempotency-Key is still in progress',
      );
    return { value: rec.response as T, replayed: true };
  }
  const value = await fn();
  await query(tx, `update idempotency_record set response = ?::jsonb, status = 201 where key = ?`, [
    JSON.stringify(value),
    key,
  ]);
  return { value, replayed: false };
}

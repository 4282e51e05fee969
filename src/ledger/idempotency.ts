// Idempotency for every module, one mechanism: keys and outcomes in idempotency_record, claimed
// and stored only by the database functions xf_idem_begin / xf_idem_finish
// (src/ledger/sql/10-idempotency.sql), which the ledger's own functions use too. Keys are
// '<scope>:<caller key>' (scopedKey); the same key with a different request is a conflict.
import { createHash, hash } from 'node:crypto';
import { queryOne, type Em } from '../db/sql.js';
import { DomainError, type ErrorCode } from '../shared/errors.js';

/** JSON with sorted object keys, so property order never changes the fingerprint. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  let out = '';
  for (const k of Object.keys(obj).sort()) {
    if (obj[k] === undefined) continue;
    out += `${out ? ',' : ''}${JSON.stringify(k)}:${canonicalJson(obj[k])}`;
  }
  return `{${out}}`;
}

export function requestHash(operation: string, body: unknown): string {
  return hash('sha256', `${operation}\n${canonicalJson(body)}`, 'hex');
}

/** A stable record key of bounded length for a caller-supplied key within a scope. */
export function scopedKey(scope: string, key: string): string {
  const full = `${scope}:${key}`;
  return full.length <= 200 ? full : `${scope}:h:${createHash('sha256').update(key).digest('hex')}`;
}

type Outcome =
  { status: 'ok'; value?: unknown } | { status: 'error'; code: string; message: string };

/**
 * Runs fn once per key, for a composite operation (redeem = debit + stock + order rows). Must
 * be called inside a transaction (`tx`): concurrent callers with the same key wait on the
 * unique index until the first commits, then read its outcome. If fn throws, the transaction
 * rolls back and the key is free again (nothing happened).
 */
export async function withIdempotency<T>(
  tx: Em,
  key: string,
  hash: string,
  fn: () => Promise<T>,
): Promise<{ value: T; replayed: boolean }> {
  if (!tx.isInTransaction()) throw new Error('withIdempotency needs a transaction');
  const prev = (await queryOne<{ r: Outcome | null }>(tx, `select xf_idem_begin(?, ?) as r`, [
    key,
    hash,
  ]))!.r;
  if (prev?.status === 'error') throw new DomainError(prev.code as ErrorCode, prev.message);
  if (prev) return { value: prev.value as T, replayed: true };
  const value = await fn();
  await queryOne(tx, `select xf_idem_finish(?, ?::jsonb)`, [
    key,
    JSON.stringify({ status: 'ok', value }),
  ]);
  return { value, replayed: false };
}

// Request fingerprints for idempotency: the same key with a different body is a conflict.
import { hash } from 'node:crypto';

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

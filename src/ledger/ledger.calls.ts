// The ledger's calls onto its database functions (src/ledger/sql/): one round trip per
// operation, batched with concurrent ones when standalone (ledger.batcher.ts), answers turned
// into results or DomainErrors, and counted for the metrics.
import { DomainError, type ErrorCode } from '../shared/errors.js';
import { execPrepared, pgErrorCode, queryOne, withRetry, type Em } from '../db/sql.js';
import { createLedgerBatcher, type BatcherOptions } from './ledger.batcher.js';
import { CLOSED_ACCOUNT } from './ledger.merged.js';
import { countLedgerOperation } from '../shared/metrics.js';

export type DbResult = {
  status: 'ok' | 'error' | 'failed';
  code?: string;
  message?: string;
  details?: unknown;
  replayed?: boolean;
} & Record<string, unknown>;

export type LedgerFn =
  'xf_transfer' | 'xf_reverse' | 'xf_hold_reserve' | 'xf_hold_post' | 'xf_hold_void';

export function createLedgerCalls(deps: {
  em: Em;
  batching?: BatcherOptions;
  /** The error for an account closed by a merge (inside a caller's transaction when em is given). */
  closedError: (em?: Em) => Error;
}) {
  const prepared = (fn: string, payload: string) =>
    withRetry(
      async () =>
        (
          await execPrepared<{ r: DbResult }>(deps.em, fn, `select ${fn}($1::jsonb) as r`, [
            payload,
          ])
        )[0]!.r,
    );

  const batcher = createLedgerBatcher<DbResult>(
    {
      single: prepared,
      batch: (payload) =>
        withRetry(
          async () =>
            (
              await execPrepared<{ r: DbResult[] }>(
                deps.em,
                'xf_batch',
                `select xf_batch($1::jsonb) as r`,
                [payload],
              )
            )[0]!.r,
        ),
    },
    deps.batching,
  );

  /** Calls one ledger function, counting it by kind and outcome for the metrics. */
  async function call(fn: LedgerFn, payload: Record<string, unknown>, em?: Em): Promise<DbResult> {
    const kind = fn.slice(3);
    try {
      const result = await callDb(fn, payload, em);
      countLedgerOperation(kind, result.replayed ? 'replayed' : 'ok');
      return result;
    } catch (err) {
      countLedgerOperation(kind, err instanceof DomainError ? err.code : 'error');
      throw err;
    }
  }

  /** Calls one ledger function; standalone calls get their own retried transaction. */
  async function callDb(fn: LedgerFn, payload: Record<string, unknown>, em?: Em) {
    const payloadJson = JSON.stringify(payload);
    let result: DbResult;
    try {
      if (em)
        result = (await queryOne<{ r: DbResult }>(em, `select ${fn}(?::jsonb) as r`, [
          payloadJson,
        ]))!.r;
      else if (fn === 'xf_transfer' || fn === 'xf_hold_reserve')
        result = await batcher.submit(fn, payloadJson);
      else result = await prepared(fn, payloadJson);
    } catch (err) {
      if (pgErrorCode(err) !== CLOSED_ACCOUNT) throw err;
      throw deps.closedError(em);
    }
    if (result.status === 'failed' && result.sqlstate === CLOSED_ACCOUNT)
      throw deps.closedError(em);
    if (result.status === 'failed') {
      throw new Error(
        `ledger operation failed in the database (${String(result.sqlstate)}): ${String(result.message)}`,
      );
    }
    if (result.status !== 'ok') {
      throw new DomainError(
        (result.code ?? 'conflict') as ErrorCode,
        result.message ?? 'ledger error',
        result.details,
      );
    }
    return result;
  }

  return { call };
}

// The ledger's calls onto its database functions (src/ledger/sql/): one round trip per
// operation, batched with concurrent ones when standalone (ledger.batcher.ts), answers turned
// into results or DomainErrors, and counted for the metrics. One call binds the typed
// arguments of its function (a prepared statement); a batch sends them, named, in xf_batch's
// jsonb array.
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

export type LedgerFn = keyof LedgerArgs;

interface Expiry {
  months: number;
  tz: string;
}

type Metadata = Record<string, unknown>;

/** The arguments of each ledger function, as the service names them. */
export interface LedgerArgs {
  xf_transfer: {
    key: string;
    hash: string;
    kind: string;
    actor: string;
    reason: string;
    metadata: Metadata;
    /** expiresAt: a credit's lot expiry; null = never; omitted = the default policy. */
    postings: { account: number; amount: number; expiresAt?: string | null }[];
    expiry: Expiry;
  };
  xf_reverse: {
    key: string;
    hash: string;
    entryId: number;
    actor: string;
    reason: string;
    metadata: Metadata;
    expiry: Expiry;
  };
  xf_hold_reserve: {
    key: string;
    hash: string;
    account: number;
    amount: number;
    ttlSeconds: number;
    kind: string;
    actor: string;
    reason: string;
    metadata: Metadata;
  };
  xf_hold_post: {
    key: string;
    hash: string;
    holdId: number;
    amount: number | null;
    creditAccount: number;
    kind?: string;
    actor?: string;
    reason?: string;
    metadata?: Metadata;
    expiry: Expiry;
  };
  xf_hold_void: { key: string; hash: string; holdId: number };
}

/** A parameter of a ledger function: its name without the p_ prefix, SQL type and value. */
type Param = [name: string, type: string, value: unknown];

const PARAMS: { [F in LedgerFn]: (a: LedgerArgs[F]) => Param[] } = {
  xf_transfer: (a) => [
    ...idem(a),
    ...entry(a.kind, a.actor, a.reason, a.metadata),
    ['postings', 'xf_posting[]', a.postings.map(postingRow)],
    ...expiry(a.expiry),
  ],
  xf_reverse: (a) => [
    ...idem(a),
    ['entry_id', 'bigint', a.entryId],
    ['actor', 'text', a.actor],
    ['reason', 'text', a.reason],
    ['metadata', 'jsonb', a.metadata],
    ...expiry(a.expiry),
  ],
  xf_hold_reserve: (a) => [
    ...idem(a),
    ['account', 'bigint', a.account],
    ['amount', 'bigint', a.amount],
    ['ttl_seconds', 'double precision', a.ttlSeconds],
    ...entry(a.kind, a.actor, a.reason, a.metadata),
  ],
  xf_hold_post: (a) => [
    ...idem(a),
    ['hold_id', 'bigint', a.holdId],
    ['amount', 'bigint', a.amount],
    ['credit_account', 'bigint', a.creditAccount],
    ...entry(a.kind, a.actor, a.reason, a.metadata),
    ...expiry(a.expiry),
  ],
  xf_hold_void: (a) => [...idem(a), ['hold_id', 'bigint', a.holdId]],
};

function idem(a: { key: string; hash: string }): Param[] {
  return [
    ['key', 'text', a.key],
    ['hash', 'text', a.hash],
  ];
}

function entry(kind?: string, actor?: string, reason?: string, metadata?: Metadata): Param[] {
  return [
    ['kind', 'text', kind],
    ['actor', 'text', actor],
    ['reason', 'text', reason],
    ['metadata', 'jsonb', metadata],
  ];
}

function expiry(e: Expiry): Param[] {
  return [
    ['expiry_months', 'integer', e.months],
    ['expiry_tz', 'text', e.tz],
  ];
}

interface PostingRow {
  account: number;
  amount: number;
  expires_at?: string;
}

/** An xf_posting: a lot that never expires is 'infinity' there (null is the default policy). */
function postingRow(p: LedgerArgs['xf_transfer']['postings'][number]): PostingRow {
  const row: PostingRow = { account: p.account, amount: p.amount };
  if (p.expiresAt !== undefined) row.expires_at = p.expiresAt ?? 'infinity';
  return row;
}

/** A double-quoted element of a row or array literal. */
const quoted = (s: string) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;

/** The text of an xf_posting[] value, e.g. {"(\"6\",\"-5\",)"}. */
function postingsLiteral(rows: PostingRow[]): string {
  const row = (r: PostingRow) =>
    `(${[r.account, r.amount, r.expires_at].map((v) => (v == null ? '' : quoted(String(v)))).join(',')})`;
  return `{${rows.map((r) => quoted(row(r))).join(',')}}`;
}

/** A parameter's value as bound: jsonb as its text, postings as an array literal. */
function bind([, type, value]: Param): unknown {
  if (value == null) return null;
  if (type === 'jsonb') return JSON.stringify(value);
  if (type === 'xf_posting[]') return postingsLiteral(value as PostingRow[]);
  return value;
}

/** The call of a function with positional, typed parameters ($1::text, …). */
function callSql(fn: LedgerFn, params: Param[]): string {
  return `select ${fn}(${params.map(([, type], i) => `$${i + 1}::${type}`).join(', ')}) as r`;
}

export function createLedgerCalls(deps: {
  em: Em;
  batching?: BatcherOptions;
  /** The error for an account closed by a merge (inside a caller's transaction when em is given). */
  closedError: (em?: Em) => Error;
}) {
  const prepared = (fn: LedgerFn, params: Param[]) =>
    withRetry(
      async () =>
        (
          await execPrepared<{ r: DbResult }>(deps.em, fn, callSql(fn, params), params.map(bind))
        )[0]!.r,
    );

  const batcher = createLedgerBatcher<Param[], DbResult>(
    {
      single: prepared,
      batch: (items) => {
        const ops = JSON.stringify(
          items.map(({ fn, payload }) => ({
            fn,
            p: Object.fromEntries(payload.map(([name, , value]) => [name, value])),
          })),
        );
        return withRetry(
          async () =>
            (
              await execPrepared<{ r: DbResult[] }>(
                deps.em,
                'xf_batch',
                `select xf_batch($1::jsonb) as r`,
                [ops],
              )
            )[0]!.r,
        );
      },
    },
    deps.batching,
  );

  /** Calls one ledger function, counting it by kind and outcome for the metrics. */
  async function call<F extends LedgerFn>(fn: F, args: LedgerArgs[F], em?: Em): Promise<DbResult> {
    const kind = fn.slice(3);
    try {
      const result = await callDb(fn, PARAMS[fn](args), em);
      countLedgerOperation(kind, result.replayed ? 'replayed' : 'ok');
      return result;
    } catch (err) {
      countLedgerOperation(kind, err instanceof DomainError ? err.code : 'error');
      throw err;
    }
  }

  /** Calls one ledger function; standalone calls get their own retried transaction. */
  async function callDb(fn: LedgerFn, params: Param[], em?: Em) {
    let result: DbResult;
    try {
      if (em) {
        const sql = callSql(fn, params).replace(/\$\d+/g, '?');
        result = (await queryOne<{ r: DbResult }>(em, sql, params.map(bind)))!.r;
      } else if (fn === 'xf_transfer' || fn === 'xf_hold_reserve')
        result = await batcher.submit(fn, params);
      else result = await prepared(fn, params);
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

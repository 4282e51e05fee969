// The process's Prometheus metrics (prom-client), in one registry that any module can feed
// without knowing about HTTP: the HTTP layer observes requests, the ledger its operations and
// batches, the assistant its turns, the rate limiter its refusals. Label values come from small
// fixed sets (route patterns, operation names, intents), never from user input. Labelled
// children are cached, so an observation on the hot path allocates nothing.
import client from 'prom-client';

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

const httpDuration = new client.Histogram({
  name: 'xuefen_http_request_duration_seconds',
  help: 'HTTP request duration by method, matched route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry],
});

const ledgerOps = new client.Counter({
  name: 'xuefen_ledger_operations_total',
  help: 'Ledger operations by kind (transfer, hold_reserve, hold_post, hold_void, reverse) and outcome (ok, replayed, an error code, error)',
  labelNames: ['kind', 'outcome'] as const,
  registers: [registry],
});

const ledgerBatch = new client.Histogram({
  name: 'xuefen_ledger_batch_size',
  help: 'Ledger calls sent to the database together in one batch',
  buckets: [1, 2, 4, 8, 16, 32],
  registers: [registry],
});

const chatTurns = new client.Counter({
  name: 'xuefen_chat_turns_total',
  help: 'Assistant turns by intent',
  labelNames: ['intent'] as const,
  registers: [registry],
});

const rateLimited = new client.Counter({
  name: 'xuefen_rate_limited_total',
  help: 'Requests refused by a rate limit, by limit',
  labelNames: ['limit'] as const,
  registers: [registry],
});

export interface PoolStats {
  used: number;
  free: number;
  pending: number;
  max: number;
}

let poolSource: (() => PoolStats | undefined) | undefined;
const pool = new client.Gauge({
  name: 'xuefen_db_pool_connections',
  help: 'Database connections by state (used, free, pending acquires); PGlite has one connection',
  labelNames: ['state'] as const,
  registers: [registry],
  collect() {
    const stats = poolSource?.();
    if (!stats) return;
    for (const state of ['used', 'free', 'pending'] as const) this.set({ state }, stats[state]);
  },
});
new client.Gauge({
  name: 'xuefen_db_pool_max',
  help: 'Largest number of database connections the pool opens',
  registers: [registry],
  collect() {
    const stats = poolSource?.();
    if (stats) this.set(stats.max);
  },
});

/** Where the pool gauges read from (the composition root sets it once the ORM exists). */
export function watchPool(source: () => PoolStats | undefined): void {
  poolSource = source;
  pool.reset();
}

/** Children by label values, made once: labels() hashes its arguments on every call. */
function cached<T>(make: (...values: string[]) => T) {
  const root = new Map<string, unknown>();
  return (...values: string[]): T => {
    let level = root;
    for (let i = 0; i < values.length - 1; i++) {
      let next = level.get(values[i]!) as Map<string, unknown> | undefined;
      if (!next) level.set(values[i]!, (next = new Map()));
      level = next;
    }
    const last = values[values.length - 1]!;
    let child = level.get(last) as T | undefined;
    if (!child) level.set(last, (child = make(...values)));
    return child;
  };
}

const statusText: string[] = [];
const httpChild = cached((method, route, status) => httpDuration.labels(method!, route!, status!));
const ledgerChild = cached((kind, outcome) => ledgerOps.labels(kind!, outcome!));
const chatChild = cached((intent) => chatTurns.labels(intent!));
const limitChild = cached((limit) => rateLimited.labels(limit!));

export function observeHttp(method: string, route: string, status: number, seconds: number): void {
  httpChild(method, route, (statusText[status] ??= String(status))).observe(seconds);
}

export function countLedgerOperation(kind: string, outcome: string): void {
  ledgerChild(kind, outcome).inc();
}

export function observeLedgerBatch(size: number): void {
  ledgerBatch.observe(size);
}

export function countChatTurn(intent: string): void {
  chatChild(intent).inc();
}

/** A request refused by the rate limit `limit` (e.g. "chat:ip"): for the rate limiter to call. */
export function countRateLimited(limit: string): void {
  limitChild(limit).inc();
}

export const metricsContentType = registry.contentType;
export const renderMetrics = () => registry.metrics();

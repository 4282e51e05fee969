// Groups concurrent ledger calls into one database round trip and one commit (xf_batch).
// Nothing waits for a batch to fill: calls go out on the next turn of the event loop when a
// connection slot is free (so callers woken by the same reply ride together instead of the
// first one going alone), and calls that arrive meanwhile ride in the next batch. The queue
// is shared evenly among the free slots, so batches stay pipelined. A batch beside one already
// in flight goes out only when enough calls wait for it: a transaction costs the database about
// as much as three transfers, so a lone call is better off joining the next batch. Under load
// this removes most per-transaction cost (commit, round trip); at low load it adds a tick.

import { observeLedgerBatch } from '../shared/metrics.js';

export type BatchableFn = 'xf_transfer' | 'xf_hold_reserve';

export interface BatcherOptions {
  /** Batches in flight at once (each holds one connection). */
  maxInFlight: number;
  /** Operations per batch; at most 32 (each runs in a subtransaction). */
  maxBatch: number;
  /** Calls that must be waiting before a batch goes out beside one in flight (default 4). */
  minExtraBatch?: number;
}

/** A call's arguments (P) travel as they are: the executor encodes one call or a batch. */
export interface BatchExecutor<P, R> {
  single(fn: BatchableFn, payload: P): Promise<R>;
  batch(items: { fn: BatchableFn; payload: P }[]): Promise<R[]>;
}

interface Pending<P, R> {
  fn: BatchableFn;
  payload: P;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

export function createLedgerBatcher<P, R>(
  exec: BatchExecutor<P, R>,
  opts: BatcherOptions = { maxInFlight: 4, maxBatch: 32 },
) {
  const queue: Pending<P, R>[] = [];
  let inFlight = 0;

  async function run(items: Pending<P, R>[]): Promise<void> {
    observeLedgerBatch(items.length);
    try {
      if (items.length === 1) {
        items[0]!.resolve(await exec.single(items[0]!.fn, items[0]!.payload));
        return;
      }
      const results = await exec.batch(items);
      items.forEach((item, n) => item.resolve(results[n]!));
    } catch (err) {
      for (const item of items) item.reject(err);
    }
  }

  let scheduled = false;
  function pump(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(drain);
  }

  function drain(): void {
    scheduled = false;
    const minExtra = opts.minExtraBatch ?? 4;
    while (
      inFlight < opts.maxInFlight &&
      queue.length &&
      (inFlight === 0 || queue.length >= minExtra)
    ) {
      // As many batches as the free slots allow while each still gets minExtra calls (at least one).
      const batches = Math.max(
        1,
        Math.min(opts.maxInFlight - inFlight, Math.floor(queue.length / minExtra)),
      );
      const items = queue.splice(0, Math.min(opts.maxBatch, Math.ceil(queue.length / batches)));
      inFlight++;
      void run(items).finally(() => {
        inFlight--;
        pump();
      });
    }
  }

  return {
    submit(fn: BatchableFn, payload: P): Promise<R> {
      return new Promise<R>((resolve, reject) => {
        queue.push({ fn, payload, resolve, reject });
        pump();
      });
    },
  };
}

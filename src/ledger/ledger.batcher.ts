// Groups concurrent ledger calls into one database round trip and one commit (xf_batch).
// Nothing waits for a batch to fill: a call goes out at once when a connection slot is free,
// and calls that arrive meanwhile ride together in the next batch. Under load this removes
// most per-transaction cost (commit, round trip); at low load it adds nothing.

export type BatchableFn = 'xf_transfer' | 'xf_hold_reserve';

export interface BatcherOptions {
  /** Batches in flight at once (each holds one connection). */
  maxInFlight: number;
  /** Operations per batch; at most 32 (each runs in a subtransaction). */
  maxBatch: number;
}

export interface BatchExecutor<R> {
  single(fn: BatchableFn, payload: string): Promise<R>;
  batch(payload: string): Promise<R[]>;
}

interface Pending<R> {
  fn: BatchableFn;
  payload: string;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

export function createLedgerBatcher<R>(exec: BatchExecutor<R>, opts: BatcherOptions = { maxInFlight: 4, maxBatch: 32 }) {
  const queue: Pending<R>[] = [];
  let inFlight = 0;

  async function run(items: Pending<R>[]): Promise<void> {
    try {
      if (items.length === 1) {
        items[0]!.resolve(await exec.single(items[0]!.fn, items[0]!.payload));
        return;
      }
      const ops = `[${items.map((i) => `{"fn":"${i.fn}","p":${i.payload}}`).join(',')}]`;
      const results = await exec.batch(ops);
      items.forEach((item, n) => item.resolve(results[n]!));
    } catch (err) {
      for (const item of items) item.reject(err);
    }
  }

  function pump(): void {
    while (inFlight < opts.maxInFlight && queue.length) {
      const items = queue.splice(0, opts.maxBatch);
      inFlight++;
      void run(items).finally(() => {
        inFlight--;
        pump();
      });
    }
  }

  return {
    submit(fn: BatchableFn, payload: string): Promise<R> {
      return new Promise<R>((resolve, reject) => {
        queue.push({ fn, payload, resolve, reject });
        pump();
      });
    },
  };
}

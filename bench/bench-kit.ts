// Closed-loop load: N clients each running op() back to back for a fixed time, recording
// latencies. Percentiles are read off the sorted samples.
export interface LoadResult {
  ops: number;
  errors: number;
  seconds: number;
  tps: number;
  p50: number;
  p99: number;
  /** Every latency in ms, sorted: what combine() needs. */
  samples: number[];
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function closedLoop(
  clients: number,
  durationMs: number,
  op: (client: number, i: number) => Promise<unknown>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const t0 = performance.now();
        try {
          await op(client, i);
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  return summarize(latencies, errors, (performance.now() - started) / 1000);
}

function summarize(latencies: number[], errors: number, seconds: number): LoadResult {
  latencies.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    ops: latencies.length,
    errors,
    seconds: round(seconds),
    tps: Math.round(latencies.length / seconds),
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    samples: latencies,
  };
}

/** Several runs of one load as if they were one: all their operations over all their seconds. */
export function combine(runs: LoadResult[]): LoadResult {
  return summarize(
    runs.flatMap((r) => r.samples),
    runs.reduce((n, r) => n + r.errors, 0),
    runs.reduce((n, r) => n + r.seconds, 0),
  );
}

export const fmt = (r: LoadResult) =>
  `${String(r.tps).padStart(6)} ops/s  p50 ${r.p50.toFixed(2).padStart(6)} ms  p99 ${r.p99.toFixed(2).padStart(6)} ms  (${r.ops} ops, ${r.errors} errors)`;

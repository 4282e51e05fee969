import { describe, expect, it } from 'vitest';
import { createLedgerBatcher } from './ledger.batcher.js';

// An executor that records each call's size and answers when told to.
function recorder() {
  const calls: { size: number; release: () => void }[] = [];
  const exec = {
    single: (_fn: string, payload: string) => new Promise<string>((resolve) => calls.push({ size: 1, release: () => resolve(payload) })),
    batch: (payload: string) =>
      new Promise<string[]>((resolve) => {
        const ops = JSON.parse(payload) as { p: string }[];
        calls.push({ size: ops.length, release: () => resolve(ops.map((o) => JSON.stringify(o.p))) });
      }),
  };
  return { calls, exec };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('ledger batcher', () => {
  it('sends calls made in one turn together, shared evenly among the free slots', async () => {
    const { calls, exec } = recorder();
    const b = createLedgerBatcher<string>(exec, { maxInFlight: 2, maxBatch: 32 });
    const results = Array.from({ length: 8 }, (_, i) => b.submit('xf_transfer', JSON.stringify({ n: i })));
    await tick();
    expect(calls.map((c) => c.size)).toEqual([4, 4]);
    // Calls arriving while both slots are busy wait for the first free one, then go together.
    const later = Array.from({ length: 3 }, (_, i) => b.submit('xf_transfer', JSON.stringify({ n: 8 + i })));
    await tick();
    expect(calls).toHaveLength(2);
    calls[0]!.release();
    await tick();
    await tick();
    expect(calls.map((c) => c.size)).toEqual([4, 4, 3]);
    calls[1]!.release();
    calls[2]!.release();
    expect(await Promise.all([...results, ...later])).toEqual(Array.from({ length: 11 }, (_, i) => JSON.stringify({ n: i })));
  });

  it('never puts more than maxBatch calls in one batch', async () => {
    const { calls, exec } = recorder();
    const b = createLedgerBatcher<string>(exec, { maxInFlight: 1, maxBatch: 5 });
    const all = Array.from({ length: 12 }, (_, i) => b.submit('xf_transfer', String(i)));
    for (let i = 0; i < 6; i++) {
      await tick();
      calls.at(-1)?.release();
    }
    await Promise.all(all);
    expect(calls.map((c) => c.size)).toEqual([5, 5, 2]);
  });
});

import { describe, expect, it } from 'vitest';
import { createLedgerBatcher } from './ledger.batcher.js';

// An executor that records each call's size and answers when told to.
function recorder() {
  const calls: { size: number; release: () => void }[] = [];
  const exec = {
    single: (_fn: string, payload: string) =>
      new Promise<string>((resolve) => calls.push({ size: 1, release: () => resolve(payload) })),
    batch: (items: { payload: string }[]) =>
      new Promise<string[]>((resolve) => {
        calls.push({ size: items.length, release: () => resolve(items.map((i) => i.payload)) });
      }),
  };
  return { calls, exec };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('ledger batcher', () => {
  it('sends calls made in one turn together, shared evenly among the free slots', async () => {
    const { calls, exec } = recorder();
    const b = createLedgerBatcher<string, string>(exec, { maxInFlight: 2, maxBatch: 32 });
    const results = Array.from({ length: 8 }, (_, i) =>
      b.submit('xf_transfer', JSON.stringify({ n: i })),
    );
    await tick();
    expect(calls.map((c) => c.size)).toEqual([4, 4]);
    // Calls arriving while both slots are busy wait; three are too few to go beside the batch
    // still in flight, so they go together when both are done.
    const later = Array.from({ length: 3 }, (_, i) =>
      b.submit('xf_transfer', JSON.stringify({ n: 8 + i })),
    );
    await tick();
    expect(calls).toHaveLength(2);
    calls[0]!.release();
    await tick();
    await tick();
    expect(calls).toHaveLength(2);
    calls[1]!.release();
    await tick();
    await tick();
    expect(calls.map((c) => c.size)).toEqual([4, 4, 3]);
    calls[2]!.release();
    expect(await Promise.all([...results, ...later])).toEqual(
      Array.from({ length: 11 }, (_, i) => JSON.stringify({ n: i })),
    );
  });

  it('never puts more than maxBatch calls in one batch', async () => {
    const { calls, exec } = recorder();
    const b = createLedgerBatcher<string, string>(exec, { maxInFlight: 1, maxBatch: 5 });
    const all = Array.from({ length: 12 }, (_, i) => b.submit('xf_transfer', String(i)));
    for (let i = 0; i < 6; i++) {
      await tick();
      calls.at(-1)?.release();
    }
    await Promise.all(all);
    expect(calls.map((c) => c.size)).toEqual([5, 5, 2]);
  });

  it('sends a batch beside one in flight only when enough calls wait for it', async () => {
    const { calls, exec } = recorder();
    const b = createLedgerBatcher<string, string>(exec, {
      maxInFlight: 2,
      maxBatch: 32,
      minExtraBatch: 4,
    });
    const all = [b.submit('xf_transfer', '0')];
    await tick();
    expect(calls.map((c) => c.size)).toEqual([1]);
    all.push(...['1', '2', '3'].map((p) => b.submit('xf_transfer', p)));
    await tick();
    expect(calls.map((c) => c.size)).toEqual([1]);
    all.push(b.submit('xf_transfer', '4'));
    await tick();
    expect(calls.map((c) => c.size)).toEqual([1, 4]);
    // With nothing in flight, seven waiting calls make one batch: two would leave one short.
    const more = Array.from({ length: 7 }, (_, i) => b.submit('xf_transfer', String(5 + i)));
    calls[0]!.release();
    calls[1]!.release();
    await tick();
    await tick();
    expect(calls.map((c) => c.size)).toEqual([1, 4, 7]);
    calls[2]!.release();
    expect(await Promise.all([...all, ...more])).toEqual(
      Array.from({ length: 12 }, (_, i) => String(i)),
    );
  });
});

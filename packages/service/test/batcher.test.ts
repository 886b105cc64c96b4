import { describe, expect, it } from 'vitest';
import { createBatcher } from '../src/lib/batcher.js';

/** A batch function that records its batches and answers each item doubled, after `release()`. */
function recorder() {
  const batches: number[][] = [];
  const waiting: (() => void)[] = [];
  let running = 0;
  let maxRunning = 0;
  const run = async (items: readonly number[]) => {
    batches.push([...items]);
    running++;
    maxRunning = Math.max(maxRunning, running);
    await new Promise<void>((resolve) => waiting.push(resolve));
    running--;
    if (items.includes(-1)) throw new Error('batch failed');
    return items.map((i) => i * 2);
  };
  return {
    run,
    batches,
    maxRunning: () => maxRunning,
    releaseAll: () => waiting.splice(0).forEach((r) => r()),
  };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('createBatcher', () => {
  it('a lone call is sent at once (next turn of the event loop, no timer) and gets its own result', async () => {
    const r = recorder();
    const call = createBatcher(r.run, { maxBatch: 10, maxInFlight: 1 });
    const p = call(21);
    await tick();
    expect(r.batches).toEqual([[21]]);
    r.releaseAll();
    expect(await p).toBe(42);
  });

  it('calls that arrive while a batch runs leave together, each with its own result, in order', async () => {
    const r = recorder();
    const call = createBatcher(r.run, { maxBatch: 3, maxInFlight: 1 });
    const first = call(1);
    await tick();
    const rest = [2, 3, 4, 5, 6].map((i) => call(i));
    await tick();
    // One batch in flight: the others wait.
    expect(r.batches).toEqual([[1]]);
    r.releaseAll();
    expect(await first).toBe(2);
    await tick();
    expect(r.batches).toEqual([[1], [2, 3, 4]]);
    r.releaseAll();
    await tick();
    await tick();
    expect(r.batches).toEqual([[1], [2, 3, 4], [5, 6]]);
    r.releaseAll();
    expect(await Promise.all(rest)).toEqual([4, 6, 8, 10, 12]);
    expect(r.maxRunning()).toBe(1);
  });

  it('runs at most maxInFlight batches at once', async () => {
    const r = recorder();
    const call = createBatcher(r.run, { maxBatch: 2, maxInFlight: 2 });
    const all = Array.from({ length: 10 }, (_, i) => call(i));
    for (let i = 0; i < 20 && r.batches.flat().length < 10; i++) {
      await tick();
      r.releaseAll();
    }
    expect(await Promise.all(all)).toEqual(Array.from({ length: 10 }, (_, i) => i * 2));
    expect(r.maxRunning()).toBeLessThanOrEqual(2);
    expect(r.batches.every((b) => b.length <= 2)).toBe(true);
  });

  it("a failed batch fails its own callers only; the next batch's callers get their results", async () => {
    const r = recorder();
    const call = createBatcher(r.run, { maxBatch: 2, maxInFlight: 1 });
    const bad = [call(-1), call(5)];
    await tick();
    const good = call(7);
    r.releaseAll();
    const settled = await Promise.allSettled(bad);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    await tick();
    r.releaseAll();
    expect(await good).toBe(14);
  });
});

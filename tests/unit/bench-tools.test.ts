import { describe, expect, it } from 'vitest';
import { manifests } from '../../functions/manifests';
import { benchEventFor } from '../bench/events';
import { latencyOf, pool, quantile } from '../bench/lib/stats';

describe('benchmark helpers', () => {
  it('quantile is nearest-rank over the sorted values', () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(quantile(values, 0.5)).toBe(5);
    expect(quantile(values, 0.9)).toBe(9);
    expect(quantile(values, 0.99)).toBe(10);
    expect(quantile(values, 0)).toBe(1);
    expect(quantile([], 0.5)).toBeNaN();
    expect(latencyOf(values)).toEqual({ count: 10, p50Ms: 5, p95Ms: 10, p99Ms: 10 });
  });

  it('pool runs every task once and never more than its concurrency at a time', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    const latencies = await pool(25, 4, async (i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 1));
      seen.push(i);
      running--;
    });
    expect(peak).toBe(4);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(latencies).toHaveLength(25);
  });

  it('every function in the manifests has a benchmark event; API routes with input are refused, not served', () => {
    for (const fn of manifests.flatMap((m) => m.functions)) {
      const bench = benchEventFor(fn);
      expect(bench.description.length).toBeGreaterThan(0);
      if (bench.trigger !== 'api') continue;
      const answer = (statusCode: number) => ({ ok: true as const, result: { statusCode } });
      // A refusal passes; a 500 never does.
      expect(bench.check(answer(500)), fn.name).toBeDefined();
      expect(bench.check(answer(422)), fn.name).toBeUndefined();
    }
  });
});

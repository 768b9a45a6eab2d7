/** Small measuring helpers shared by the benchmarks. */

/** The q-quantile (0–1) of a list of numbers, nearest-rank; NaN for an empty list. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

export interface Latency {
  readonly count: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
}

/** p50/p95/p99 of samples in milliseconds, rounded to microseconds. */
export function latencyOf(samples: readonly number[]): Latency {
  const r = (v: number) => Math.round(v * 1000) / 1000;
  return {
    count: samples.length,
    p50Ms: r(quantile(samples, 0.5)),
    p95Ms: r(quantile(samples, 0.95)),
    p99Ms: r(quantile(samples, 0.99)),
  };
}

/** Items per second, one decimal. */
export const perSecond = (count: number, ms: number): number =>
  ms > 0 ? Math.round((count / ms) * 10_000) / 10 : Number.POSITIVE_INFINITY;

/** A ratio with two decimals. */
export const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;

/** Milliseconds a promise took, with its value. */
export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

/**
 * Runs `task(i)` for i in [0, count) with at most `concurrency` in flight, and answers the
 * latency of each call in milliseconds.
 */
export async function pool(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<unknown>,
): Promise<number[]> {
  const latencies: number[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const start = performance.now();
      await task(i);
      latencies[i] = performance.now() - start;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return latencies;
}

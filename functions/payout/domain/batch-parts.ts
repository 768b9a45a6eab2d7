/**
 * How a large county is split into batches of at most a cap of enrolments, each planned,
 * approved and disbursed on its own, each within one function's time and memory.
 *
 * The enrolments of a scheme are ordered by their order key, `<region>#<enrolmentId>` (the
 * enrolments index's sort key), the same for every status. A part covers the keys after
 * the previous part's last key, up to and including its own last key; the last part has no
 * last key and runs to the end of the region. Parts are planned one after another: part
 * n + 1 starts where part n ends, so every enrolment falls in exactly one part.
 */

/** The default cap on the enrolments of one batch (`batchLineCap` in the payout configuration). */
export const DEFAULT_BATCH_LINE_CAP = 20_000;

/** Where a batch lies among the parts of its (scheme, period, region). */
export interface BatchPart {
  /** 1, 2, …: part n + 1 follows part n. */
  readonly number: number;
  /** The order key just before this part (the previous part's `last`); absent for part 1. */
  readonly after?: string;
  /** The last order key of this part; absent for the last part, which runs to the region's end. */
  readonly last?: string;
}

/** The key enrolments are ordered and split by. */
export const orderKeyOf = (e: { readonly region: string; readonly enrollmentId: string }): string =>
  `${e.region}#${e.enrollmentId}`;

/** Whether an order key falls in a part (a batch without parts covers every key). */
export function inPart(part: BatchPart | undefined, key: string): boolean {
  if (!part) return true;
  if (part.after !== undefined && key <= part.after) return false;
  return part.last === undefined || key <= part.last;
}

/**
 * The last order key of a part that starts after `after`, given the first keys after it of
 * each status (each list sorted, up to `cap + 1` long): the cap-th key of them all when
 * more follow, or undefined when the rest fits in this part, which is then the last.
 */
export function lastKeyOfPart(keysByStatus: readonly (readonly string[])[], cap: number): string | undefined {
  const keys = keysByStatus.flat().sort();
  return keys.length > cap ? keys[cap - 1] : undefined;
}

/**
 * The part a batch covers, for a batch that is one of several: part 1 that has a last key,
 * or any later part. A county within the cap keeps a single batch without parts.
 */
export function partOf(
  number: number,
  after: string | undefined,
  last: string | undefined,
): BatchPart | undefined {
  if (number === 1 && last === undefined) return undefined;
  return { number, ...(after !== undefined ? { after } : {}), ...(last !== undefined ? { last } : {}) };
}

/**
 * The request to plan the part after this batch, when one follows: each part asks for the
 * next once it is planned, so the parts of a region are planned one after another.
 */
export function nextPartRequest(batch: {
  readonly scheme: string;
  readonly period: string;
  readonly region: string;
  readonly part?: BatchPart;
}): { scheme: string; period: string; region: string; part: number } | undefined {
  if (batch.part?.last === undefined) return undefined;
  return { scheme: batch.scheme, period: batch.period, region: batch.region, part: batch.part.number + 1 };
}

/** The request that plans this very batch again: a run that stopped short resumes with it. */
export function partRequest(batch: {
  readonly scheme: string;
  readonly period: string;
  readonly region: string;
  readonly part?: BatchPart;
}): { scheme: string; period: string; region: string; part?: number } {
  const number = batch.part?.number ?? 1;
  return {
    scheme: batch.scheme,
    period: batch.period,
    region: batch.region,
    ...(number > 1 ? { part: number } : {}),
  };
}

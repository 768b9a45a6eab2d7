/** DynamoDB's limit on the items of one TransactWriteItems call. */
export const MAX_TRANSACTION_ITEMS = 100;

/**
 * Packs entries, in order, into chunks whose items fit one transaction beside `reserved`
 * items of its own (the batch header), and in which no item appears twice: a transaction
 * may touch an item only once, so an entry that would touch an item already in the chunk
 * starts the next one. `keysOf` names every item an entry writes.
 */
export function packChunks<T>(
  entries: readonly T[],
  keysOf: (entry: T) => readonly string[],
  reserved: number,
  maxItems = MAX_TRANSACTION_ITEMS,
): T[][] {
  const chunks: T[][] = [];
  let chunk: T[] = [];
  let keys = new Set<string>();
  for (const entry of entries) {
    const own = keysOf(entry);
    if (own.length + reserved > maxItems) throw new Error('an entry does not fit one transaction');
    const full = keys.size + own.length + reserved > maxItems;
    if (chunk.length > 0 && (full || own.some((k) => keys.has(k)))) {
      chunks.push(chunk);
      chunk = [];
      keys = new Set();
    }
    chunk.push(entry);
    for (const k of own) keys.add(k);
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/**
 * Which entries of a cancelled transaction failed their own condition, from the
 * cancellation reasons (one per item, in item order; `spans[i]` is how many items entry i
 * wrote, in order, before any shared items). Undefined when the reasons do not say
 * (missing, or a cause other than a failed condition or a conflict): then no entry's
 * answer can be told from the cancellation.
 */
export function failedEntries(
  reasons: ReadonlyArray<{ readonly Code?: string | undefined }> | undefined,
  spans: readonly number[],
): Set<number> | undefined {
  const total = spans.reduce((n, s) => n + s, 0);
  if (!reasons || reasons.length < total) return undefined;
  if (
    reasons.some((r) => r.Code && !['None', 'ConditionalCheckFailed', 'TransactionConflict'].includes(r.Code))
  )
    return undefined;
  const failed = new Set<number>();
  let at = 0;
  spans.forEach((span, i) => {
    if (reasons.slice(at, at + span).some((r) => r.Code === 'ConditionalCheckFailed')) failed.add(i);
    at += span;
  });
  return failed;
}

import { applyBatchCommand, type Batch, type BatchCommand } from './batch';
import type { BatchRepository, OpenItem } from './ports';

/**
 * Applies a maker-checker command to a batch and saves it (conditional on the state it was
 * read in). Cancelling also frees the batch's (scheme, period, region) key, so it may be
 * planned again, and gives back what it carried (`reopenCarried`). Throws as
 * `applyBatchCommand` does, or StaleVersionError when the batch changed meanwhile.
 */
export async function commandBatch(
  batches: BatchRepository,
  batch: Batch,
  command: BatchCommand,
  input: { readonly by: string; readonly at: Date; readonly reason?: string },
): Promise<Batch> {
  const next = applyBatchCommand(batch, command, input);
  await batches.saveState(next, batch.state);
  if (command === 'cancel') {
    await batches.releaseKey(next);
    await reopenCarried(batches, next);
  }
  return next;
}

/**
 * A cancelled batch gives back what it carried: held and failed lines it took over from
 * earlier batches return to the open list, so the next batch picks them up again.
 */
async function reopenCarried(batches: BatchRepository, batch: Batch): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await batches.lines(batch.batchId, { limit: 100, ...(cursor ? { cursor } : {}) });
    for (const line of page.items) {
      if (!line.carriedFrom || line.state !== 'pending') continue;
      const open: OpenItem = {
        scheme: line.scheme,
        region: line.region,
        period: line.period,
        enrollmentId: line.enrollmentId,
        batchId: line.carriedFrom,
        lineId: line.lineId,
        reason: line.attempt > 1 ? 'failed' : 'held',
      };
      await batches.moveLine({
        batchId: batch.batchId,
        lineId: line.lineId,
        from: 'pending',
        to: 'pending',
        amountFen: 0,
        openItem: open,
      });
    }
    cursor = page.cursor;
  } while (cursor);
}

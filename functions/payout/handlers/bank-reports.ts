import { setting, tableName } from '../../../shared/aws/config';
import { documentClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { systemClock } from '../../../shared/domain/clock';
import { observability } from '../../../shared/observability';
import { dynamoBatchRepository } from '../adapters/batch-repository';
import { dynamoCursor } from '../adapters/cursor-store';
import { httpBankRail } from '../adapters/http-bank-rail';
import type { BankRail } from '../domain/bank-rail';
import { importStatusReport } from '../domain/disburse';
import { parsePain002 } from '../domain/iso20022';
import type { BatchRepository } from '../domain/ports';

export interface BankReportsDeps {
  readonly rail: BankRail;
  readonly batches: BatchRepository;
  /** How far the bank's later reports have been applied. */
  readonly cursor: { get(): Promise<number>; set(seq: number): Promise<void> };
  readonly now: () => Date;
}

/**
 * On a schedule, reads the bank's later status reports (payments returned after
 * settlement) and applies each to its batch. The cursor moves past a report only after
 * it was applied, and importing is idempotent, so a crash at worst applies one twice.
 */
export function buildBankReports(deps: BankReportsDeps) {
  const { logger } = observability('payout-bank-reports');
  return async (): Promise<{ imported: number }> => {
    const reports = await deps.rail.laterReports(await deps.cursor.get());
    for (const { seq, document } of reports) {
      const batchId = parsePain002(document).originalMessageId;
      if (await deps.batches.find(batchId)) {
        const summary = await importStatusReport(deps, batchId, document);
        logger.info('status report imported', { batchId, ...summary });
      } else {
        logger.warn('status report for an unknown batch', { batchId });
      }
      await deps.cursor.set(seq);
    }
    return { imported: reports.length };
  };
}

export const handler = initOnce(() => {
  const db = documentClient();
  const table = tableName('payout');
  return buildBankReports({
    rail: httpBankRail(setting('payout-bank-url')),
    cursor: dynamoCursor(db, table, 'bank-reports'),
    batches: dynamoBatchRepository(db, table),
    now: () => systemClock.now(),
  });
});

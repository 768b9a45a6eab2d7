import { requiredEnv, tableName } from '../../../shared/aws/config';
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
import { BANK_URL_ENV } from './disburser';

/**
 * On a schedule, reads the bank's later status reports (payments returned after
 * settlement) and applies each to its batch. The cursor advances only after the reports
 * were read, and importing is idempotent, so a crash at worst imports a report twice.
 */
export function buildBankReports(deps: { rail: BankRail; batches: BatchRepository; now: () => Date }) {
  const { logger } = observability('payout-bank-reports');
  return async (): Promise<{ imported: number }> => {
    const reports = await deps.rail.laterReports();
    for (const document of reports) {
      const batchId = parsePain002(document).originalMessageId;
      if (!(await deps.batches.find(batchId))) {
        logger.warn('status report for an unknown batch', { batchId });
        continue;
      }
      const summary = await importStatusReport(deps, batchId, document);
      logger.info('status report imported', { batchId, ...summary });
    }
    return { imported: reports.length };
  };
}

export const handler = initOnce(() => {
  const db = documentClient();
  const table = tableName('payout');
  return buildBankReports({
    rail: httpBankRail(requiredEnv(BANK_URL_ENV), dynamoCursor(db, table, 'bank-reports')),
    batches: dynamoBatchRepository(db, table),
    now: () => systemClock.now(),
  });
});

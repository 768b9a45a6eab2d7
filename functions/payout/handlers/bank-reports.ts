import { setting, tableName } from '../../../shared/aws/config';
import { documentClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { loadSecret } from '../../../shared/aws/secrets';
import { systemClock } from '../../../shared/domain/clock';
import { type Observability, observability } from '../../../shared/observability';
import { parseBankChannel } from '../adapters/bank-channel';
import { dynamoBatchRepository } from '../adapters/batch-repository';
import { dynamoCursor } from '../adapters/cursor-store';
import { httpBankRail } from '../adapters/http-bank-rail';
import { alertIfRefusedReport } from '../adapters/report-refusals';
import type { BankRail } from '../domain/bank-rail';
import { type BankTrust, certificatesOf } from '../domain/bank-trust';
import { importStatusReport } from '../domain/disburse';
import type { BatchRepository } from '../domain/ports';

export interface BankReportsDeps {
  readonly rail: BankRail;
  readonly batches: BatchRepository;
  readonly trust: BankTrust;
  /** How far the bank's later reports have been applied. */
  readonly cursor: { get(): Promise<number>; set(seq: number): Promise<void> };
  readonly now: () => Date;
  readonly observability?: Observability;
}

/**
 * On a schedule, reads the bank's later status reports (payments returned after
 * settlement), each streamed over the authenticated channel, and applies each to its
 * batch once its signature is verified and it matches a file this province sent. The
 * cursor moves past a report only after it was applied or refused; importing is
 * idempotent, so a crash at worst applies one twice. A refused report changes nothing and
 * raises the `BankReportRefused` alarm.
 */
export function buildBankReports(deps: BankReportsDeps) {
  const obs = deps.observability ?? observability('payout-bank-reports');
  return async (): Promise<{ imported: number; refused: number }> => {
    let imported = 0;
    let refused = 0;
    try {
      for (const seq of await deps.rail.laterReports(await deps.cursor.get())) {
        try {
          const summary = await importStatusReport(deps, await deps.rail.report(seq));
          obs.logger.info('status report imported', { seq, ...summary });
          imported++;
        } catch (error) {
          if (!alertIfRefusedReport(obs, error, { seq })) throw error;
          refused++;
        }
        await deps.cursor.set(seq);
      }
    } finally {
      // Only a refusal is a metric here (the alarm's); nothing to publish otherwise.
      if (refused > 0) obs.metrics.publishStoredMetrics();
    }
    return { imported, refused };
  };
}

export const handler = initOnce(async () => {
  const db = documentClient();
  const table = tableName('payout');
  const now = () => systemClock.now();
  const channel = parseBankChannel(
    await loadSecret('payout-bank-client'),
    await loadSecret('payout-bank-ca'),
    now(),
  );
  return buildBankReports({
    rail: httpBankRail({ url: setting('payout-bank-url'), channel }),
    trust: { bankCa: certificatesOf(channel.bankCa) },
    cursor: dynamoCursor(db, table, 'bank-reports'),
    batches: dynamoBatchRepository(db, table),
    now,
  });
});

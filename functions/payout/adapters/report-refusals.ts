import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Observability } from '../../../shared/observability';
import { BankReportRefusedError } from '../domain/bank-trust';

/**
 * Raises the alert for a refused status report: an error log with the reason (never the
 * document) and the `BankReportRefused` metric, which the manifest's alarm watches.
 * Answers whether `error` was such a refusal.
 */
export function alertIfRefusedReport(
  obs: Pick<Observability, 'logger' | 'metrics'>,
  error: unknown,
  context: Readonly<Record<string, string | number>>,
): error is BankReportRefusedError {
  if (!(error instanceof BankReportRefusedError)) return false;
  obs.logger.error('bank status report refused', { reason: error.reason, ...context });
  obs.metrics.addMetric('BankReportRefused', MetricUnit.Count, 1);
  return true;
}

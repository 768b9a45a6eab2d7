import { type Batch, EMPTY_TALLY, type Tally } from './batch';

/** One row of the payouts report: a scheme's period, over the batches of the region. */
export interface PayoutReportRow {
  readonly scheme: string;
  readonly period: string;
  readonly batches: number;
  readonly paid: Tally;
  readonly failed: Tally;
  readonly held: Tally;
  readonly pending: Tally;
}

const sum = (a: Tally, b: Tally): Tally => ({ count: a.count + b.count, sumFen: a.sumFen + b.sumFen });

/**
 * The payouts report: per scheme and period, how many batches and what their ledgers
 * paid, failed, held and still have pending, in fen. Cancelled batches paid nothing and
 * count nowhere. Rows come ordered by scheme, then period.
 */
export function payoutReport(batches: readonly Batch[]): PayoutReportRow[] {
  const rows = new Map<string, PayoutReportRow>();
  for (const b of batches) {
    if (b.state === 'cancelled') continue;
    const key = `${b.scheme}#${b.period}`;
    const row = rows.get(key) ?? {
      scheme: b.scheme,
      period: b.period,
      batches: 0,
      paid: EMPTY_TALLY,
      failed: EMPTY_TALLY,
      held: EMPTY_TALLY,
      pending: EMPTY_TALLY,
    };
    rows.set(key, {
      ...row,
      batches: row.batches + 1,
      paid: sum(row.paid, b.ledger.paid),
      failed: sum(row.failed, b.ledger.failed),
      held: sum(row.held, b.ledger.held),
      pending: sum(row.pending, b.ledger.pending),
    });
  }
  return [...rows.values()].sort((a, b) =>
    a.scheme === b.scheme ? a.period.localeCompare(b.period) : a.scheme.localeCompare(b.scheme),
  );
}

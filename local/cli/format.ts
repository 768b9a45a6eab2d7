/**
 * How the CLI shows answers to people: plain tables and short summaries. With `--json` the
 * answers are printed as they came instead. Pure functions, so they are tested alone.
 */

// biome-ignore lint/suspicious/noExplicitAny: answers are read field by field
type Row = Record<string, any>;

/** `12000` → `120.00`. */
export const yuan = (fen: number | undefined): string => (fen === undefined ? '-' : (fen / 100).toFixed(2));

/** A text table of `rows` with the given columns; an empty list says so. */
export function table(rows: readonly Row[], columns: readonly string[]): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((row) => columns.map((c) => cellText(row[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Which part of its region a batch split by the line cap is: `2`, `3 (last)`; empty for a whole region. */
const partOf = (batch: Row): string =>
  batch.part ? `${batch.part.number}${batch.part.last === undefined ? ' (last)' : ''}` : '';

const tally = (t: { count: number; sumFen: number } | undefined) =>
  t ? `${t.count} (${yuan(t.sumFen)})` : '-';

/** A batch: identity, state, control totals and the ledger. */
export function batchSummary(batch: Row): string {
  const ledger = batch.ledger ?? {};
  return [
    `batch     ${batch.batchId}`,
    `scheme    ${batch.scheme}  period ${batch.period}  region ${batch.region}${batch.part ? `  part ${partOf(batch)}` : ''}`,
    `state     ${batch.state}${batch.state === 'nothing-to-pay' ? '  (every line held: no file was sent to the bank)' : ''}`,
    `control   ${tally(batch.control)}`,
    `ledger    planned ${tally(ledger.planned)} · paid ${tally(ledger.paid)} · failed ${tally(ledger.failed)} · held ${tally(ledger.held)} · pending ${tally(ledger.pending)}`,
  ].join('\n');
}

/** Batch lines as a table. */
export function paymentsTable(items: readonly Row[]): string {
  return table(
    items.map((p) => ({ ...p, amount: yuan(p.amountFen), reason: p.holdReason ?? p.reasonCode ?? '' })),
    ['enrollmentId', 'period', 'amount', 'state', 'reason'],
  );
}

/** Batches as a table: what an officer or approver picks from. */
export function batchesTable(items: readonly Row[]): string {
  return table(
    items.map((b) => ({
      ...b,
      lines: b.control?.count ?? 0,
      amount: yuan(b.control?.sumFen),
      part: partOf(b),
      submittedBy: b.submittedBy ?? '',
    })),
    ['batchId', 'scheme', 'period', 'region', 'part', 'state', 'lines', 'amount', 'submittedBy'],
  );
}

/** Exchange messages as a table. */
export function messagesTable(items: readonly Row[]): string {
  return table(
    items.map((m) => ({
      ...m,
      type: String(m.type ?? '').replace(/^cn\.gov\.jiahe\./, ''),
      at: m.deliveredAt ?? m.receivedAt ?? m.createdAt,
      answer: m.ack ? `${m.ack.outcome}${m.ack.reason ? ` ${m.ack.reason}` : ''}` : '',
    })),
    ['messageId', 'direction', 'partner', 'type', 'status', 'sequence', 'at', 'answer'],
  );
}

/** Partners as a table. */
export function partnersTable(items: readonly Row[]): string {
  return table(items, ['code', 'status', 'inboxUrl', 'pausedReason']);
}

/** A one-line progress bar: `[#####.....]  50%  500/1000`. */
export function progressBar(done: number, total: number, width = 30): string {
  const share = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(share * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%  ${done}/${total}`;
}

import { StaleVersionError } from '../../../shared/domain/errors';
import type { BankRail } from './bank-rail';
import type { Batch, PaymentLine } from './batch';
import type { BankAccount, Enrollment } from './enrollment';
import { buildPain001, type CreditTransferFile, type Debtor, parsePain002 } from './iso20022';
import type { BatchRepository, EnrollmentRepository, LineMove } from './ports';

export interface DisbursePorts {
  readonly batches: BatchRepository;
  readonly enrollments: EnrollmentRepository;
  /** Decrypts an enrolment's bank account, in memory only. */
  readonly accountOf: (enrollment: Enrollment) => BankAccount;
  readonly rail: BankRail;
  readonly debtor: Debtor;
  readonly now: () => Date;
  /**
   * How long a worker may hold a batch (the function timeout). The owner is the queue
   * message: its redelivery after a crash takes the batch over, a duplicate message waits.
   */
  readonly leaseMs?: number;
}

async function eachPage(
  batches: BatchRepository,
  batchId: string,
  state: PaymentLine['state'] | undefined,
  visit: (lines: PaymentLine[]) => Promise<void>,
): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await batches.lines(batchId, {
      limit: 100,
      ...(state ? { state } : {}),
      ...(cursor ? { cursor } : {}),
    });
    if (page.items.length > 0) await visit(page.items);
    cursor = page.cursor;
  } while (cursor);
}

const eachLine = (
  batches: BatchRepository,
  batchId: string,
  state: PaymentLine['state'] | undefined,
  visit: (line: PaymentLine) => Promise<void>,
): Promise<void> =>
  eachPage(batches, batchId, state, async (lines) => {
    for (const line of lines) await visit(line);
  });

/** How many report outcomes are handed to the repository at once (it fits them into transactions). */
const MOVE_BLOCK = 500;

/** How many enrolments are read at once while building the payment file. */
const READ_BULK = 500;

/** Lines that went (or go) to the bank in this batch: the content of its one payment file. */
const IN_FILE = new Set<PaymentLine['state']>(['sent', 'paid', 'failed']);

/**
 * The batch's payment file: every line sent in this batch, in line order, with the
 * approval time as creation time, so building it again gives the same bytes.
 */
export async function paymentFileOf(
  ports: Omit<DisbursePorts, 'rail' | 'now'>,
  batch: Batch,
): Promise<{ xml: string; file: CreditTransferFile; lines: PaymentLine[] }> {
  const lines: PaymentLine[] = [];
  await eachLine(ports.batches, batch.batchId, undefined, async (line) => {
    if (IN_FILE.has(line.state)) lines.push(line);
  });
  lines.sort((a, b) => (a.lineId < b.lineId ? -1 : 1));
  const transfers = [];
  // The enrolments are read in bulk, a group at a time; the file keeps line order.
  const enrollments: Enrollment[] = [];
  for (let i = 0; i < lines.length; i += READ_BULK) {
    const group = lines.slice(i, i + READ_BULK);
    const found = await ports.enrollments.findMany(group.map((line) => line.enrollmentId));
    for (const line of group) {
      const enrollment = found.get(line.enrollmentId);
      if (!enrollment) throw new Error(`enrolment of line ${line.lineId} is missing`);
      enrollments.push(enrollment);
    }
  }
  for (const [k, line] of lines.entries()) {
    const account = ports.accountOf(enrollments[k] as Enrollment);
    transfers.push({
      endToEndId: line.endToEndId,
      amountFen: line.amountFen,
      creditorName: account.holderName,
      creditorAccount: account.accountNumber,
      creditorBankCode: account.bankCode,
      remittance: `${line.scheme} ${line.period}`,
    });
  }
  const createdAt = (batch.approvedAt ?? batch.updatedAt).slice(0, 19);
  const file: CreditTransferFile = {
    messageId: batch.batchId,
    createdAt,
    executionDate: createdAt.slice(0, 10),
    debtor: ports.debtor,
    transfers,
  };
  return { xml: buildPain001(file), file, lines };
}

export interface ImportSummary {
  readonly paid: number;
  readonly rejected: number;
  readonly returned: number;
  readonly unchanged: number;
  readonly unknown: number;
}

/**
 * Applies a pain.002 status report to a batch: settled lines become paid, rejected ones
 * failed (with the reason code), and paid ones later rejected failed as returned; failed
 * lines go on the open list for the next batch. Each change is conditional on the line's
 * current state, so importing a report twice changes nothing the second time. When no
 * line is left pending, the batch is reconciled.
 */
export async function importStatusReport(
  ports: Pick<DisbursePorts, 'batches' | 'now'>,
  batchId: string,
  xml: string,
): Promise<ImportSummary> {
  const report = parsePain002(xml);
  if (report.originalMessageId !== batchId) throw new Error('the status report answers another file');
  const byE2e = new Map<string, PaymentLine>();
  await eachLine(ports.batches, batchId, undefined, async (line) => {
    byE2e.set(line.endToEndId, line);
  });
  const summary = { paid: 0, rejected: 0, returned: 0, unchanged: 0, unknown: 0 };
  const at = ports.now().toISOString();
  // Each outcome that changes a line is a move conditional on the line's state; a move that
  // finds the line changed meanwhile (a second import, a repeated transaction) is unchanged.
  const moves: { move: LineMove; counts: 'paid' | 'rejected' | 'returned' }[] = [];
  for (const tx of report.transactions) {
    const line = byE2e.get(tx.endToEndId);
    if (!line) {
      summary.unknown++;
      continue;
    }
    const base = { batchId, lineId: line.lineId, amountFen: line.amountFen };
    if (tx.outcome === 'paid' && line.state === 'sent') {
      moves.push({
        counts: 'paid',
        move: {
          ...base,
          from: 'sent',
          to: 'paid',
          patch: { updatedAt: at },
          paymentState: { paymentKey: line.paymentKey, state: 'paid' },
        },
      });
    } else if (tx.outcome === 'rejected' && (line.state === 'sent' || line.state === 'paid')) {
      const returned = line.state === 'paid';
      moves.push({
        counts: returned ? 'returned' : 'rejected',
        move: {
          ...base,
          from: line.state,
          to: 'failed',
          patch: { updatedAt: at, failure: { code: tx.reasonCode ?? 'NARR', returned } },
          paymentState: { paymentKey: line.paymentKey, state: 'failed' },
          openItem: {
            scheme: line.scheme,
            region: line.region,
            period: line.period,
            enrollmentId: line.enrollmentId,
            batchId,
            lineId: line.lineId,
            reason: 'failed',
          },
        },
      });
    } else summary.unchanged++;
  }
  for (let i = 0; i < moves.length; i += MOVE_BLOCK) {
    const block = moves.slice(i, i + MOVE_BLOCK);
    const moved = await ports.batches.moveLines(block.map((m) => m.move));
    block.forEach((m, k) => {
      if (moved[k]) summary[m.counts]++;
      else summary.unchanged++;
    });
  }
  await reconcileIfSettled(ports, batchId);
  return summary;
}

/** Marks a disbursing batch reconciled once every line is settled (paid, failed or held). */
export async function reconcileIfSettled(
  ports: Pick<DisbursePorts, 'batches' | 'now'>,
  batchId: string,
): Promise<void> {
  const batch = await ports.batches.find(batchId);
  if (batch?.state !== 'disbursing' || batch.ledger.pending.count > 0) return;
  const at = ports.now().toISOString();
  try {
    await ports.batches.saveState(
      {
        ...batch,
        state: 'reconciled',
        version: batch.version + 1,
        updatedAt: at,
        actions: [...batch.actions, { type: 'reconciled', by: 'system', at }],
      },
      'disbursing',
    );
  } catch (error) {
    if (!(error instanceof StaleVersionError)) throw error;
  }
}

/**
 * Disburses an approved batch. Every step may crash and run again:
 * 1. approved → disbursing;
 * 2. each pending line reserves its payment key (a conditional write: free, or failed in
 *    an earlier attempt) and becomes sent in the same transaction; a key already taken
 *    holds the line as `already-paid` instead;
 * 3. the payment file of all sent lines goes to the bank under the batch id, which the
 *    bank deduplicates, and its status report is imported.
 * One worker holds the batch at a time (a lease owned by the queue message).
 * No step pays a key twice, and a re-run picks up every line a crash left pending.
 */
export async function disburseBatch(
  ports: DisbursePorts,
  batchId: string,
  owner = 'worker',
): Promise<Batch | undefined> {
  let batch = await ports.batches.find(batchId);
  if (!batch) return undefined;
  if (batch.state !== 'approved' && batch.state !== 'disbursing') return batch;
  // Two workers on one batch could each send a file of a different part of it under the
  // same message id; the lease keeps one worker per batch.
  const now = ports.now();
  const until = new Date(now.getTime() + (ports.leaseMs ?? 240_000)).toISOString();
  if (!(await ports.batches.acquireLease(batchId, owner, until, now.toISOString()))) return batch;
  if (batch.state === 'approved') {
    const at = ports.now().toISOString();
    const next: Batch = {
      ...batch,
      state: 'disbursing',
      version: batch.version + 1,
      updatedAt: at,
      actions: [...batch.actions, { type: 'disbursing', by: 'system', at }],
    };
    try {
      await ports.batches.saveState(next, 'approved');
    } catch (error) {
      if (!(error instanceof StaleVersionError)) throw error;
    }
    batch = (await ports.batches.find(batchId)) as Batch;
  }
  if (batch.state !== 'disbursing') return batch;

  // A page of pending lines at a time: each reserves its payment key and becomes sent, many
  // to a transaction. A line the repository could not move is looked at on its own.
  await eachPage(ports.batches, batchId, 'pending', async (lines) => {
    const at = ports.now().toISOString();
    const sent = await ports.batches.moveLines(
      lines.map((line) => ({
        batchId,
        lineId: line.lineId,
        from: 'pending' as const,
        to: 'sent' as const,
        amountFen: line.amountFen,
        patch: { updatedAt: at },
        reservePayment: { paymentKey: line.paymentKey, attempt: line.attempt },
      })),
    );
    for (const [k, line] of lines.entries()) {
      if (sent[k]) continue;
      const current = await ports.batches.findLine(batchId, line.lineId);
      if (current?.state !== 'pending') continue;
      // Still pending, so the payment key was taken: another batch paid this period already.
      await ports.batches.moveLine({
        batchId,
        lineId: line.lineId,
        from: 'pending',
        to: 'held',
        amountFen: line.amountFen,
        patch: { holdReason: 'already-paid', updatedAt: ports.now().toISOString() },
      });
    }
  });

  const { xml, file } = await paymentFileOf(ports, batch);
  if (file.transfers.length > 0) {
    const report = await ports.rail.submit(batch.batchId, xml);
    await importStatusReport(ports, batchId, report);
  }
  await reconcileIfSettled(ports, batchId);
  return ports.batches.find(batchId);
}

import { ConflictError, NothingToPayError, StaleVersionError } from '../../../shared/domain/errors';
import { accountInForce } from './bank-account';
import type { BankRail, SignedReport, StreamedReport } from './bank-rail';
import { BankReportRefusedError, type BankTrust, reportSignatureCheck } from './bank-trust';
import type { Batch, PaymentLine } from './batch';
import {
  ControlTotalsError,
  type CreditTransfer,
  type CreditTransferHeader,
  type Debtor,
  type StatusReport,
  statusReportReader,
  writePain001,
} from './iso20022';
import type { BankAccountVault, BatchRepository, EnrollmentRepository, LineMove } from './ports';

export interface DisbursePorts {
  readonly batches: BatchRepository;
  readonly enrollments: EnrollmentRepository;
  /** Opens enrolments' sealed bank accounts, in memory only. */
  readonly accounts: Pick<BankAccountVault, 'openMany'>;
  readonly rail: BankRail;
  readonly debtor: Debtor;
  /** The bank's CAs: its report signatures must chain to one. */
  readonly trust: BankTrust;
  readonly now: () => Date;
  /**
   * How long a worker may hold a batch (the function timeout). The owner is the queue
   * message: its redelivery after a crash takes the batch over, a duplicate message waits.
   */
  readonly leaseMs?: number;
  /** Stepwise disbursing; without it a batch is disbursed in one go (tests, tools). */
  readonly step?: DisburseStep;
}

/**
 * One invocation's share of a batch: how long it may still run, and how to hand the batch
 * on to the next invocation (a new disbursement command) when its time is nearly up.
 */
export interface DisburseStep {
  readonly timeLeftMs: () => number;
  readonly continueLater: (batchId: string) => Promise<void>;
}

/**
 * Below this much time left, a step reserves no further page of lines: one page (100
 * reservations, a few transactions) and the hand-over take seconds, so this leaves a wide
 * margin under the function's timeout.
 */
export const RESERVE_MARGIN_MS = 30_000;
/**
 * Below this much time left after its reservations, a step leaves the payment file to the
 * next invocation: building a capped batch's file, the bank's answer and the import of its
 * report take most of a fresh invocation (docs/payout.md#stepwise-disbursing).
 */
export const SEND_MARGIN_MS = 150_000;

/** The batch's lines (of one state, or all), a page at a time in line order. */
async function* linePages(
  batches: Pick<BatchRepository, 'lines'>,
  batchId: string,
  state: PaymentLine['state'] | undefined,
): AsyncGenerator<PaymentLine[]> {
  let cursor: string | undefined;
  do {
    const page = await batches.lines(batchId, {
      limit: 100,
      ...(state ? { state } : {}),
      ...(cursor ? { cursor } : {}),
    });
    if (page.items.length > 0) yield page.items;
    cursor = page.cursor;
  } while (cursor);
}

/** How many report outcomes are handed to the repository at once (it fits them into transactions). */
const MOVE_BLOCK = 500;

/** Lines that went (or go) to the bank in this batch: the content of its one payment file. */
const IN_FILE = new Set<PaymentLine['state']>(['sent', 'paid', 'failed']);

/** What a payment file is read from: the lines, their enrolments, and the vault that opens their accounts. */
export interface PaymentFilePorts {
  readonly batches: Pick<BatchRepository, 'lines'>;
  readonly enrollments: Pick<EnrollmentRepository, 'findMany'>;
  readonly accounts: Pick<BankAccountVault, 'openMany'>;
  readonly debtor: Debtor;
}

/** A batch's payment file, written as it is read (`writePain001`). */
export interface PaymentFile {
  readonly messageId: string;
  /** Its control totals: the ledger's lines sent, paid and failed. */
  readonly count: number;
  readonly sumFen: number;
  /**
   * The file's text, a page of lines at a time: each call reads the lines and opens their
   * accounts again (a retried upload), and hands each page's lines in the file to `visit`.
   */
  readonly text: (visit?: (lines: readonly PaymentLine[]) => void) => AsyncIterable<string>;
}

/**
 * The batch's payment file: every line sent in this batch, in line order (the table's),
 * with the approval time as creation time, so building it again gives the same bytes.
 * The control totals are the ledger's, so the header is written before the first line is
 * read; a page's enrolments are read and its accounts opened together, and only one page
 * is held at a time. A batch that sent no line has no file (NothingToPayError): a file
 * must carry at least one transfer. While lines are still being reserved the lines read
 * fall short of the ledger and the text fails at its end (ConflictError): the file exists
 * once every line is sent or held.
 */
export function paymentFileOf(ports: PaymentFilePorts, batch: Batch): PaymentFile {
  const { pending, paid, failed } = batch.ledger;
  const count = pending.count + paid.count + failed.count;
  const sumFen = pending.sumFen + paid.sumFen + failed.sumFen;
  if (count === 0) {
    throw new NothingToPayError({
      en: 'This batch pays nobody: every line is held, so no payment file was made or sent to the bank.',
      zh: '本批次所有明细均被暂缓，无应付款项，未生成也未向银行发送支付文件。',
    });
  }
  const createdAt = (batch.approvedAt ?? batch.updatedAt).slice(0, 19);
  const header = {
    messageId: batch.batchId,
    createdAt,
    executionDate: createdAt.slice(0, 10),
    debtor: ports.debtor,
    count,
    sumFen,
  };
  async function* transfers(
    visit?: (lines: readonly PaymentLine[]) => void,
  ): AsyncGenerator<CreditTransfer[]> {
    for await (const page of linePages(ports.batches, batch.batchId, undefined)) {
      const lines = page.filter((line) => IN_FILE.has(line.state));
      if (lines.length === 0) continue;
      visit?.(lines);
      const found = await ports.enrollments.findMany(lines.map((line) => line.enrollmentId));
      // Each line pays the account in force for the batch's period: a change made after planning starts later.
      const accounts = await ports.accounts.openMany(
        lines.map((line) => {
          const enrollment = found.get(line.enrollmentId);
          if (!enrollment) throw new Error(`enrolment of line ${line.lineId} is missing`);
          return {
            enrollmentId: enrollment.enrollmentId,
            bankAccount: accountInForce(enrollment, batch.period),
          };
        }),
      );
      yield lines.map((line, k) => {
        const account = accounts[k];
        if (!account) throw new Error(`the account of line ${line.lineId} did not open`);
        return {
          endToEndId: line.endToEndId,
          amountFen: line.amountFen,
          creditorName: account.holderName,
          creditorAccount: account.accountNumber,
          creditorBankCode: account.bankCode,
          remittance: `${line.scheme} ${line.period}`,
        };
      });
    }
  }
  return {
    messageId: batch.batchId,
    count,
    sumFen,
    text: (visit) => fileText(header, transfers(visit)),
  };
}

/** The file's text; transfers short of the ledger mean lines are still being reserved. */
async function* fileText(
  header: CreditTransferHeader,
  transfers: AsyncIterable<CreditTransfer[]>,
): AsyncGenerator<string> {
  try {
    yield* writePain001(header, transfers);
  } catch (cause) {
    if (!(cause instanceof ControlTotalsError)) throw cause;
    throw new ConflictError(
      {
        en: 'This batch is still being disbursed: its payment file is complete once every line is sent or held.',
        zh: '本批次正在发放，所有明细发出或暂缓后支付文件方才完整。',
      },
      { cause },
    );
  }
}

export interface ImportSummary {
  readonly paid: number;
  readonly rejected: number;
  readonly returned: number;
  readonly unchanged: number;
}

/** What a status report's outcome is applied to: a line of the file, without its facts. */
type ReportedLine = Pick<
  PaymentLine,
  'lineId' | 'state' | 'amountFen' | 'paymentKey' | 'scheme' | 'region' | 'period' | 'enrollmentId'
>;

/** Batch states whose payment file has gone to the bank: the only ones a report may answer. */
const SENT_STATES = new Set<Batch['state']>(['disbursing', 'reconciled']);

/**
 * Reads a status report while checking the bank's signature over its bytes, piece by
 * piece; answers the report only when the whole document is well-formed and signed by
 * the bank. Throws BankReportRefusedError otherwise.
 */
export async function verifiedReport(
  trust: BankTrust,
  report: SignedReport | StreamedReport,
  now: Date,
): Promise<StatusReport> {
  const signature = reportSignatureCheck(trust, report.signature, now);
  const reader = statusReportReader();
  const chunks: Iterable<string> | AsyncIterable<string> =
    'document' in report ? [report.document] : report.chunks;
  let read: StatusReport;
  try {
    for await (const chunk of chunks) {
      signature.update(chunk);
      reader.write(chunk);
    }
    read = reader.close();
  } catch (cause) {
    throw new BankReportRefusedError('malformed', { cause });
  }
  signature.verify();
  return read;
}

/**
 * Applies a pain.002 status report to a batch: settled lines become paid, rejected ones
 * failed (with the reason code), and paid ones later rejected failed as returned; failed
 * lines go on the open list for the next batch. A report that answers every sent line
 * settles the paid ones with one write to the batch (ADR 0012); a partial one writes them
 * line by line. Each change is conditional on the line's current state (and settling on
 * the batch's), so importing a report twice changes nothing the second time. When no
 * line is left pending, the batch is reconciled.
 *
 * Before anything changes the report must be signed by the bank (`verifiedReport`) and
 * match a file this province sent: its OrgnlMsgId a batch whose file went to the bank
 * (and `expectedBatchId`, when given), each OrgnlEndToEndId a line of that file, once.
 * Otherwise BankReportRefusedError, with nothing changed.
 */
export async function importStatusReport(
  ports: Pick<DisbursePorts, 'batches' | 'now' | 'trust'>,
  input: SignedReport | StreamedReport,
  expectedBatchId?: string,
): Promise<ImportSummary & { readonly batchId: string }> {
  const report = await verifiedReport(ports.trust, input, ports.now());
  const batchId = report.originalMessageId;
  const batch = await ports.batches.find(batchId);
  if (!batch || !SENT_STATES.has(batch.state)) throw new BankReportRefusedError('unknown-original');
  if (expectedBatchId !== undefined && expectedBatchId !== batchId)
    throw new BankReportRefusedError('another-file');
  // Only what a move needs is kept of each line (not its facts): a batch's lines fit in memory.
  const byE2e = new Map<string, ReportedLine>();
  for await (const page of linePages(ports.batches, batchId, undefined))
    for (const line of page) {
      const { lineId, state, amountFen, paymentKey, scheme, region, period, enrollmentId } = line;
      byE2e.set(line.endToEndId, {
        lineId,
        state,
        amountFen,
        paymentKey,
        scheme,
        region,
        period,
        enrollmentId,
      });
    }
  const summary = { paid: 0, rejected: 0, returned: 0, unchanged: 0 };
  const at = ports.now().toISOString();
  const seen = new Set<string>();
  for (const tx of report.transactions) {
    const line = byE2e.get(tx.endToEndId);
    if (!line || !IN_FILE.has(line.state)) throw new BankReportRefusedError('unknown-transaction');
    if (seen.has(tx.endToEndId)) throw new BankReportRefusedError('repeated-transaction');
    seen.add(tx.endToEndId);
  }
  // Each outcome that changes a line is a move conditional on the line's state; a move that
  // finds the line changed meanwhile (a second import, a repeated transaction) is unchanged.
  // A report that answers every sent line settles the paid ones with one write to the
  // header (`settle`); only a partial report writes its paid lines one by one.
  const sentLines = [...byE2e.values()].filter((line) => line.state === 'sent').length;
  const paid = report.transactions.filter(
    (tx) => tx.outcome === 'paid' && byE2e.get(tx.endToEndId)?.state === 'sent',
  );
  const answered = report.transactions.filter(
    (tx) => tx.outcome !== 'pending' && byE2e.get(tx.endToEndId)?.state === 'sent',
  ).length;
  const settles = sentLines > 0 && answered === sentLines;
  const moves: { move: LineMove; counts: 'paid' | 'rejected' | 'returned' }[] = [];
  for (const tx of report.transactions) {
    const line = byE2e.get(tx.endToEndId) as ReportedLine;
    const base = { batchId, lineId: line.lineId, amountFen: line.amountFen };
    if (tx.outcome === 'paid' && line.state === 'sent') {
      if (settles) continue;
      moves.push({
        counts: 'paid',
        move: { ...base, from: 'sent', to: 'paid', patch: { updatedAt: at } },
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
          paymentFailed: { paymentKey: line.paymentKey },
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
  if (settles && paid.length > 0) {
    const tally = paid.reduce(
      (t, tx) => ({
        count: t.count + 1,
        sumFen: t.sumFen + (byE2e.get(tx.endToEndId) as ReportedLine).amountFen,
      }),
      { count: 0, sumFen: 0 },
    );
    // Refused when settled already (a second import) or when a line moved meanwhile.
    if (await ports.batches.settle(batchId, tally, at)) summary.paid += tally.count;
    else summary.unchanged += tally.count;
  }
  await reconcileIfSettled(ports, batchId);
  return { batchId, ...summary };
}

/** Marks a disbursing batch reconciled once every line is settled (paid, failed or held). */
export const reconcileIfSettled = (ports: Pick<DisbursePorts, 'batches' | 'now'>, batchId: string) =>
  closeDisbursing(ports, batchId, 'reconciled');

/**
 * Moves a disbursing batch with no line left pending to its final state: `reconciled`, or
 * `nothing-to-pay` when none of its lines went to the bank. Safe to run again: a batch
 * already moved (by this run or another) is left as it is.
 */
async function closeDisbursing(
  ports: Pick<DisbursePorts, 'batches' | 'now'>,
  batchId: string,
  final: 'reconciled' | 'nothing-to-pay',
): Promise<void> {
  const batch = await ports.batches.find(batchId);
  if (batch?.state !== 'disbursing' || batch.ledger.pending.count > 0) return;
  const at = ports.now().toISOString();
  try {
    await ports.batches.saveState(
      {
        ...batch,
        state: final,
        version: batch.version + 1,
        updatedAt: at,
        actions: [...batch.actions, { type: final, by: 'system', at }],
      },
      'disbursing',
    );
  } catch (error) {
    if (!(error instanceof StaleVersionError)) throw error;
  }
}

/**
 * Reserves the payment keys of a page of pending lines. A line whose key another payment
 * holds (another batch paid this period) is held `already-paid`, if it is still pending.
 */
async function reservePage(ports: DisbursePorts, batchId: string, lines: readonly PaymentLine[]) {
  if (lines.length === 0) return;
  const reserved = await ports.batches.reservePayments(
    lines.map(({ lineId, paymentKey, attempt, amountFen }) => ({
      batchId,
      lineId,
      paymentKey,
      attempt,
      amountFen,
    })),
  );
  for (const [k, line] of lines.entries()) {
    if (reserved[k]) continue;
    const current = await ports.batches.findLine(batchId, line.lineId);
    if (current?.state !== 'pending') continue;
    await ports.batches.moveLine({
      batchId,
      lineId: line.lineId,
      from: 'pending',
      to: 'held',
      amountFen: line.amountFen,
      patch: { holdReason: 'already-paid', updatedAt: ports.now().toISOString() },
    });
  }
}

/**
 * Ends an invocation's step: the lease is given up first, so the worker of the next command
 * takes the batch at once. A crash in between leaves this command to be delivered again,
 * and it resumes the batch itself.
 */
async function handOver(
  ports: DisbursePorts,
  step: DisburseStep,
  batchId: string,
  owner: string,
): Promise<Batch | undefined> {
  await ports.batches.releaseLease(batchId, owner);
  await step.continueLater(batchId);
  return ports.batches.find(batchId);
}

/**
 * Disburses an approved batch. Every step may crash and run again:
 * 1. approved → disbursing;
 * 2. each pending line reserves its payment key (a conditional write: free, failed in an
 *    earlier attempt, or reserved by this attempt before); the line is not written. A key
 *    another payment holds holds the line `already-paid` instead. When every line is
 *    reserved or held, the batch is marked sent (its waiting lines read `sent`);
 * 3. the payment file of all sent lines goes to the bank under the batch id, which the
 *    bank deduplicates, and its status report is imported; a batch that sent no line
 *    (all held) sends no file and ends `nothing-to-pay`, and one whose lines the bank has
 *    all answered already is reconciled without sending again.
 * One worker holds the batch at a time (a lease owned by the queue message).
 * No step pays a key twice, and a re-run picks up every line a crash left pending.
 * With `ports.step`, an invocation whose time runs short (RESERVE_MARGIN_MS before the
 * next page, SEND_MARGIN_MS before the file) records where it stopped, hands the batch to
 * a new command and returns it still disbursing; each step reserves at least one page, so
 * every step moves on.
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

  // A page of pending lines at a time reserves their payment keys, many to a transaction;
  // the lines are not written. A line whose key another payment holds is held instead. A
  // step whose time runs short records where to resume and hands the rest to the next,
  // after at least one page of its own; the lines are all sent once every page is done.
  const timeLeft = () => ports.step?.timeLeftMs() ?? Number.POSITIVE_INFINITY;
  let cursor = batch.reservedThrough;
  let reservedHere = false;
  if (!batch.sentAt) {
    do {
      if (ports.step && reservedHere && timeLeft() < RESERVE_MARGIN_MS) {
        await ports.batches.saveReservedThrough(batchId, cursor as string);
        return handOver(ports, ports.step, batchId, owner);
      }
      const page = await ports.batches.lines(batchId, {
        limit: 100,
        state: 'pending',
        ...(cursor ? { cursor } : {}),
      });
      reservedHere = true;
      await reservePage(ports, batchId, page.items);
      cursor = page.cursor;
    } while (cursor);
    await ports.batches.markSent(batchId, ports.now().toISOString());
  }
  if (ports.step && reservedHere && timeLeft() < SEND_MARGIN_MS) {
    return handOver(ports, ports.step, batchId, owner);
  }

  // Every pending line is sent or held now: the ledger tells whether any went into the file.
  const reserved = (await ports.batches.find(batchId)) as Batch;
  const { ledger } = reserved;
  if (ledger.pending.count + ledger.paid.count + ledger.failed.count === 0) {
    // No file without a transfer goes to the bank: the batch closes as it is.
    await closeDisbursing(ports, batchId, 'nothing-to-pay');
    return ports.batches.find(batchId);
  }
  if (ledger.pending.count === 0) {
    // The bank answered every line before a crash kept the batch open: nothing to send again.
    await reconcileIfSettled(ports, batchId);
    return ports.batches.find(batchId);
  }
  const file = paymentFileOf(ports, reserved);
  const report = await ports.rail.submit(file.messageId, () => file.text());
  await importStatusReport(ports, report, batchId);
  await reconcileIfSettled(ports, batchId);
  return ports.batches.find(batchId);
}

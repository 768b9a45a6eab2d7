import { ConflictError, SeparationOfDutiesError } from '../../../shared/domain/errors';
import type { BatchPart } from './batch-parts';

export type BatchState =
  | 'planning'
  | 'planned'
  | 'submitted'
  | 'approved'
  | 'disbursing'
  | 'reconciled'
  /** Disbursed with every line held: no file went to the bank, and the batch is closed. */
  | 'nothing-to-pay'
  | 'cancelled';

/** A count of lines and their sum in fen. */
export interface Tally {
  readonly count: number;
  readonly sumFen: number;
}

/**
 * The batch ledger. `planned` only grows while planning; afterwards every line moves
 * between the other four, so `planned = paid + failed + held + pending` holds after each
 * single write (line and ledger change in one transaction). `pending` counts lines not
 * yet settled: queued, or sent and awaiting the bank.
 */
export interface Ledger {
  readonly planned: Tally;
  readonly pending: Tally;
  readonly held: Tally;
  readonly paid: Tally;
  readonly failed: Tally;
}

export type LedgerBucket = Exclude<keyof Ledger, 'planned'>;

export const EMPTY_TALLY: Tally = { count: 0, sumFen: 0 };
export const EMPTY_LEDGER: Ledger = {
  planned: EMPTY_TALLY,
  pending: EMPTY_TALLY,
  held: EMPTY_TALLY,
  paid: EMPTY_TALLY,
  failed: EMPTY_TALLY,
};

/** Whether the ledger balances, in count and in fen. */
export function ledgerBalances(ledger: Ledger): boolean {
  const parts: LedgerBucket[] = ['pending', 'held', 'paid', 'failed'];
  const count = parts.reduce((n, k) => n + ledger[k].count, 0);
  const sum = parts.reduce((n, k) => n + ledger[k].sumFen, 0);
  return count === ledger.planned.count && sum === ledger.planned.sumFen;
}

export interface BatchAction {
  readonly type:
    | 'planned'
    | 'submitted'
    | 'approved'
    | 'cancelled'
    | 'disbursing'
    | 'reconciled'
    | 'nothing-to-pay';
  readonly by: string;
  readonly at: string;
  readonly reason?: string;
}

export interface Batch {
  readonly batchId: string;
  readonly scheme: string;
  readonly period: string;
  /** Region code whose prefix the batch covers (`330000` the province, `330100` a prefecture). */
  readonly region: string;
  /** When the region's enrolments are more than one batch may hold: which part this is. */
  readonly part?: BatchPart;
  readonly state: BatchState;
  readonly ruleVersion: number;
  /** Control totals fixed at planning: the lines to pay. */
  readonly control: Tally;
  readonly ledger: Ledger;
  readonly plannedBy: string;
  readonly submittedBy?: string;
  readonly approvedBy?: string;
  /** Set at approval; the payment file's creation time, so a re-built file is identical. */
  readonly approvedAt?: string;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly actions: readonly BatchAction[];
  /**
   * Where disbursing resumes: the lines cursor after the last page whose payments are
   * reserved (or lines held). Written when a step hands the batch on, not per page.
   */
  readonly reservedThrough?: string;
  /** Every line's payment is reserved or the line held: from here a waiting line is sent. */
  readonly sentAt?: string;
  /** The bank answered every sent line: from here a sent line with no failure is paid. */
  readonly settledAt?: string;
}

export type BatchCommand = 'submit' | 'approve' | 'cancel';

/** Holds that never clear: the period was paid, by another batch or another province. */
const FINAL_HOLDS: ReadonlySet<HoldReason> = new Set(['already-paid', 'paid-by-other-province']);

/**
 * Whether a held line waits on the open list, to be carried into a later batch once its
 * hold clears. A line held because its period was paid elsewhere is final.
 */
export const waitsOnOpenList = (line: Pick<PaymentLine, 'state' | 'holdReason'>): boolean =>
  line.state === 'held' && !(line.holdReason && FINAL_HOLDS.has(line.holdReason));

/** What a staff member asks the batch list for; the region prefix is already their scope. */
export interface BatchFilter {
  readonly regionPrefix: string;
  readonly state?: BatchState;
  readonly scheme?: string;
  readonly period?: string;
  /** Only batches this approver may approve now: submitted, by someone else. */
  readonly awaitingApprovalBy?: string;
}

/**
 * Whether a batch belongs in a filtered list. A batch waits for an approver when it is
 * submitted and they did not submit it: maker-checker never lets them approve their own.
 */
export function matchesBatchFilter(batch: Batch, filter: BatchFilter): boolean {
  if (!batch.region.startsWith(filter.regionPrefix)) return false;
  if (filter.state && batch.state !== filter.state) return false;
  if (filter.scheme && batch.scheme !== filter.scheme) return false;
  if (filter.period && batch.period !== filter.period) return false;
  if (filter.awaitingApprovalBy !== undefined) {
    return batch.state === 'submitted' && batch.submittedBy !== filter.awaitingApprovalBy;
  }
  return true;
}

const FROM: Record<BatchCommand, readonly BatchState[]> = {
  submit: ['planned'],
  approve: ['submitted'],
  cancel: ['planned', 'submitted', 'approved'],
};

/**
 * Maker-checker: an officer submits a planned batch, an approver who is not the submitter
 * approves it; either may cancel before disbursing starts. Throws ConflictError when the
 * command does not apply, SeparationOfDutiesError when the approver submitted it.
 */
export function applyBatchCommand(
  batch: Batch,
  command: BatchCommand,
  input: { by: string; at: Date; reason?: string },
): Batch {
  if (!FROM[command].includes(batch.state)) {
    throw new ConflictError({
      en: `A batch that is ${batch.state} cannot be given "${command}".`,
      zh: `状态为 ${batch.state} 的批次不能执行“${command}”。`,
    });
  }
  if (command === 'approve' && batch.submittedBy === input.by) {
    throw new SeparationOfDutiesError('The person who submitted a batch cannot approve it.');
  }
  const at = input.at.toISOString();
  const next: Record<BatchCommand, Partial<Batch>> = {
    submit: { state: 'submitted', submittedBy: input.by },
    approve: { state: 'approved', approvedBy: input.by, approvedAt: at },
    cancel: { state: 'cancelled' },
  };
  const type = ({ submit: 'submitted', approve: 'approved', cancel: 'cancelled' } as const)[command];
  return {
    ...batch,
    ...next[command],
    version: batch.version + 1,
    updatedAt: at,
    actions: [
      ...batch.actions,
      { type, by: input.by, at, ...(input.reason ? { reason: input.reason } : {}) },
    ],
  };
}

export type HoldReason =
  | 'deceased'
  | 'suspended'
  | 'cross-province-awaiting'
  | 'cross-province-conflict'
  | 'facts-missing'
  | 'already-paid'
  | 'paid-by-other-province';

export type LineState = 'pending' | 'sent' | 'held' | 'paid' | 'failed';

/**
 * A line's state, from its stored state and its batch's milestones. A payment in the
 * ordinary course writes its line once, at planning: a line stays stored `pending` while
 * its payment is reserved (the payment item is the write) and settled by a report that
 * answers the whole file (the header's `settledAt` is the write). So a stored `pending`
 * line is `sent` once the batch's lines are all reserved, and `paid` once the bank has
 * answered them all. Holds, failures and answers of a partial report are written on the
 * line itself and read as stored.
 */
export function lineStateIn(batch: Pick<Batch, 'sentAt' | 'settledAt'>, stored: LineState): LineState {
  if (stored !== 'pending' || !batch.sentAt) return stored;
  return batch.settledAt ? 'paid' : 'sent';
}

/**
 * The stored states whose lines read as `state` in this batch (`lineStateIn`): a filter
 * on stored items that finds exactly the lines in that state.
 */
export function storedStatesOf(batch: Pick<Batch, 'sentAt' | 'settledAt'>, state: LineState): LineState[] {
  const stored: LineState[] = state === 'pending' ? [] : [state];
  if (lineStateIn(batch, 'pending') === state) stored.push('pending');
  return stored;
}

/** The ledger bucket a line state counts in. */
export const bucketOf = (state: LineState): LedgerBucket => (state === 'sent' ? 'pending' : state);

/** One entitlement in a batch: who, which period, how much, and on which facts. */
export interface PaymentLine {
  readonly batchId: string;
  /** `${enrollmentId}#${period}`: one line per enrolment and period in a batch. */
  readonly lineId: string;
  readonly enrollmentId: string;
  readonly personId: string;
  readonly scheme: string;
  readonly period: string;
  readonly region: string;
  readonly amountFen: number;
  readonly ruleVersion?: number;
  readonly state: LineState;
  readonly holdReason?: HoldReason;
  /** The deterministic key of the one payment this line may make. */
  readonly paymentKey: string;
  /** Attempt number: 1, then one more for each retry after a failure. */
  readonly attempt: number;
  /** ISO 20022 EndToEndId of this attempt (≤ 35 characters). */
  readonly endToEndId: string;
  readonly failure?: { readonly code: string; readonly returned: boolean };
  /** Fingerprint of the account this line pays (domain/bank-account.ts), never the account itself. */
  readonly accountFingerprint?: string;
  /**
   * Whether the account differs from the one the enrolment's last paid line went to: the
   * batch approver's cue to look twice. False when nothing was paid before.
   */
  readonly accountChanged?: boolean;
  /** The facts eligibility was decided on (no resident ID, no account). */
  readonly facts?: unknown;
  readonly reasons: readonly string[];
  /** When this line carries a hold or failure forward from an earlier batch. */
  readonly carriedFrom?: string;
  /** When a later batch took this held or failed line over. */
  readonly carriedTo?: string;
  readonly updatedAt: string;
}

import type { paths } from '../api/openapi';
import type { BatchAction, PaymentLine, PayoutBatch } from '../api/types';
import { canActOnPayout, canApprovePayout, canPlanPayout } from '../app/screens';
import type { MessageKey } from '../i18n/messages';

export type BatchState = NonNullable<
  NonNullable<paths['/v1/payout-batches']['get']['parameters']['query']>['state']
>;
export type LineState = PaymentLine['state'];

export const BATCH_STATES: readonly BatchState[] = [
  'planned',
  'submitted',
  'approved',
  'disbursing',
  'reconciled',
  'nothing-to-pay',
  'cancelled',
  'planning',
];

export const LINE_STATES: readonly LineState[] = ['pending', 'sent', 'held', 'paid', 'failed'];

export const HOLD_REASONS = [
  'deceased',
  'suspended',
  'cross-province-awaiting',
  'cross-province-conflict',
  'facts-missing',
  'already-paid',
  'paid-by-other-province',
] as const;

export const BATCH_STATE_COLOUR: Readonly<Record<string, string>> = {
  planning: 'default',
  planned: 'blue',
  submitted: 'gold',
  approved: 'cyan',
  disbursing: 'purple',
  reconciled: 'green',
  'nothing-to-pay': 'default',
  cancelled: 'red',
};

export const LINE_STATE_COLOUR: Readonly<Record<LineState, string>> = {
  pending: 'blue',
  sent: 'purple',
  held: 'orange',
  paid: 'green',
  failed: 'red',
};

/** The label of a batch state; a state this console does not know is shown as it is. */
export const batchStateLabel = (state: string): MessageKey | undefined =>
  (BATCH_STATES as readonly string[]).includes(state)
    ? (`payout.batchState.${state}` as MessageKey)
    : undefined;

/** The filters of the batch list as the address keeps them (a filtered list can be shared); unknown values dropped. */
export function batchFiltersFrom(search: URLSearchParams): {
  state?: BatchState;
  scheme?: string;
  period?: string;
  region?: string;
} {
  const state = search.get('state') ?? '';
  const scheme = search.get('scheme') ?? '';
  const period = search.get('period') ?? '';
  const region = search.get('region') ?? '';
  return {
    ...((BATCH_STATES as readonly string[]).includes(state) ? { state: state as BatchState } : {}),
    ...(/^[a-z0-9-]{1,64}$/.test(scheme) ? { scheme } : {}),
    ...(PERIOD.test(period) ? { period } : {}),
    ...(REGION.test(region) ? { region } : {}),
  };
}

/** A scheme period: `YYYY-MM` for monthly schemes, `YYYY` for annual and one-time ones. */
export const PERIOD = /^\d{4}(-(0[1-9]|1[0-2]))?$/;
/** A six-digit region code within a province (`330000` the province, `330100` a prefecture). */
export const REGION = /^[1-9]\d{5}$/;

/** Which batch states each action applies to (the API's maker-checker rule). */
const ACTION_FROM: Readonly<Record<BatchAction, readonly string[]>> = {
  submit: ['planned'],
  approve: ['submitted'],
  cancel: ['planned', 'submitted', 'approved'],
};

/**
 * The actions to offer on a batch: the officer (maker) submits a planned batch, the approver
 * (checker) approves a submitted one, either cancels before disbursing starts. Approval is
 * offered even to whoever submitted it: the API's maker-checker refusal then says why.
 */
export function batchActionsFor(roles: readonly string[], batch: Pick<PayoutBatch, 'state'>): BatchAction[] {
  if (!canActOnPayout(roles)) return [];
  return (Object.keys(ACTION_FROM) as BatchAction[]).filter(
    (action) =>
      ACTION_FROM[action].includes(batch.state) &&
      (action !== 'submit' || canPlanPayout(roles)) &&
      (action !== 'approve' || canApprovePayout(roles)),
  );
}

/** Cancelling a submitted batch is, for its approver, rejecting it: the label says so. */
export const batchActionLabel = (
  action: BatchAction,
  roles: readonly string[],
  batch: Pick<PayoutBatch, 'state'>,
): MessageKey =>
  action === 'cancel' && batch.state === 'submitted' && canApprovePayout(roles)
    ? 'payout.batchAction.reject'
    : `payout.batchAction.${action}`;

/** Cancelling (or rejecting) a batch always carries a reason here, though the API does not insist. */
export const batchActionNeedsReason = (action: BatchAction): boolean => action === 'cancel';

/** How often a batch the system is moving on its own is read again, in milliseconds. */
export const IN_FLIGHT_REFRESH_MS = 3_000;

/**
 * States a batch leaves without anyone acting (planning finishes, an approved batch is
 * disbursed, the bank's report reconciles it): the screen reads such a batch again until it
 * settles, so an approver sees the lines paid without reloading.
 */
export const batchInFlight = (batch: Pick<PayoutBatch, 'state'> | undefined): boolean =>
  batch?.state === 'planning' || batch?.state === 'approved' || batch?.state === 'disbursing';

/** The payment file exists once disbursing has started and something was sent to the bank. */
export const hasPaymentFile = (batch: Pick<PayoutBatch, 'state'>): boolean =>
  batch.state === 'disbursing' || batch.state === 'reconciled';

/** A status report applies to a batch whose file went to the bank; only an officer imports one. */
export const canImportReport = (roles: readonly string[], batch: Pick<PayoutBatch, 'state'>): boolean =>
  canPlanPayout(roles) && hasPaymentFile(batch);

/** A count of lines and their sum in fen. */
export interface Tally {
  readonly count: number;
  readonly sumFen: number;
}

const LEDGER_BUCKETS = ['planned', 'pending', 'held', 'paid', 'failed'] as const;
export type LedgerBucket = (typeof LEDGER_BUCKETS)[number];

/** The batch ledger's tallies in a fixed order; a missing or odd bucket reads as zero. */
export function readLedger(ledger: Record<string, unknown>): { bucket: LedgerBucket; tally: Tally }[] {
  return LEDGER_BUCKETS.map((bucket) => {
    const value = (ledger[bucket] && typeof ledger[bucket] === 'object' ? ledger[bucket] : {}) as Record<
      string,
      unknown
    >;
    return {
      bucket,
      tally: {
        count: typeof value.count === 'number' ? value.count : 0,
        sumFen: typeof value.sumFen === 'number' ? value.sumFen : 0,
      },
    };
  });
}

/** Why a line is not (or no longer) on its way: its hold reason, or the bank's code. */
export type LineReason =
  | { readonly kind: 'held'; readonly reason: string }
  | { readonly kind: 'rejected' | 'returned'; readonly code: string };

/** The reason a held or failed line carries, if any. */
export function lineReasonOf(line: PaymentLine): LineReason | undefined {
  if (line.state === 'held' && typeof line.holdReason === 'string') {
    return { kind: 'held', reason: line.holdReason };
  }
  const failure = line.failure as { code?: unknown; returned?: unknown } | undefined;
  if (line.state === 'failed' && failure && typeof failure === 'object') {
    return {
      kind: failure.returned === true ? 'returned' : 'rejected',
      code: typeof failure.code === 'string' ? failure.code : '?',
    };
  }
  return undefined;
}

/** A key for filtering lines by reason: the hold reason, or `rejected` / `returned`. */
export const reasonKey = (reason: LineReason | undefined): string | undefined =>
  reason === undefined ? undefined : reason.kind === 'held' ? reason.reason : reason.kind;

/** The reasons a filter may offer for lines in `state`: hold reasons for held, bank outcomes for failed. */
export const reasonsFor = (state: LineState | undefined): readonly string[] =>
  state === 'held' ? HOLD_REASONS : state === 'failed' ? ['rejected', 'returned'] : [];

/**
 * The lines of the pages read so far that pass the filters the API does not apply itself:
 * a reason (held or failed lines), and only those whose account changed since the last payment.
 */
export function filterLines(
  lines: readonly PaymentLine[],
  filters: { reason?: string; onlyChanged?: boolean },
): PaymentLine[] {
  return lines.filter(
    (line) =>
      (!filters.reason || reasonKey(lineReasonOf(line)) === filters.reason) &&
      (!filters.onlyChanged || line.accountChanged),
  );
}

/**
 * Which part of its region a batch is, when the region was split by the batch line cap:
 * the message key and its values, or undefined for a batch that covers its whole region.
 */
export function batchPartLabel(
  batch: Pick<PayoutBatch, 'part'>,
): { key: 'payout.batch.part' | 'payout.batch.lastPart'; values: { number: number } } | undefined {
  if (!batch.part) return undefined;
  const key = batch.part.last === undefined ? 'payout.batch.lastPart' : 'payout.batch.part';
  return { key, values: { number: batch.part.number } };
}

import * as z from 'zod';
import type { ApiDescription } from '../../shared/http/api-description';
import {
  AccountChangeConfirmation,
  AccountChangeDecisionParams,
  AccountChangeParams,
  AccountChangeRequest,
  ActionRequest,
  BatchActionParams,
  BatchIdParams,
  BatchListQuery,
  DeathNoticeReversalRequest,
  EnrollmentActionParams,
  EnrollmentIdParams,
  EnrollmentListQuery,
  EnrollmentRequest,
  MyEnrollmentRequest,
  MyListQuery,
  PaymentFileQuery,
  PaymentsQuery,
  PayoutReportQuery,
  PersonFactsView,
  PersonIdParams,
  PlanBatchRequest,
  SchemeCodeParams,
  StatusReportRequest,
} from './schemas';

/** Amounts are integer fen (分) throughout. */
const Fen = z.number().int().describe('Amount in fen (分)');
const Tally = z.object({ count: z.number().int(), sumFen: Fen });

/**
 * Answers the handlers build from domain records. The main fields are named; records may
 * carry more (hence loose objects). Bank accounts appear only masked.
 */
const EnrollmentView = z.looseObject({
  enrollmentId: z.string(),
  scheme: z.string(),
  personId: z.string(),
  region: z.string(),
  status: z.enum(['pending-review', 'active', 'suspended', 'ended', 'rejected']),
  bankAccount: z.object({ accountMasked: z.string(), holderMasked: z.string() }),
  channel: z.enum(['app', 'counter']),
  eligibility: z.looseObject({ reasons: z.array(z.string()) }),
  crossProvince: z
    .object({
      province: z
        .string()
        .describe('The province that decides the claim: the person’s hukou province (ADR 0011)'),
      status: z
        .enum(['awaiting', 'clear', 'conflict'])
        .describe(
          'awaiting: no answer yet, lines held; clear: payable; conflict: another province pays, lines held',
        ),
      paidElsewhereThrough: z
        .string()
        .optional()
        .describe('The last period a province that held the person before paid: lines up to it are held'),
    })
    .optional()
    .describe('Where the claim to pay this person stands in the register of their hukou province (ADR 0011)'),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
/** The account history a family sees: masked accounts, staff named only as staff. */
const AccountHistory = z.object({
  enrollmentId: z.string(),
  account: z.object({
    accountMasked: z.string(),
    fromPeriod: z.string().optional().describe('The first period the current account pays'),
  }),
  pending: z
    .object({
      changeId: z.string(),
      channel: z.enum(['app', 'counter']),
      accountMasked: z.string(),
      requestedAt: z.string(),
      byYou: z.boolean(),
      expiresAt: z.string().optional().describe('An app request lapses unless re-confirmed by then'),
    })
    .optional(),
  history: z.array(
    z.object({
      type: z.enum([
        'account-change-requested',
        'account-change-withdrawn',
        'account-change-rejected',
        'account-changed',
      ]),
      at: z.string(),
      channel: z.enum(['app', 'counter']),
      byYou: z.boolean(),
      reason: z.string().optional(),
      accountMasked: z.string().optional(),
      previousAccountMasked: z.string().optional(),
      effectiveFromPeriod: z.string().optional(),
    }),
  ),
});
const BatchView = z.looseObject({
  batchId: z.string(),
  scheme: z.string(),
  period: z.string(),
  region: z.string(),
  part: z
    .looseObject({
      number: z.number().int().min(1),
      after: z.string().optional().describe('Order key (`<region>#<enrolmentId>`) just before this part'),
      last: z.string().optional().describe('Last order key of this part; absent on the last part'),
    })
    .optional()
    .describe(
      'Present when the region has more enrolments than one batch holds (the batch line cap, 20,000 by default): which part of the region this batch is. Each part is approved and paid on its own; part n + 1 is planned once part n is.',
    ),
  state: z
    .string()
    .describe(
      'planned, submitted, approved, disbursing, reconciled, nothing-to-pay (every line held) or cancelled',
    ),
  control: Tally.describe('Control totals fixed at planning'),
  ledger: z.looseObject({}).describe('Tallies by payment state'),
  sentAt: z
    .string()
    .optional()
    .describe('When every line was reserved or held: the payment file is complete from then on'),
  settledAt: z
    .string()
    .optional()
    .describe('When the bank had answered every line sent; lines with no failure are paid'),
  reservedThrough: z
    .string()
    .optional()
    .describe('While disbursing runs in steps: the opaque point where the next step resumes'),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const PaymentLineView = z.looseObject({
  lineId: z.string(),
  enrollmentId: z.string(),
  period: z.string(),
  amountFen: Fen,
  state: z.enum(['pending', 'sent', 'held', 'paid', 'failed']),
  endToEndId: z.string(),
  accountChanged: z
    .boolean()
    .describe(
      'True when the account this line pays differs from the one the enrolment’s last paid line went to: look twice before approving',
    ),
});
const CursorPage = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().optional().describe('The cursor of the next page.'),
  });
const SchemeSummary = z.looseObject({
  code: z.string(),
  name: z.object({ zh: z.string(), en: z.string() }).describe('The scheme’s name in Chinese and English'),
  frequency: z.enum(['monthly', 'annual', 'once']),
  payMonth: z.number().int().optional(),
  versions: z.array(z.looseObject({ version: z.number().int(), effectiveFrom: z.string() })),
});
const FamilyBenefit = z.object({
  enrollmentId: z.string(),
  personId: z.string().describe('The family member the benefit is for'),
  relation: z
    .enum(['self', 'spouse', 'child', 'ward', 'authorising-parent'])
    .describe('How the beneficiary relates to the signed-in citizen'),
  scheme: z.string(),
  status: z.string(),
  channel: z.enum(['app', 'counter']),
  bankAccount: z.object({ accountMasked: z.string() }),
  createdAt: z.string(),
});
const Benefit = FamilyBenefit.extend({
  nextPayment: z
    .object({ period: z.string(), plannedFrom: z.string(), amountFen: Fen })
    .optional()
    .describe('The payment an active enrolment should bring next, under the rules in force'),
  payments: z.array(
    z.object({
      period: z.string(),
      amountFen: Fen,
      status: z.string(),
      failureCode: z.string().optional(),
    }),
  ),
});

/** The payout area's routes (functions/payout/manifest.ts) with the schemas their handlers validate. */
export const payoutApi: ApiDescription = {
  'GET /v1/person-facts/{personId}': {
    summary: 'The registry facts a payout decision rests on',
    params: PersonIdParams,
    responses: { 200: { description: 'The facts', schema: PersonFactsView, headers: ['etag'] } },
  },
  'GET /v1/schemes': {
    summary: 'Benefit schemes (published policy)',
    responses: { 200: { description: 'The schemes', schema: z.object({ items: z.array(SchemeSummary) }) } },
  },
  'GET /v1/schemes/{code}': {
    summary: 'One scheme with its rule sets and any configuration problems',
    params: SchemeCodeParams,
    responses: {
      200: {
        description: 'The scheme',
        schema: z.looseObject({ code: z.string(), name: z.string(), problems: z.array(z.unknown()) }),
      },
    },
  },
  'POST /v1/enrollments': {
    summary: 'Enrol a person at the counter (payout officers; the person id or the resident ID)',
    body: EnrollmentRequest,
    bodyExample: {
      scheme: 'only-child-parents',
      residentId: '330106199003070022',
      bankAccount: { accountNumber: '6228480000330106024', holderName: '李芳', bankCode: '103331000018' },
    },
    responses: { 201: { description: 'Applied', schema: EnrollmentView, headers: ['etag', 'location'] } },
    problems: [404, 409],
  },
  'GET /v1/enrollments': {
    summary: 'Enrolments of a scheme by status in the caller’s region',
    query: EnrollmentListQuery,
    paginated: true,
    responses: { 200: { description: 'A page of enrolments', schema: CursorPage(EnrollmentView) } },
  },
  'GET /v1/enrollments/{enrollmentId}': {
    summary: 'Read an enrolment',
    params: EnrollmentIdParams,
    responses: { 200: { description: 'The enrolment', schema: EnrollmentView, headers: ['etag'] } },
  },
  'POST /v1/enrollments/{enrollmentId}/actions/{action}': {
    summary: 'Approve, reject, suspend, resume or end an enrolment',
    description:
      'Approving needs the payout-approver role and a second person: whoever applied for the enrolment at the ' +
      'counter, or asked for its current or pending account change, is refused with 403 `separation-of-duties`.',
    params: EnrollmentActionParams,
    body: ActionRequest,
    bodyExample: { reason: '材料齐全' },
    ifMatch: 'optional',
    responses: {
      200: { description: 'The enrolment after the action', schema: EnrollmentView, headers: ['etag'] },
    },
    problems: [409],
  },
  'POST /v1/enrollments/{enrollmentId}/death-notice-reversal': {
    summary: 'Reverse a suspension another province’s death notice caused, with a reason',
    description:
      'Only a suspension caused by a death notice of another province (`suspensionReason` ' +
      '`death-notice`) can be reversed: the enrolment is active again, the reversal and its reason ' +
      'are in its history, and the same death notified again does not suspend it again. Lines stay ' +
      'held while the registry records the person as deceased.',
    params: EnrollmentIdParams,
    body: DeathNoticeReversalRequest,
    bodyExample: { reason: '本人到窗口核验，确认健在' },
    ifMatch: 'optional',
    responses: {
      200: { description: 'The enrolment, active again', schema: EnrollmentView, headers: ['etag'] },
    },
    problems: [409],
  },
  'POST /v1/enrollments/{enrollmentId}/account-changes': {
    summary: 'Ask to pay an enrolment to another account (staff, with a reason)',
    description:
      'Recorded as pending; the account changes only when a different person with the payout-approver role ' +
      'confirms it. Refused with 409 `payment-in-flight` while a line of the enrolment is in a submitted, ' +
      'approved or disbursing batch. A newer request withdraws one still pending.',
    params: EnrollmentIdParams,
    body: AccountChangeRequest,
    bodyExample: {
      bankAccount: { accountNumber: '6228480000330106025', holderName: '李芳', bankCode: '103331000018' },
      reason: '原账户已销户',
    },
    ifMatch: 'optional',
    responses: {
      202: {
        description: 'The enrolment with its pending change',
        schema: EnrollmentView,
        headers: ['etag'],
      },
    },
    problems: [404, 409],
  },
  'POST /v1/enrollments/{enrollmentId}/account-changes/{changeId}/{decision}': {
    summary: 'Confirm (a second person, payout-approver) or reject (with a reason) a pending account change',
    description:
      'Confirming takes effect from the next period no batch has planned for the enrolment; the periods ' +
      'already planned keep the account they were planned on. The requester confirming is refused with 403 ' +
      '`separation-of-duties`; a change asked for in the app is confirmed by the citizen, not by staff.',
    params: AccountChangeDecisionParams,
    body: ActionRequest,
    bodyExample: { reason: '户名与证件不符' },
    ifMatch: 'optional',
    responses: {
      200: { description: 'The enrolment after the decision', schema: EnrollmentView, headers: ['etag'] },
    },
    problems: [404, 409],
  },
  'GET /v1/me/enrollments/{enrollmentId}/account-changes': {
    summary: 'The account of one of the citizen’s own enrolments, and its change history',
    params: EnrollmentIdParams,
    responses: { 200: { description: 'The account and its history', schema: AccountHistory } },
    problems: [404],
  },
  'POST /v1/me/enrollments/{enrollmentId}/account-changes': {
    summary: 'Step 1 of a self-service account change: name the new account',
    description:
      'Answers the pending change with its `changeId` and `expiresAt` (15 minutes). Nothing changes until ' +
      'step 2 re-confirms it. Refused with 409 `payment-in-flight` while a payment of the enrolment is on its ' +
      'way to the bank. Someone else’s enrolment answers 404, as a missing one does.',
    params: EnrollmentIdParams,
    body: AccountChangeRequest,
    bodyExample: {
      bankAccount: { accountNumber: '6228480000330106025', holderName: '李芳', bankCode: '103331000018' },
    },
    responses: { 202: { description: 'The pending change and the history', schema: AccountHistory } },
    problems: [404, 409],
  },
  'POST /v1/me/enrollments/{enrollmentId}/account-changes/{changeId}/confirm': {
    summary: 'Step 2 of a self-service account change: type the new account number again',
    description:
      'The same login confirms within the window by re-entering the account number (the app shows a second ' +
      'screen for it). A different number answers 422 and leaves the change pending; a lapsed one 409. The new ' +
      'account pays from the next period no batch has planned for the enrolment.',
    params: AccountChangeParams,
    body: AccountChangeConfirmation,
    bodyExample: { accountNumber: '6228480000330106025' },
    responses: { 200: { description: 'The account now in force and the history', schema: AccountHistory } },
    problems: [404, 409],
  },
  'POST /v1/me/enrollments': {
    summary:
      'Apply in the app for a member of your own family (yourself, spouse, minor child, ward, a parent who authorised you)',
    body: MyEnrollmentRequest,
    bodyExample: {
      scheme: 'only-child-parents',
      residentId: '330106199003070022',
      bankAccount: { accountNumber: '6228480000330106024', holderName: '李芳', bankCode: '103331000018' },
    },
    responses: { 201: { description: 'Applied', schema: FamilyBenefit, headers: ['etag', 'location'] } },
    problems: [404, 409, 422],
  },
  'GET /v1/me/benefits': {
    summary:
      'Your family’s benefits and payments, however they were enrolled, with the next expected payment; oldest first',
    query: MyListQuery,
    paginated: true,
    responses: { 200: { description: 'A page of benefits', schema: CursorPage(Benefit) } },
  },
  'GET /v1/payout-batches': {
    summary: 'List batches in your region, filtered',
    description:
      'Newest period first within a scheme. `waitingForMe=true` (approvers only) lists the batches ' +
      'submitted by someone else, which the caller may approve now. A page may hold fewer items than ' +
      '`limit` while `nextCursor` says more may follow.',
    query: BatchListQuery,
    paginated: true,
    responses: { 200: { description: 'A page of batches', schema: CursorPage(BatchView) } },
  },
  'POST /v1/payout-batches': {
    summary:
      'Plan a payout batch for a scheme, period and region; over the batch line cap, this plans part 1 and the later parts follow off the planning queue',
    body: PlanBatchRequest,
    bodyExample: { scheme: 'only-child-parents', period: '2026-11', region: '330106' },
    responses: {
      201: { description: 'Planned', schema: BatchView, headers: ['etag', 'location'] },
      202: {
        description:
          'Still planning: more lines than a request plans within its time (about 20 s). The planning queue finishes the batch; read it at `location` until its state is planned.',
        schema: BatchView,
        headers: ['etag', 'location'],
      },
    },
    problems: [404, 409],
  },
  'GET /v1/payout-batches/{batchId}': {
    summary: 'Read a batch',
    params: BatchIdParams,
    responses: { 200: { description: 'The batch', schema: BatchView, headers: ['etag'] } },
  },
  'GET /v1/payout-batches/{batchId}/payments': {
    summary: 'The payment lines of a batch',
    description:
      'Each line says whether its account changed since the enrolment’s last paid period (`accountChanged`), ' +
      'so the approver can look twice; accounts themselves are never shown.',
    params: BatchIdParams,
    query: PaymentsQuery,
    paginated: true,
    responses: { 200: { description: 'A page of payment lines', schema: CursorPage(PaymentLineView) } },
  },
  'POST /v1/payout-batches/{batchId}/actions/{action}': {
    summary: 'Submit, approve (a second officer) or cancel a batch',
    params: BatchActionParams,
    body: ActionRequest,
    bodyExample: {},
    ifMatch: 'optional',
    responses: { 200: { description: 'The batch after the action', schema: BatchView, headers: ['etag'] } },
    problems: [409],
  },
  'GET /v1/payout-batches/{batchId}/payment-file': {
    summary:
      'The ISO 20022 pain.001 payment file of a batch being disbursed, with decrypted accounts: ' +
      'each read is recorded (who, role, region, batch, persons, when, purpose) before the answer',
    params: BatchIdParams,
    query: PaymentFileQuery,
    responses: {
      200: {
        description:
          'The file inside JSON, gzip-compressed and base64-encoded: a batch of 20,000 lines is ' +
          'about 8.4 MB of XML, more than a function may answer, and under a tenth of it compressed',
        schema: z.object({
          messageId: z.string(),
          numberOfTransactions: z.number().int(),
          controlSumFen: Fen,
          contentType: z.literal('application/xml'),
          contentEncoding: z.literal('gzip'),
          documentGzipBase64: z
            .string()
            .describe(
              'The pain.001 XML (UTF-8), gzip-compressed, then base64-encoded: `base64 -d | gunzip` reads it',
            ),
        }),
      },
    },
    problems: [409],
  },
  'POST /v1/payout-batches/{batchId}/status-reports': {
    summary: 'Import the bank’s pain.002 status report for a batch',
    params: BatchIdParams,
    body: StatusReportRequest,
    bodyExample: {
      document:
        '<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10">…</Document>',
      signature: {
        signature:
          'MEUCIQC3x5b0kJd2vQ9cWzq8Yf1rQ0m9cVd3mV7f2V8bJ3yVtAIgK7s0m1Yw4a6uV0b5Jf8c9xq2Lk3d7m1p0r6t9e2w4y8=',
        certificate: '-----BEGIN CERTIFICATE-----\nMIIB…\n-----END CERTIFICATE-----',
      },
    },
    responses: {
      200: {
        description: 'What was applied, and the batch',
        schema: z.object({ summary: z.looseObject({}), batch: BatchView.optional() }),
      },
    },
    problems: [409],
  },
  'GET /v1/reports/payouts': {
    summary: 'Payout totals by scheme and period in a region: aggregates only',
    query: PayoutReportQuery,
    responses: {
      200: {
        description: 'The report',
        schema: z.object({
          region: z.string(),
          items: z.array(
            z.object({
              scheme: z.string(),
              period: z.string(),
              batches: z.number().int(),
              paid: Tally,
              failed: Tally,
              held: Tally,
              pending: Tally,
            }),
          ),
        }),
      },
    },
  },
};

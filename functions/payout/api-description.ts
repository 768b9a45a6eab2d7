import * as z from 'zod';
import type { ApiDescription } from '../../shared/http/api-description';
import {
  ActionRequest,
  BatchActionParams,
  BatchIdParams,
  EnrollmentActionParams,
  EnrollmentIdParams,
  EnrollmentListQuery,
  EnrollmentRequest,
  MyEnrollmentRequest,
  MyListQuery,
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
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const BatchView = z.looseObject({
  batchId: z.string(),
  scheme: z.string(),
  period: z.string(),
  region: z.string(),
  state: z.string().describe('planned, submitted, approved, disbursing, reconciled or cancelled'),
  control: Tally.describe('Control totals fixed at planning'),
  ledger: z.looseObject({}).describe('Tallies by payment state'),
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
});
const CursorPage = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().optional().describe('The cursor of the next page.'),
  });
const SchemeSummary = z.looseObject({
  code: z.string(),
  name: z.string(),
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
    params: EnrollmentActionParams,
    body: ActionRequest,
    bodyExample: { reason: '材料齐全' },
    ifMatch: 'optional',
    responses: {
      200: { description: 'The enrolment after the action', schema: EnrollmentView, headers: ['etag'] },
    },
    problems: [409],
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
  'POST /v1/payout-batches': {
    summary: 'Plan a payout batch for a scheme, period and region',
    body: PlanBatchRequest,
    bodyExample: { scheme: 'only-child-parents', period: '2026-11', region: '330106' },
    responses: { 201: { description: 'Planned', schema: BatchView, headers: ['etag', 'location'] } },
    problems: [404, 409],
  },
  'GET /v1/payout-batches/{batchId}': {
    summary: 'Read a batch',
    params: BatchIdParams,
    responses: { 200: { description: 'The batch', schema: BatchView, headers: ['etag'] } },
  },
  'GET /v1/payout-batches/{batchId}/payments': {
    summary: 'The payment lines of a batch',
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
    summary: 'The ISO 20022 pain.001 payment file of a batch being disbursed',
    params: BatchIdParams,
    responses: {
      200: {
        description: 'The file, as XML text inside JSON',
        schema: z.object({
          messageId: z.string(),
          numberOfTransactions: z.number().int(),
          controlSumFen: Fen,
          contentType: z.literal('application/xml'),
          document: z.string(),
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

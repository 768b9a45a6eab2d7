import * as z from 'zod';
import { ULID_PATTERN } from '../../shared/domain/ids';
import { READ_PURPOSES } from './domain/decrypted-reads';

export const PersonIdParams = z.object({
  personId: z.string().regex(ULID_PATTERN, 'must be a person id (ULID)'),
});
export type PersonIdParams = z.infer<typeof PersonIdParams>;

/** The registry facts payout holds about a person, as staff see them. */
export const PersonFactsView = z.object({
  personId: z.string(),
  version: z.number().int(),
  sex: z.enum(['male', 'female']),
  birthDate: z.string(),
  alive: z.boolean(),
  deathDate: z.string().optional(),
  hukouRegion: z.string(),
  residenceRegion: z.string(),
  updatedAt: z.string(),
});
export type PersonFactsView = z.infer<typeof PersonFactsView>;

const Ulid = (what: string) => z.string().regex(ULID_PATTERN, `must be ${what} (ULID)`);
const SchemeCode = z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, 'must be a scheme code');
const Region = z.string().regex(/^[1-9]\d{5}$/, 'must be a six-digit region code');
const Reason = z.string().trim().min(1, 'is required').max(500);

export const SchemeCodeParams = z.object({ code: SchemeCode });
export type SchemeCodeParams = z.infer<typeof SchemeCodeParams>;

/** A domestic account (digits only, as banks print them), its holder, and the bank's CNAPS id. */
export const BankAccountInput = z.strictObject({
  accountNumber: z.string().regex(/^\d{10,30}$/, 'must be 10 to 30 digits'),
  holderName: z.string().trim().min(1).max(70),
  bankCode: z.string().regex(/^\d{12}$/, 'must be a 12-digit CNAPS bank code'),
});
export type BankAccountInput = z.infer<typeof BankAccountInput>;

const ResidentIdInput = z.string().regex(/^\d{17}[\dXx]$/, 'must be an 18-character resident ID');

/** A citizen names the beneficiary by resident ID (never stored); staff may use the person id instead. */
export const EnrollmentRequest = z
  .strictObject({
    scheme: SchemeCode,
    residentId: ResidentIdInput.optional(),
    personId: Ulid('a person id').optional(),
    bankAccount: BankAccountInput,
  })
  .refine((b) => (b.residentId === undefined) !== (b.personId === undefined), {
    message: 'give either residentId or personId',
    path: ['residentId'],
  });
export type EnrollmentRequest = z.infer<typeof EnrollmentRequest>;

/** A citizen's application in the app: for a member of their own family, named by resident ID. */
export const MyEnrollmentRequest = z.strictObject({
  scheme: SchemeCode,
  residentId: ResidentIdInput,
  bankAccount: BankAccountInput,
});
export type MyEnrollmentRequest = z.infer<typeof MyEnrollmentRequest>;

export const EnrollmentIdParams = z.object({ enrollmentId: Ulid('an enrolment id') });
export type EnrollmentIdParams = z.infer<typeof EnrollmentIdParams>;

export const EnrollmentActionParams = EnrollmentIdParams.extend({
  action: z.enum(['approve', 'reject', 'suspend', 'resume', 'end']),
});
export type EnrollmentActionParams = z.infer<typeof EnrollmentActionParams>;

export const ActionRequest = z.strictObject({ reason: Reason.optional() });
export type ActionRequest = z.infer<typeof ActionRequest>;

/** Reversing a suspension another province's death notice caused: why the notice was wrong. */
export const DeathNoticeReversalRequest = z.strictObject({ reason: Reason });
export type DeathNoticeReversalRequest = z.infer<typeof DeathNoticeReversalRequest>;

/** A new payout account: staff say why (the reason is required for them), citizens may. */
export const AccountChangeRequest = z.strictObject({
  bankAccount: BankAccountInput,
  reason: Reason.optional(),
});
export type AccountChangeRequest = z.infer<typeof AccountChangeRequest>;

export const AccountChangeParams = EnrollmentIdParams.extend({ changeId: Ulid('an account change id') });
export type AccountChangeParams = z.infer<typeof AccountChangeParams>;

/** A second staff member confirms a requested account change, or anyone in scope rejects it. */
export const AccountChangeDecisionParams = AccountChangeParams.extend({
  decision: z.enum(['confirm', 'reject']),
});
export type AccountChangeDecisionParams = z.infer<typeof AccountChangeDecisionParams>;

/** The citizen's re-confirmation: the new account number typed a second time. */
export const AccountChangeConfirmation = z.strictObject({
  accountNumber: z.string().regex(/^\d{10,30}$/, 'must be 10 to 30 digits'),
});
export type AccountChangeConfirmation = z.infer<typeof AccountChangeConfirmation>;
/**
 * `?cursor=&limit=` of a family's own lists (`/v1/me/...`): no filters; the cursor is
 * sealed to the route and the citizen.
 */
export const MyListQuery = z.strictObject({
  cursor: z.string().max(1024).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type MyListQuery = z.infer<typeof MyListQuery>;

export const EnrollmentListQuery = z.strictObject({
  scheme: SchemeCode,
  status: z.enum(['pending-review', 'active', 'suspended', 'ended', 'rejected']).default('active'),
  region: Region.optional(),
  cursor: z.string().max(1024).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type EnrollmentListQuery = z.infer<typeof EnrollmentListQuery>;

export const PlanBatchRequest = z.strictObject({
  scheme: SchemeCode,
  period: z.string().regex(/^\d{4}(-(0[1-9]|1[0-2]))?$/, 'must be YYYY-MM or YYYY'),
  region: Region,
});
export type PlanBatchRequest = z.infer<typeof PlanBatchRequest>;

export const BatchIdParams = z.object({ batchId: Ulid('a batch id') });
export type BatchIdParams = z.infer<typeof BatchIdParams>;

export const BatchActionParams = BatchIdParams.extend({ action: z.enum(['submit', 'approve', 'cancel']) });
export type BatchActionParams = z.infer<typeof BatchActionParams>;

export const PaymentsQuery = z.strictObject({
  state: z.enum(['pending', 'sent', 'held', 'paid', 'failed']).optional(),
  cursor: z.string().max(1024).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});
export type PaymentsQuery = z.infer<typeof PaymentsQuery>;

/** Why the caller reads the decrypted accounts of the payment file; recorded with the read. */
export const PaymentFileQuery = z.strictObject({
  purpose: z.enum(READ_PURPOSES).default('bank-file'),
});
export type PaymentFileQuery = z.infer<typeof PaymentFileQuery>;

/**
 * A pain.002.001.10 status report as the bank delivered it: the XML text and the bank's
 * detached signature over its exact UTF-8 bytes with the signing certificate (both base64).
 * Up to 5,000,000 characters, about 35,000 transactions, fit a synchronous Lambda request;
 * larger reports arrive over the bank channel, streamed (handlers/bank-reports.ts).
 */
export const StatusReportRequest = z.strictObject({
  document: z.string().min(1).max(5_000_000),
  signature: z.strictObject({
    signature: z
      .string()
      .min(1)
      .max(1_024)
      .regex(/^[A-Za-z0-9+/=]+$/, 'base64'),
    certificate: z.string().min(1).max(16_384),
  }),
});
export type StatusReportRequest = z.infer<typeof StatusReportRequest>;

/** `GET /v1/payout-batches`: batches in the caller's region, filtered. */
export const BatchListQuery = z.strictObject({
  state: z
    .enum([
      'planning',
      'planned',
      'submitted',
      'approved',
      'disbursing',
      'reconciled',
      'nothing-to-pay',
      'cancelled',
    ])
    .optional(),
  scheme: SchemeCode.optional(),
  period: z
    .string()
    .regex(/^\d{4}(-(0[1-9]|1[0-2]))?$/, 'must be YYYY-MM or YYYY')
    .optional(),
  region: Region.optional(),
  /** `true`: only batches the caller (an approver) may approve now. */
  waitingForMe: z.enum(['true', 'false']).optional(),
  cursor: z.string().max(1024).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type BatchListQuery = z.infer<typeof BatchListQuery>;

export const PayoutReportQuery = z.strictObject({
  scheme: SchemeCode.optional(),
  region: Region.optional(),
  from: z
    .string()
    .regex(/^\d{4}(-(0[1-9]|1[0-2]))?$/)
    .optional(),
  to: z
    .string()
    .regex(/^\d{4}(-(0[1-9]|1[0-2]))?$/)
    .optional(),
});
export type PayoutReportQuery = z.infer<typeof PayoutReportQuery>;

/** The disbursement command the publisher queues when a batch is approved. */
export const DisburseCommand = z.strictObject({ batchId: Ulid('a batch id') });
export type DisburseCommand = z.infer<typeof DisburseCommand>;

/** What the planner's schedule sends: plan the periods due today, or one named period. */
export const PlannerEvent = z.strictObject({
  frequency: z.enum(['monthly', 'annual', 'once']).optional(),
  period: z.string().optional(),
});
export type PlannerEvent = z.infer<typeof PlannerEvent>;

/** One batch to plan, queued by the schedule's fan-out on `payout-planning`. */
export const PlanningRequest = z.strictObject({
  scheme: SchemeCode,
  period: z.string().regex(/^\d{4}(-(0[1-9]|1[0-2]))?$/, 'must be YYYY or YYYY-MM'),
  region: Region,
  /** A later part of a region split by the batch line cap (domain/batch-parts.ts). */
  part: z.number().int().min(2).max(10_000).optional(),
});
export type PlanningRequest = z.infer<typeof PlanningRequest>;

import * as z from 'zod';
import { ULID_PATTERN } from '../domain/ids';
import { PERSON_REF_PATTERN } from '../domain/person-ref';
import { REGION_CODE_PATTERN } from '../domain/region-code';

/**
 * Messages that exist only between provinces (the exchange protocol, docs/exchange-protocol.md).
 * Events that also travel inside a province (`birth.registered`, `person.deceased`) keep
 * their one schema in the catalog. Every message names people by `personRef` only.
 */

const Region = z.string().regex(REGION_CODE_PATTERN);
const PersonRef = z.string().regex(PERSON_REF_PATTERN);
const Ulid = z.string().regex(ULID_PATTERN);
/** A benefit period: `YYYY-MM` for monthly schemes, `YYYY` for annual ones, `once` for one-time rewards. */
const Period = z.string().regex(/^(\d{4}(-(0[1-9]|1[0-2]))?|once)$/);

export const PERSON_RESIDENCE_REGISTERED = 'cn.gov.jiahe.person.residence-registered.v1';
export const PERSON_RESIDENCE_ENDED = 'cn.gov.jiahe.person.residence-ended.v1';

/**
 * To the hukou province: one of its people now lives here (registered residence), or no
 * longer does. Lets the hukou province serve them through us and not pay them twice.
 */
export const PersonResidenceNotice = z.object({
  personRef: PersonRef.describe('The person’s cross-province reference (exchange protocol §2).'),
  hukouRegion: Region.describe(
    'Region code of the person’s household registration, as the sender records it.',
  ),
  residenceRegion: Region.describe(
    'Region code of the residence that began (registered) or ended (ended); it lies in the sending province.',
  ),
  on: z.iso.date().describe('Date the residence began (registered) or ended (ended), Beijing time.'),
});
export type PersonResidenceNotice = z.infer<typeof PersonResidenceNotice>;

export const BENEFIT_ENROLLMENT_CLAIMED = 'cn.gov.jiahe.benefit.enrollment-claimed.v1';
export const BENEFIT_ENROLLMENT_CONFLICT = 'cn.gov.jiahe.benefit.enrollment-conflict.v1';
export const BENEFIT_ENROLLMENT_CLEAR = 'cn.gov.jiahe.benefit.enrollment-clear.v1';

/**
 * A province is about to pay a person under a scheme: the person's other province (hukou
 * or residence) answers with conflict (it pays them already) or clear.
 */
export const BenefitEnrollmentClaimed = z.object({
  claimId: Ulid.describe('The claiming province’s enrolment id (a ULID); answers and releases quote it.'),
  personRef: PersonRef.describe('The cross-province reference of the person to be enrolled.'),
  scheme: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,39}$/)
    .describe('Scheme code, the same in every province (e.g. `rural-reward`).'),
  fromPeriod: Period.describe(
    'First period the claiming province would pay: `YYYY-MM` (monthly schemes), `YYYY` (annual) or `once`.',
  ),
  claimingRegion: Region.describe('Region code of the office that would pay.'),
});
export type BenefitEnrollmentClaimed = z.infer<typeof BenefitEnrollmentClaimed>;

/** Answer to a claim: this province has an active enrolment for the same person and scheme. */
export const BenefitEnrollmentConflict = z.object({
  claimId: Ulid.describe('The `claimId` of the claim answered.'),
  scheme: z.string().describe('The scheme of the claim, repeated.'),
  activeSincePeriod: Period.describe('First period this province pays (or paid) under its own enrolment.'),
  region: Region.describe('Region code of the office here that pays the person.'),
});
export type BenefitEnrollmentConflict = z.infer<typeof BenefitEnrollmentConflict>;

/**
 * Answer to a claim, or a later grant, from the hukou province: the claiming province may
 * pay. Or, from the claiming province, the withdrawal of its own claim: it no longer pays.
 */
export const BenefitEnrollmentClear = z.object({
  claimId: Ulid.describe('The `claimId` of the claim answered, granted or withdrawn.'),
  scheme: z.string().describe('The scheme of the claim, repeated.'),
  paidThroughPeriod: Period.optional().describe(
    'The last period already paid, or to be paid, by a province that held the person before: in an answer or grant, the claiming province must not pay it or any earlier period; in a withdrawal, the last period the withdrawing province pays. Absent when there is none.',
  ),
});
export type BenefitEnrollmentClear = z.infer<typeof BenefitEnrollmentClear>;

export const CERTIFICATE_VERIFY_REQUESTED = 'cn.gov.jiahe.certificate.verify-requested.v1';
export const CERTIFICATE_VERIFY_ANSWERED = 'cn.gov.jiahe.certificate.verify-answered.v1';

/** Asks the issuing province whether a certificate is valid, by its verification code. */
export const CertificateVerifyRequested = z.object({
  requestId: Ulid.describe('The asking province’s id of the question (a ULID); the answer quotes it.'),
  verificationCode: z
    .string()
    .regex(/^[0-9A-HJKMNP-TV-Z]{16}$/)
    .describe('The verification code printed on the certificate (16 characters, Crockford base32).'),
});
export type CertificateVerifyRequested = z.infer<typeof CertificateVerifyRequested>;

/** The answer: what the public verify route shows, and nothing more. */
export const CertificateVerifyAnswered = z.object({
  requestId: Ulid.describe('The `requestId` of the question answered.'),
  found: z.boolean().describe('Whether a certificate has this verification code.'),
  valid: z.boolean().describe('Whether it is valid now (found and not revoked).'),
  kind: z
    .enum(['only-child-parents', 'special-assistance'])
    .optional()
    .describe('When found: 独生子女父母光荣证 (`only-child-parents`) or 特扶证 (`special-assistance`).'),
  issuedAt: z.iso.date().optional().describe('When found: the date of issue.'),
  issuingRegion: Region.optional().describe('When found: region code of the issuing office.'),
  holderNameMasked: z
    .string()
    .max(40)
    .optional()
    .describe(
      'When found: the holder’s name with every character but the first masked as `*` (王小明 → `王**`).',
    ),
});
export type CertificateVerifyAnswered = z.infer<typeof CertificateVerifyAnswered>;

export const ACK = 'cn.gov.jiahe.ack.v1';

/**
 * The business outcome of handling a message (its `correlationid` names it): the receipt
 * only says a message was stored; the ack says whether the recipient could act on it.
 */
export const Ack = z.object({
  outcome: z
    .enum(['ok', 'transient-error', 'fatal-error'])
    .describe(
      '`ok`: acted on (or nothing to do); `transient-error`: will try again; `fatal-error`: cannot act on it.',
    ),
  reason: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,63}$/)
    .optional()
    .describe(
      'A short, non-personal reason code (exchange protocol §3.2), e.g. `unknown-person`; with `ok`, a qualifier such as `held-for-confirmation`.',
    ),
});
export type Ack = z.infer<typeof Ack>;

export const ACK_BATCH = 'cn.gov.jiahe.ack.v2';

/** At most this many answers in one `ack.v2`: about 70 KB, within a message's 128 KiB. */
export const MAX_ANSWERS = 500;

/**
 * The business outcomes of many messages from one sender at once (exchange protocol §3.2):
 * the answers a province owes a partner, gathered per partner instead of one `ack.v1` each.
 */
export const AckBatch = z.object({
  answers: z
    .array(
      Ack.extend({
        correlationid: Ulid.describe('The `id` of the message answered, as `correlationid` is in `ack.v1`.'),
      }),
    )
    .min(1)
    .max(MAX_ANSWERS)
    .describe('One answer per message answered, each as `ack.v1` would give it.'),
});
export type AckBatch = z.infer<typeof AckBatch>;

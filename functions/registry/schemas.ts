import * as z from 'zod';
import { ULID_PATTERN } from '../../shared/domain/ids';
import { REGION_CODE_PATTERN, REGION_PREFIX_PATTERN } from '../../shared/domain/region-code';
import { regionExists } from '../../shared/domain/region-exists';
import { CERTIFICATE_KINDS, normaliseVerificationCode } from './domain/certificate';

/** A GB/T 2260 code that exists in the current list (not merely six digits). */
const RegionCode = z
  .string()
  .regex(REGION_CODE_PATTERN, 'must be a 6-digit administrative division code')
  .refine(regionExists, 'is not a known administrative division code');

/**
 * A person's name as written on the household register: Chinese characters, possibly with
 * the middle dot of transliterated ethnic names; no Latin-only rule.
 */
const PersonName = z
  .string()
  .trim()
  .min(1)
  .max(50)
  .regex(/^[\p{L}\p{M}· ]+$/u, 'may contain letters and the middle dot (·) only');

const PersonId = z.string().regex(ULID_PATTERN, 'must be a person id (ULID)');
const ResidentId = z
  .string()
  .trim()
  .regex(/^\d{17}[\dXx]$/, 'must be 18 characters: 17 digits and a check digit or X');
const Reason = z.string().trim().min(1, 'is required').max(500);
/** 农业 (rural) or 非农业 (urban) household registration. */
const HukouType = z.enum(['rural', 'urban']);

export const PersonIdParams = z.object({ personId: PersonId });
export type PersonIdParams = z.infer<typeof PersonIdParams>;

/** `POST /v1/persons/{personId}/actions/{action}`: the recorded actions on a person. */
export const PersonActionParams = z.object({
  personId: PersonId,
  action: z.enum(['record-death', 'change-residence', 'record-disability']),
});
export type PersonActionParams = z.infer<typeof PersonActionParams>;

/** What a registrar submits to record a person. */
export const RecordPersonRequest = z.strictObject({
  residentId: ResidentId,
  name: PersonName,
  sex: z.enum(['male', 'female']),
  birthDate: z.iso.date(),
  hukouRegion: RegionCode,
  hukouType: HukouType.optional(),
  residenceRegion: RegionCode,
});
export type RecordPersonRequest = z.infer<typeof RecordPersonRequest>;

/** A person as staff see them: the resident ID only ever masked. */
export const PersonView = z.object({
  personId: z.string(),
  residentIdMasked: z.string(),
  name: z.string(),
  sex: z.enum(['male', 'female']),
  birthDate: z.string(),
  hukouRegion: z.string(),
  hukouType: HukouType.optional(),
  residenceRegion: z.string(),
  residenceSince: z.string().optional(),
  alive: z.boolean(),
  deathDate: z.string().optional(),
  disabilityCertified: z.boolean().optional(),
  version: z.number().int(),
  recordedAt: z.string(),
  updatedAt: z.string(),
});
export type PersonView = z.infer<typeof PersonView>;

/** A correction of recorded facts (PATCH): a reason and the fields to correct. */
export const CorrectPersonRequest = z.strictObject({
  reason: Reason,
  name: PersonName.optional(),
  sex: z.enum(['male', 'female']).optional(),
  birthDate: z.iso.date().optional(),
  hukouRegion: RegionCode.optional(),
  hukouType: HukouType.optional(),
  residentId: ResidentId.optional(),
});
export type CorrectPersonRequest = z.infer<typeof CorrectPersonRequest>;

export const ChangeResidenceRequest = z.strictObject({
  residenceRegion: RegionCode,
  since: z.iso.date(),
  reason: Reason.optional(),
});
export type ChangeResidenceRequest = z.infer<typeof ChangeResidenceRequest>;

export const RecordDeathRequest = z.strictObject({
  deathDate: z.iso.date(),
  reason: Reason.optional(),
});
export type RecordDeathRequest = z.infer<typeof RecordDeathRequest>;

/** A certified disability (or its withdrawal), as shown on the certificate; a reason is required. */
export const RecordDisabilityRequest = z.strictObject({
  certified: z.boolean(),
  reason: Reason,
});
export type RecordDisabilityRequest = z.infer<typeof RecordDisabilityRequest>;

/** `GET /v1/persons?residentId=` or `?name=&birthDate=`. */
export const PersonSearchQuery = z.union([
  z.strictObject({ residentId: ResidentId }),
  z.strictObject({ name: PersonName, birthDate: z.iso.date() }),
]);
export type PersonSearchQuery = z.infer<typeof PersonSearchQuery>;

export const PersonActionView = z.object({
  actionId: z.string(),
  type: z.enum(['recorded', 'corrected', 'residence-changed', 'deceased', 'disability-recorded']),
  by: z.string(),
  at: z.string(),
  reason: z.string().optional(),
  /** The province whose notification caused the change, if another province's did. */
  origin: z.string().optional(),
  changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
});
export type PersonActionView = z.infer<typeof PersonActionView>;

const Parent = z.strictObject({
  name: PersonName,
  residentId: ResidentId,
  birthDate: z.iso.date(),
  hukouRegion: RegionCode,
});

/** What a family (app) or a registrar (counter) submits to register a birth. */
export const SubmitBirthRegistrationRequest = z.strictObject({
  child: z.strictObject({
    /** True when registering before the birth: `birthDate` is then the expected date and no sex is given. */
    expected: z.literal(true).optional(),
    name: PersonName.optional(),
    sex: z.enum(['male', 'female']).optional(),
    birthDate: z.iso.date(),
    birthRegion: RegionCode,
    residentId: ResidentId.optional(),
  }),
  mother: Parent,
  father: Parent.optional(),
  residenceRegion: RegionCode,
  birthOrder: z.number().int().min(1).max(20),
});
export type SubmitBirthRegistrationRequest = z.infer<typeof SubmitBirthRegistrationRequest>;

export const RegistrationIdParams = z.object({
  registrationId: z.string().regex(ULID_PATTERN, 'must be a registration id (ULID)'),
});
export type RegistrationIdParams = z.infer<typeof RegistrationIdParams>;

export const RegistrationActionParams = RegistrationIdParams.extend({
  action: z.enum([
    'validate',
    'register',
    'request-correction',
    'approve-correction',
    'reject-correction',
    'dismiss-duplicate',
    'record-birth',
  ]),
});
export type RegistrationActionParams = z.infer<typeof RegistrationActionParams>;

/** The body of an action: a reason where the action needs one, the changes for a correction. */
export const RegistrationActionRequest = z.strictObject({
  reason: Reason.optional(),
  changes: z.record(z.string(), z.unknown()).optional(),
  /** For `record-birth`: the child as born. */
  child: z
    .strictObject({
      sex: z.enum(['male', 'female']),
      birthDate: z.iso.date(),
      name: PersonName.optional(),
      residentId: ResidentId.optional(),
      birthRegion: RegionCode.optional(),
    })
    .optional(),
});
export type RegistrationActionRequest = z.infer<typeof RegistrationActionRequest>;

/** `GET /v1/birth-registrations?status=&region=&cursor=&limit=` */
export const RegistrationListQuery = z.strictObject({
  /** `registered-elsewhere`: births another province registered to parents whose hukou is here. */
  status: z.enum([
    'submitted',
    'validated',
    'registered',
    'correction-requested',
    'flagged-duplicate',
    'registered-elsewhere',
  ]),
  region: z
    .string()
    .regex(REGION_PREFIX_PATTERN, 'must be a region code or its prefix of 2 or 4 digits')
    .optional(),
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type RegistrationListQuery = z.infer<typeof RegistrationListQuery>;

/**
 * `?cursor=&limit=` of a family's own lists (`/v1/me/...`): no filters; the cursor is
 * sealed to the route and the citizen.
 */
export const MyListQuery = z.strictObject({
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type MyListQuery = z.infer<typeof MyListQuery>;

export const HouseholdIdParams = z.object({
  householdId: z.string().regex(ULID_PATTERN, 'must be a household id (ULID)'),
});
export type HouseholdIdParams = z.infer<typeof HouseholdIdParams>;

export const CertificateKind = z.enum(CERTIFICATE_KINDS);
export type CertificateKind = z.infer<typeof CertificateKind>;

const CertificateId = z.string().regex(ULID_PATTERN, 'must be a certificate id (ULID)');
const HouseholdId = z.string().regex(ULID_PATTERN, 'must be a household id (ULID)');

/** `POST /v1/certificates`: the family type that decides eligibility is derived, never sent. */
export const IssueCertificateRequest = z.strictObject({ householdId: HouseholdId, kind: CertificateKind });
export type IssueCertificateRequest = z.infer<typeof IssueCertificateRequest>;

/** `POST /v1/certificates/{certificateId}/actions/revoke` */
export const RevokeCertificateRequest = z.strictObject({ reason: Reason });
export type RevokeCertificateRequest = z.infer<typeof RevokeCertificateRequest>;

export const CertificateIdParams = z.object({ certificateId: CertificateId });
export type CertificateIdParams = z.infer<typeof CertificateIdParams>;

/** `GET /v1/certificates?householdId=` */
export const CertificateListQuery = z.strictObject({ householdId: HouseholdId });
export type CertificateListQuery = z.infer<typeof CertificateListQuery>;

/**
 * `GET /v1/public/certificates/verify?code=`: 16 Crockford base32 characters in any case,
 * with or without dashes; parsed to the stored form (upper case, no dashes).
 */
export const VerifyCertificateQuery = z.strictObject({
  code: z
    .string()
    .max(40)
    .refine(
      (code) => normaliseVerificationCode(code) !== undefined,
      'must be a code like XXXX-XXXX-XXXX-XXXX',
    )
    .transform((code) => normaliseVerificationCode(code) ?? ''),
});
export type VerifyCertificateQuery = z.infer<typeof VerifyCertificateQuery>;

/** Reports cover at most three years, month by month. */
export const MAX_REPORT_MONTHS = 36;

const ReportMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month, YYYY-MM');
const reportMonthIndex = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7));

/**
 * `GET /v1/reports/births?region=&from=YYYY-MM&to=YYYY-MM`: a region code or its prefix
 * (2, 4 or 6 digits; the caller's own region when left out), and a period of at most 36
 * months with `from` not after `to`.
 */
export const ReportsBirthsQuery = z
  .strictObject({
    region: z
      .string()
      .regex(REGION_PREFIX_PATTERN, 'must be a region code or its prefix of 2 or 4 digits')
      .optional(),
    from: ReportMonth,
    to: ReportMonth,
  })
  .superRefine(({ from, to }, context) => {
    const span = reportMonthIndex(to) - reportMonthIndex(from) + 1;
    if (span < 1) context.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    else if (span > MAX_REPORT_MONTHS) {
      context.addIssue({
        code: 'custom',
        path: ['to'],
        message: `must be at most ${MAX_REPORT_MONTHS} months after from, both included`,
      });
    }
  });
export type ReportsBirthsQuery = z.infer<typeof ReportsBirthsQuery>;

const BirthFiguresView = z.object({
  births: z.number().int(),
  male: z.number().int(),
  female: z.number().int(),
  /** Boys per 100 girls; null when no girls were born. */
  sexRatio: z.number().nullable(),
  birthOrder: z.object({ first: z.number().int(), second: z.number().int(), thirdOrLater: z.number().int() }),
  timeliness: z.object({
    within30Days: z.number().int(),
    within1Year: z.number().int(),
    later: z.number().int(),
  }),
  migrantBirths: z.number().int(),
  movedIn: z.number().int(),
  movedOut: z.number().int(),
});

/** The births report: figures per month and for the whole period; counts only, never persons. */
export const BirthsReportView = z.object({
  region: z.string(),
  from: z.string(),
  to: z.string(),
  months: z.array(BirthFiguresView.extend({ month: z.string() })),
  total: BirthFiguresView,
});
export type BirthsReportView = z.infer<typeof BirthsReportView>;

/** `GET /v1/households?personId=`: the household a person belongs to. */
export const HouseholdQuery = z.strictObject({
  personId: z.string().regex(ULID_PATTERN, 'must be a person id (ULID)'),
});
export type HouseholdQuery = z.infer<typeof HouseholdQuery>;

/** `POST /v1/certificates/remote-verifications`: ask another province about one of its certificates. */
export const RemoteVerificationRequest = z.strictObject({
  province: z
    .string()
    .regex(/^[1-9]\d$/, 'must be a two-digit province code')
    .refine((code) => regionExists(`${code}0000`), 'is not a known province code'),
  verificationCode: z
    .string()
    .max(40)
    .refine(
      (code) => normaliseVerificationCode(code) !== undefined,
      'must be a code like XXXX-XXXX-XXXX-XXXX',
    )
    .transform((code) => normaliseVerificationCode(code) ?? ''),
});
export type RemoteVerificationRequest = z.infer<typeof RemoteVerificationRequest>;

export const RemoteVerificationParams = z.object({
  requestId: z.string().regex(ULID_PATTERN, 'must be a request id (ULID)'),
});
export type RemoteVerificationParams = z.infer<typeof RemoteVerificationParams>;

const NoticeId = z.string().regex(ULID_PATTERN, 'must be a notice id (ULID)');

/** `GET /v1/held-death-notices`: death notices waiting for a registrar, in the caller's region. */
export const HeldDeathNoticeListQuery = z.strictObject({
  region: z
    .string()
    .regex(/^\d{2,6}$/, 'must be a region code or its prefix')
    .optional(),
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type HeldDeathNoticeListQuery = z.infer<typeof HeldDeathNoticeListQuery>;

/** `POST /v1/held-death-notices/{noticeId}/actions/{action}` */
export const HeldDeathNoticeActionParams = z.object({
  noticeId: NoticeId,
  action: z.enum(['confirm', 'reject']),
});
export type HeldDeathNoticeActionParams = z.infer<typeof HeldDeathNoticeActionParams>;

/** A registrar's decision on a held death notice: a reason is required to reject. */
export const HeldDeathNoticeDecisionRequest = z.strictObject({ reason: Reason.optional() });
export type HeldDeathNoticeDecisionRequest = z.infer<typeof HeldDeathNoticeDecisionRequest>;

/** A held death notice as registrars see it. */
export const HeldDeathNoticeView = z.object({
  noticeId: z.string(),
  personId: z.string(),
  senderProvince: z.string().describe('The province that sent the notice'),
  deathDate: z.string(),
  region: z.string().describe('The person’s region in this province'),
  receivedAt: z.string(),
  status: z.enum(['held', 'confirmed', 'rejected']),
  decidedBy: z.string().optional(),
  decidedAt: z.string().optional(),
  reason: z.string().optional(),
});
export type HeldDeathNoticeView = z.infer<typeof HeldDeathNoticeView>;
const MandateId = z.string().regex(ULID_PATTERN, 'must be a mandate id (ULID)');

/** `POST /v1/persons/{personId}/mandates`: a registrar records who may act for the person. */
export const RecordMandateRequest = z.strictObject({
  kind: z.enum(['guardian', 'authorised-relative']),
  /** The person who may act, named by the resident ID on the document shown at the counter. */
  holderResidentId: ResidentId,
  /** What was shown: the court or committee decision, or the parent's signed authorisation. */
  reason: Reason,
});
export type RecordMandateRequest = z.infer<typeof RecordMandateRequest>;

/** `POST /v1/me/mandates`: an elderly parent authorises one of their children in the app. */
export const AuthoriseRelativeRequest = z.strictObject({ holderResidentId: ResidentId });
export type AuthoriseRelativeRequest = z.infer<typeof AuthoriseRelativeRequest>;

export const MandateParams = z.object({ mandateId: MandateId });
export type MandateParams = z.infer<typeof MandateParams>;

export const PersonMandateParams = z.object({ personId: PersonId, mandateId: MandateId });
export type PersonMandateParams = z.infer<typeof PersonMandateParams>;

export const RevokeMandateRequest = z.strictObject({ reason: Reason.optional() });
export type RevokeMandateRequest = z.infer<typeof RevokeMandateRequest>;

/**
 * `GET /v1/me/access-log?cursor=&limit=`: the staff reads of the citizen's family's data and
 * the mandates recorded or revoked for or by them.
 */
export const MyAccessLogQuery = z.strictObject({
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type MyAccessLogQuery = z.infer<typeof MyAccessLogQuery>;

/** `GET /v1/access-log?staff=|personId=&cursor=&limit=`: an auditor's view, one of the two. */
export const AccessLogQuery = z
  .strictObject({
    staff: z
      .string()
      .trim()
      .min(1)
      .max(128)
      .regex(/^[\x21-\x7e]+$/, 'must be a login subject')
      .optional(),
    personId: PersonId.optional(),
    cursor: z.string().max(2048).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .refine((q) => (q.staff === undefined) !== (q.personId === undefined), {
    message: 'give exactly one of staff and personId',
    path: ['staff'],
  });
export type AccessLogQuery = z.infer<typeof AccessLogQuery>;

/**
 * An access entry as the family sees it: what happened to which of their records, who did it,
 * why and when. The staff fields (`staff`, `role`, `region`, `purpose`) are there when staff
 * acted; a mandate one of its two people changed in the app names which of them (`actor`),
 * never their login or resident ID.
 */
export const FamilyAccessEntryView = z.object({
  at: z.string(),
  personId: z.string(),
  action: z
    .enum(['read', 'mandate-recorded', 'mandate-revoked'])
    .describe('A staff read, or a mandate to act for the person (or held by them) recorded or revoked'),
  actor: z
    .enum(['staff', 'person', 'holder'])
    .describe(
      'Who acted: staff; or, in the app, the person the mandate lets another act for (`person`) or its holder',
    ),
  staff: z.string().optional().describe('The staff member’s login subject, when staff acted'),
  role: z.string().optional(),
  region: z.string().optional(),
  channel: z.enum(['counter', 'app']).optional().describe('Where a mandate was recorded or revoked'),
  route: z.string(),
  record: z.string().describe('`person/<id>`, `enrollment/<id>`, `mandate/<id>`, …'),
  purpose: z.string().optional(),
});
export type FamilyAccessEntryView = z.infer<typeof FamilyAccessEntryView>;

/** An access entry as an auditor sees it: the family's view and the record's regions. */
export const AccessEntryView = FamilyAccessEntryView.extend({
  readId: z.string(),
  regions: z.array(z.string()),
});
export type AccessEntryView = z.infer<typeof AccessEntryView>;

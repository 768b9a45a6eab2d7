import * as z from 'zod';
import type { ApiDescription } from '../../shared/http/api-description';
import {
  AccessEntryView,
  AccessLogQuery,
  AuthoriseRelativeRequest,
  BirthsReportView,
  CertificateIdParams,
  CertificateKind,
  CertificateListQuery,
  ChangeResidenceRequest,
  CorrectPersonRequest,
  FamilyAccessEntryView,
  HeldDeathNoticeActionParams,
  HeldDeathNoticeDecisionRequest,
  HeldDeathNoticeListQuery,
  HeldDeathNoticeView,
  HouseholdIdParams,
  HouseholdQuery,
  IssueCertificateRequest,
  MandateParams,
  MyAccessLogQuery,
  MyListQuery,
  PersonActionParams,
  PersonActionView,
  PersonIdParams,
  PersonMandateParams,
  PersonSearchQuery,
  PersonView,
  RecordDeathRequest,
  RecordDisabilityRequest,
  RecordMandateRequest,
  RecordPersonRequest,
  RegistrationActionParams,
  RegistrationActionRequest,
  RegistrationIdParams,
  RegistrationListQuery,
  RemoteVerificationParams,
  RemoteVerificationRequest,
  ReportsBirthsQuery,
  RevokeCertificateRequest,
  RevokeMandateRequest,
  SubmitBirthRegistrationRequest,
  VerifyCertificateQuery,
} from './schemas';

/**
 * Answers the handlers build from domain records. The main fields are named; records may
 * carry more (hence loose objects). Resident IDs appear only masked.
 */
const FamilyMember = z.object({
  personId: z.string(),
  relation: z.enum(['spouse', 'child', 'ward', 'authorising-parent']).optional(),
  name: z.string(),
  residentIdMasked: z.string(),
  sex: z.enum(['male', 'female']),
  birthDate: z.string(),
  hukouRegion: z.string(),
  residenceRegion: z.string(),
  alive: z.boolean(),
});
const MyFamilyView = z.object({ person: FamilyMember, family: z.array(FamilyMember) });
const MandateView = z.looseObject({
  mandateId: z.string(),
  kind: z.enum(['guardian', 'authorised-relative']),
  personId: z.string().describe('The person acted for'),
  holderPersonId: z.string().describe('The person who may act'),
  channel: z.enum(['counter', 'app']),
  status: z.enum(['active', 'revoked']),
  recordedAt: z.string(),
  revokedAt: z.string().optional(),
  version: z.number().int(),
});
const Mandates = z.object({ given: z.array(MandateView), held: z.array(MandateView) });
const MyMandateView = MandateView.extend({
  side: z
    .enum(['given', 'held'])
    .describe('`given`: someone may act for you; `held`: you may act for the person named'),
});
const RegistrationView = z.looseObject({
  registrationId: z.string(),
  status: z.string(),
  registrationNumber: z.string().optional(),
  channel: z.string().optional(),
  details: z.looseObject({}).describe('The current details; every resident ID masked.'),
  version: z.number().int().optional(),
  availableActions: z.array(z.string()),
  history: z.array(z.looseObject({})).optional(),
});
const Page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().optional().describe('The cursor of the next page.'),
  });
const Items = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
const HouseholdView = z.looseObject({
  householdId: z.string(),
  familyType: z.string().describe('Derived from the members, e.g. only-child, two-daughters.'),
  members: z.array(z.looseObject({})),
  version: z.number().int(),
});
const CertificateView = z.looseObject({
  certificateId: z.string(),
  kind: CertificateKind,
  householdId: z.string(),
  holderName: z.string(),
  issuingRegion: z.string(),
  issuingRegionName: z.string(),
  issuedAt: z.string(),
  verificationCode: z.string().describe('XXXX-XXXX-XXXX-XXXX'),
  status: z.enum(['valid', 'revoked']),
  version: z.number().int(),
});
const CertificateVerification = z.object({
  valid: z.boolean(),
  kind: CertificateKind,
  issuedAt: z.string().describe('Date of issue (Beijing time)'),
  issuingRegion: z.string(),
  issuingRegionName: z.string(),
  holderNameMasked: z.string(),
});
const RemoteVerificationView = z.looseObject({
  requestId: z.string(),
  province: z.string(),
  status: z.enum(['pending', 'answered']),
  answer: z.looseObject({}).optional().describe('What the issuing province’s public verify route would show'),
});

const person = {
  personId: '01JDQ3M6Y7Z8A9B0C1D2E3F4G5',
  residentIdMasked: '330106********0022',
  name: '李芳',
  sex: 'female',
  birthDate: '1990-03-07',
  hukouRegion: '330106',
  hukouType: 'urban',
  residenceRegion: '330106',
  alive: true,
  version: 1,
  recordedAt: '2026-11-02T08:15:00.000Z',
  updatedAt: '2026-11-02T08:15:00.000Z',
};
const birth = {
  child: { name: '王晓宝', sex: 'female', birthDate: '2026-03-01', birthRegion: '330106' },
  mother: { name: '李芳', residentId: '330106199003070022', birthDate: '1990-03-07', hukouRegion: '330106' },
  father: { name: '王强', residentId: '330106198808120010', birthDate: '1988-08-12', hukouRegion: '330106' },
  residenceRegion: '330106',
  birthOrder: 1,
};

/** The registry's routes (functions/registry/manifest.ts) with the schemas their handlers validate. */
export const registryApi: ApiDescription = {
  'POST /v1/persons': {
    summary: 'Record a person',
    body: RecordPersonRequest,
    bodyExample: {
      residentId: '330106199003070022',
      name: '李芳',
      sex: 'female',
      birthDate: '1990-03-07',
      hukouRegion: '330106',
      hukouType: 'urban',
      residenceRegion: '330106',
    },
    responses: {
      201: { description: 'Recorded', schema: PersonView, example: person, headers: ['etag', 'location'] },
    },
    problems: [409],
  },
  'GET /v1/persons': {
    summary: 'Find persons by resident ID, or by name and birth date',
    query: PersonSearchQuery,
    responses: { 200: { description: 'Matching persons in the caller’s region', schema: Items(PersonView) } },
  },
  'GET /v1/persons/{personId}': {
    summary: 'Read a person',
    params: PersonIdParams,
    responses: { 200: { description: 'The person', schema: PersonView, example: person, headers: ['etag'] } },
  },
  'PATCH /v1/persons/{personId}': {
    summary: 'Correct recorded facts, with a reason',
    params: PersonIdParams,
    body: CorrectPersonRequest,
    bodyExample: { reason: '户籍信息录入错误', name: '李芳芳' },
    ifMatch: 'required',
    responses: { 200: { description: 'Corrected', schema: PersonView, headers: ['etag'] } },
    problems: [409],
  },
  'GET /v1/persons/{personId}/history': {
    summary: 'What was recorded about a person, by whom and why',
    params: PersonIdParams,
    responses: { 200: { description: 'The actions, oldest first', schema: Items(PersonActionView) } },
  },
  'POST /v1/persons/{personId}/actions/{action}': {
    summary: 'Record a death, a change of residence or a certified disability',
    description:
      'The body depends on the action: `record-death` takes `RecordDeathRequest`, `change-residence` ' +
      '`ChangeResidenceRequest`, `record-disability` `RecordDisabilityRequest`.',
    params: PersonActionParams,
    body: z.union([RecordDeathRequest, ChangeResidenceRequest, RecordDisabilityRequest]),
    bodyExample: { residenceRegion: '510104', since: '2026-10-01' },
    ifMatch: 'required',
    responses: { 200: { description: 'Recorded', schema: PersonView, headers: ['etag'] } },
    problems: [409],
  },
  'GET /v1/held-death-notices': {
    summary: 'List death notices held for confirmation in the caller’s region',
    description:
      'A death notified by a province that is neither the person’s residence nor hukou province ' +
      '(as recorded here) is not applied: it waits here for a registrar of the person’s region.',
    query: HeldDeathNoticeListQuery,
    paginated: true,
    responses: { 200: { description: 'A page of held notices', schema: Page(HeldDeathNoticeView) } },
  },
  'POST /v1/held-death-notices/{noticeId}/actions/{action}': {
    summary: 'Confirm a held death notice (the death is recorded) or reject it with a reason',
    description:
      '`confirm` records the death, which then reaches payout and the household like any recorded ' +
      'death; `reject` needs a `reason` and changes no person. A notice is decided once (409 after). ' +
      'A notice outside the caller’s region answers 404, as one that does not exist.',
    params: HeldDeathNoticeActionParams,
    body: HeldDeathNoticeDecisionRequest,
    bodyExample: { reason: 'The family confirmed at the counter that the person is alive.' },
    responses: { 200: { description: 'Decided', schema: HeldDeathNoticeView } },
    problems: [409],
  },
  'POST /v1/birth-registrations': {
    summary: 'Submit a birth registration at the counter',
    description: 'The logic audit checks the data; blocking findings are a 422 with a `code` per field.',
    body: SubmitBirthRegistrationRequest,
    bodyExample: birth,
    responses: { 201: { description: 'Submitted', schema: RegistrationView, headers: ['etag', 'location'] } },
    problems: [409],
  },
  'GET /v1/birth-registrations': {
    summary: 'List birth registrations by status in the caller’s region',
    query: RegistrationListQuery,
    paginated: true,
    responses: { 200: { description: 'A page of registrations', schema: Page(RegistrationView) } },
  },
  'GET /v1/birth-registrations/{registrationId}': {
    summary: 'Read a birth registration (also one registered elsewhere for parents whose hukou is here)',
    params: RegistrationIdParams,
    responses: { 200: { description: 'The registration', schema: RegistrationView, headers: ['etag'] } },
  },
  'POST /v1/birth-registrations/{registrationId}/actions/{action}': {
    summary: 'Validate, register, correct or record the birth of a registration',
    params: RegistrationActionParams,
    body: RegistrationActionRequest,
    bodyExample: { reason: '核对无误' },
    ifMatch: 'required',
    responses: {
      200: { description: 'The registration after the action', schema: RegistrationView, headers: ['etag'] },
    },
    problems: [409],
  },
  'GET /v1/me/birth-registrations': {
    summary:
      'Your family’s birth registrations (you, your spouse, a ward or a parent who authorised you as a parent), filed in the app or at the counter',
    query: MyListQuery,
    paginated: true,
    responses: {
      200: { description: 'A page of registrations, newest first', schema: Page(RegistrationView) },
    },
  },
  'POST /v1/me/birth-registrations': {
    summary: 'Register a birth from the app: you are the mother or the father',
    body: SubmitBirthRegistrationRequest,
    bodyExample: birth,
    responses: { 201: { description: 'Submitted', schema: RegistrationView, headers: ['etag', 'location'] } },
    problems: [404, 409],
  },
  'GET /v1/me': {
    summary: 'You (resident ID masked) and the family you may act for',
    responses: { 200: { description: 'You and your family', schema: MyFamilyView } },
    problems: [404],
  },
  'GET /v1/me/household': {
    summary: 'Your household and its derived family type',
    description:
      'A list of households like any list, paged by household id (today zero or one: a person belongs to one ' +
      'household at most); each household comes with all its members.',
    query: MyListQuery,
    paginated: true,
    responses: { 200: { description: 'A page of households', schema: Page(HouseholdView) } },
  },
  'GET /v1/me/mandates': {
    summary: 'Mandates you gave (who may act for you) and hold (for whom you may act)',
    description: 'One list, in the order the mandates were recorded; `side` says which of the two each is.',
    query: MyListQuery,
    paginated: true,
    responses: { 200: { description: 'A page of mandates', schema: Page(MyMandateView) } },
  },
  'POST /v1/me/mandates': {
    summary: 'As a parent of 60 or over, authorise one of your children to act for you',
    body: AuthoriseRelativeRequest,
    bodyExample: { holderResidentId: '330106199003070022' },
    responses: { 201: { description: 'Authorised', schema: MandateView, headers: ['location'] } },
    problems: [404, 409, 422],
  },
  'POST /v1/me/mandates/{mandateId}/actions/revoke': {
    summary: 'Revoke an authorisation you gave or hold (a guardianship ends at the counter)',
    params: MandateParams,
    body: RevokeMandateRequest,
    bodyExample: {},
    responses: { 200: { description: 'Revoked', schema: MandateView } },
    problems: [404, 409],
  },
  'POST /v1/persons/{personId}/mandates': {
    summary: 'Record a guardian, or a relative an elderly parent authorised at the counter',
    params: PersonIdParams,
    body: RecordMandateRequest,
    bodyExample: { kind: 'guardian', holderResidentId: '330106199003070022', reason: '法院指定监护判决书' },
    responses: { 201: { description: 'Recorded', schema: MandateView, headers: ['location'] } },
    problems: [404, 409, 422],
  },
  'GET /v1/persons/{personId}/mandates': {
    summary: 'Mandates given for a person and held by them',
    params: PersonIdParams,
    responses: { 200: { description: 'Mandates', schema: Mandates } },
  },
  'POST /v1/persons/{personId}/mandates/{mandateId}/actions/revoke': {
    summary: 'Revoke a mandate, with a reason',
    params: PersonMandateParams,
    body: RevokeMandateRequest,
    bodyExample: { reason: '监护关系已由法院撤销' },
    responses: { 200: { description: 'Revoked', schema: MandateView } },
    problems: [404, 409],
  },
  'GET /v1/households': {
    summary: 'The household a person belongs to',
    query: HouseholdQuery,
    responses: { 200: { description: 'Zero or one household', schema: Items(HouseholdView) } },
  },
  'GET /v1/households/{householdId}': {
    summary: 'Read a household and its derived family type',
    params: HouseholdIdParams,
    responses: { 200: { description: 'The household', schema: HouseholdView, headers: ['etag'] } },
  },
  'POST /v1/certificates': {
    summary: 'Issue a certificate to a household that qualifies',
    body: IssueCertificateRequest,
    bodyExample: { householdId: '01JDQ3M6Y7Z8A9B0C1D2E3F4G6', kind: 'only-child-parents' },
    responses: { 201: { description: 'Issued', schema: CertificateView, headers: ['etag', 'location'] } },
    problems: [409],
  },
  'GET /v1/certificates': {
    summary: 'A household’s certificates',
    query: CertificateListQuery,
    responses: { 200: { description: 'The certificates', schema: Items(CertificateView) } },
  },
  'POST /v1/certificates/{certificateId}/actions/revoke': {
    summary: 'Revoke a certificate, with a reason',
    params: CertificateIdParams,
    body: RevokeCertificateRequest,
    bodyExample: { reason: '发证信息有误' },
    ifMatch: 'required',
    responses: { 200: { description: 'Revoked', schema: CertificateView, headers: ['etag'] } },
    problems: [409],
  },
  'GET /v1/me/certificates': {
    summary: 'Your family’s certificates, however they were issued, in the order they were issued',
    query: MyListQuery,
    paginated: true,
    responses: { 200: { description: 'A page of certificates', schema: Page(CertificateView) } },
  },
  'POST /v1/certificates/remote-verifications': {
    summary: 'Ask another province whether one of its certificates is valid',
    body: RemoteVerificationRequest,
    bodyExample: { province: '51', verificationCode: 'K7Q2-M9XD-4TRA-8HWB' },
    responses: {
      202: {
        description: 'Asked; read the answer later',
        schema: RemoteVerificationView,
        headers: ['location'],
      },
    },
  },
  'GET /v1/certificates/remote-verifications/{requestId}': {
    summary: 'The answer to a remote verification',
    params: RemoteVerificationParams,
    responses: {
      200: { description: 'The request and, once given, the answer', schema: RemoteVerificationView },
    },
  },
  'GET /v1/public/certificates/verify': {
    summary: 'Check a certificate by its verification code, without an account',
    description: 'Discloses validity, kind, issue date, issuing office and a masked name only.',
    query: VerifyCertificateQuery,
    responses: {
      200: {
        description: 'What the certificate says',
        schema: CertificateVerification,
        example: {
          valid: true,
          kind: 'only-child-parents',
          issuedAt: '2026-11-02',
          issuingRegion: '330106',
          issuingRegionName: '浙江省杭州市西湖区',
          holderNameMasked: '李*',
        },
      },
    },
  },
  'GET /v1/reports/births': {
    summary: 'Birth figures by region and month: counts only, never persons',
    query: ReportsBirthsQuery,
    responses: { 200: { description: 'The report', schema: BirthsReportView } },
  },
  'GET /v1/me/access-log': {
    summary: "Who read my family's records, and who was given or lost the right to act for us: newest first",
    description:
      'Each staff read of the data of the signed-in citizen or their family (spouse, minor children, a ward, a ' +
      'parent who authorised them): who, in which role and region, through which route and record, why and ' +
      'when; and each mandate recorded or revoked for or by one of them (`action`), by staff at the counter or ' +
      'by one of its two people in the app (`actor`, never their login). Kept five years.',
    query: MyAccessLogQuery,
    paginated: true,
    responses: { 200: { description: 'A page of access entries', schema: Page(FamilyAccessEntryView) } },
  },
  'GET /v1/access-log': {
    summary:
      "An auditor's view of the access log: one staff member's reads and mandate actions, or the entries about one person",
    description:
      "Give exactly one of `staff` and `personId`. Only records inside the auditor's region are shown; the " +
      "auditor's look is itself recorded in the persons' logs (purpose audit).",
    query: AccessLogQuery,
    paginated: true,
    problems: [404],
    responses: { 200: { description: 'A page of access entries', schema: Page(AccessEntryView) } },
  },
};

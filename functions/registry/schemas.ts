import * as z from 'zod';
import { ULID_PATTERN } from '../../shared/domain/ids';
import { REGION_CODE_PATTERN } from '../../shared/domain/region-code';
import { regionExists } from '../../shared/domain/region-codes';

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
  .regex(/^[\p{L}\p{M}·• ]+$/u, 'may contain letters and the middle dot only');

const PersonId = z.string().regex(ULID_PATTERN, 'must be a person id (ULID)');
const ResidentId = z
  .string()
  .trim()
  .regex(/^\d{17}[\dXx]$/, 'must be 18 characters: 17 digits and a check digit or X');
const Reason = z.string().trim().min(1, 'is required').max(500);

export const PersonIdParams = z.object({ personId: PersonId });
export type PersonIdParams = z.infer<typeof PersonIdParams>;

/** `POST /v1/persons/{personId}/actions/{action}`: the recorded actions on a person. */
export const PersonActionParams = z.object({
  personId: PersonId,
  action: z.enum(['record-death', 'change-residence']),
});
export type PersonActionParams = z.infer<typeof PersonActionParams>;

/** What a registrar submits to record a person. */
export const RecordPersonRequest = z.strictObject({
  residentId: ResidentId,
  name: PersonName,
  sex: z.enum(['male', 'female']),
  birthDate: z.iso.date(),
  hukouRegion: RegionCode,
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
  residenceRegion: z.string(),
  alive: z.boolean(),
  deathDate: z.string().optional(),
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

/** `GET /v1/persons?residentId=` or `?name=&birthDate=`. */
export const PersonSearchQuery = z.union([
  z.strictObject({ residentId: ResidentId }),
  z.strictObject({ name: PersonName, birthDate: z.iso.date() }),
]);
export type PersonSearchQuery = z.infer<typeof PersonSearchQuery>;

export const PersonActionView = z.object({
  actionId: z.string(),
  type: z.enum(['recorded', 'corrected', 'residence-changed', 'deceased']),
  by: z.string(),
  at: z.string(),
  reason: z.string().optional(),
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
    name: PersonName.optional(),
    sex: z.enum(['male', 'female']),
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
  ]),
});
export type RegistrationActionParams = z.infer<typeof RegistrationActionParams>;

/** The body of an action: a reason where the action needs one, the changes for a correction. */
export const RegistrationActionRequest = z.strictObject({
  reason: Reason.optional(),
  changes: z.record(z.string(), z.unknown()).optional(),
});
export type RegistrationActionRequest = z.infer<typeof RegistrationActionRequest>;

/** `GET /v1/birth-registrations?status=&region=&cursor=&limit=` */
export const RegistrationListQuery = z.strictObject({
  status: z.enum(['submitted', 'validated', 'registered', 'correction-requested', 'flagged-duplicate']),
  region: z
    .string()
    .regex(/^\d{2,6}$/, 'must be a region code or its prefix')
    .optional(),
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type RegistrationListQuery = z.infer<typeof RegistrationListQuery>;

export const MyListQuery = z.strictObject({
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type MyListQuery = z.infer<typeof MyListQuery>;

export const HouseholdIdParams = z.object({
  householdId: z.string().regex(ULID_PATTERN, 'must be a household id (ULID)'),
});
export type HouseholdIdParams = z.infer<typeof HouseholdIdParams>;

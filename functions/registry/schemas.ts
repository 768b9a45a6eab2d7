import * as z from 'zod';
import { ULID_PATTERN } from '../../shared/domain/ids';
import { REGION_CODE_PATTERN } from '../../shared/domain/region-code';

const RegionCode = z.string().regex(REGION_CODE_PATTERN, 'must be a 6-digit administrative division code');

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

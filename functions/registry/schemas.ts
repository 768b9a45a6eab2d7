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

export const PersonIdParams = z.object({
  personId: z.string().regex(ULID_PATTERN, 'must be a person id (ULID)'),
});
export type PersonIdParams = z.infer<typeof PersonIdParams>;

/** What a registrar submits to record a person. */
export const RecordPersonRequest = z.strictObject({
  residentId: z
    .string()
    .trim()
    .regex(/^\d{17}[\dXx]$/, 'must be 18 characters: 17 digits and a check digit or X'),
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
  version: z.number().int(),
  recordedAt: z.string(),
});
export type PersonView = z.infer<typeof PersonView>;

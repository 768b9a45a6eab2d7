import * as z from 'zod';
import { ULID_PATTERN } from '../domain/ids';
import { PERSON_REF_PATTERN } from '../domain/person-ref';
import { REGION_CODE_PATTERN } from '../domain/region-code';

export const PERSON_RECORDED = 'cn.gov.jiahe.person.recorded.v1';
export const PERSON_CORRECTED = 'cn.gov.jiahe.person.corrected.v1';
export const PERSON_RESIDENCE_CHANGED = 'cn.gov.jiahe.person.residence-changed.v1';
export const PERSON_DECEASED = 'cn.gov.jiahe.person.deceased.v1';
export const PERSON_DISABILITY_RECORDED = 'cn.gov.jiahe.person.disability-recorded.v1';

/** The event types that carry a person's recorded facts, by what happened to the person. */
export const PERSON_EVENT_TYPES = {
  recorded: PERSON_RECORDED,
  corrected: PERSON_CORRECTED,
  'residence-changed': PERSON_RESIDENCE_CHANGED,
  deceased: PERSON_DECEASED,
  'disability-recorded': PERSON_DISABILITY_RECORDED,
} as const;

/**
 * The registry facts other areas may rely on about a person, carried whole by every
 * person event (recorded, corrected, residence changed, deceased) so a consumer needs no
 * earlier event. `version` orders them.
 * Deliberately without resident ID or name: payout needs neither to decide eligibility.
 */
export const PersonRecorded = z.object({
  personId: z
    .string()
    .regex(ULID_PATTERN)
    .describe(
      'Inside a deployment: the registry’s id of the person’s record (a ULID). Between provinces it names no one (ADR 0004): the sender puts the message’s own id there, and receivers ignore it and identify the person by `personRef`.',
    ),
  version: z
    .number()
    .int()
    .positive()
    .describe(
      'The version of the person’s record the facts come from: higher is newer, for ordering messages about one person.',
    ),
  sex: z.enum(['male', 'female']).describe('The person’s sex.'),
  birthDate: z.iso.date().describe('The person’s date of birth.'),
  alive: z.boolean().describe('Whether the person is alive; `false` in `person.deceased.v1`.'),
  deathDate: z.iso
    .date()
    .optional()
    .describe('Date of death, when recorded; always present in `person.deceased.v1`.'),
  hukouRegion: z
    .string()
    .regex(REGION_CODE_PATTERN)
    .describe('Region code (GB/T 2260) of the person’s household registration (户籍地).'),
  hukouType: z
    .enum(['rural', 'urban'])
    .optional()
    .describe('农业 / 非农业 household registration, where recorded: some schemes are for rural families.'),
  residenceRegion: z.string().regex(REGION_CODE_PATTERN).describe('Region code where the person lives.'),
  personRef: z
    .string()
    .regex(PERSON_REF_PATTERN)
    .optional()
    .describe(
      'The person’s cross-province reference (exchange protocol §2), present when the person has a resident ID. A jiahe deployment sends `person.deceased.v1` only for persons with one; a notice without it names nobody and is answered `fatal-error` `unknown-person`.',
    ),
});
export type PersonRecorded = z.infer<typeof PersonRecorded>;

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
  personId: z.string().regex(ULID_PATTERN),
  version: z.number().int().positive(),
  sex: z.enum(['male', 'female']),
  birthDate: z.iso.date(),
  alive: z.boolean(),
  deathDate: z.iso.date().optional(),
  hukouRegion: z.string().regex(REGION_CODE_PATTERN),
  /** 农业 / 非农业 household registration, where recorded: some schemes are for rural families. */
  hukouType: z.enum(['rural', 'urban']).optional(),
  residenceRegion: z.string().regex(REGION_CODE_PATTERN),
  /**
   * Cross-province reference (shared/domain/person-ref.ts), present when the person has a
   * resident ID: lets payout match enrolments with other provinces without the ID itself.
   */
  personRef: z.string().regex(PERSON_REF_PATTERN).optional(),
});
export type PersonRecorded = z.infer<typeof PersonRecorded>;

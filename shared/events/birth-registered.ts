import * as z from 'zod';
import { ULID_PATTERN } from '../domain/ids';
import { PERSON_REF_PATTERN } from '../domain/person-ref';
import { REGION_CODE_PATTERN } from '../domain/region-code';

export const BIRTH_REGISTERED = 'cn.gov.jiahe.birth.registered.v1';

const Region = z.string().regex(REGION_CODE_PATTERN);

/**
 * A birth was registered. Carries what statistics, benefits and the family's hukou province
 * need, and no names or resident IDs.
 */
export const BirthRegistered = z.object({
  registrationId: z.string().regex(ULID_PATTERN),
  registrationNumber: z.string().regex(/^\d{6}-\d{4}-\d{6}$/),
  registeredAt: z.iso.datetime(),
  childBirthDate: z.iso.date(),
  childSex: z.enum(['male', 'female']),
  childPersonId: z.string().regex(ULID_PATTERN).optional(),
  birthRegion: Region,
  residenceRegion: Region,
  motherHukouRegion: Region,
  fatherHukouRegion: Region.optional(),
  /** Cross-province references of the parents, when their resident IDs are known. */
  motherRef: z.string().regex(PERSON_REF_PATTERN).optional(),
  fatherRef: z.string().regex(PERSON_REF_PATTERN).optional(),
  birthOrder: z.number().int().positive(),
  channel: z.enum(['app', 'counter']),
  /** Days from birth to registration: registration timeliness for statistics. */
  daysToRegister: z.number().int(),
});
export type BirthRegistered = z.infer<typeof BirthRegistered>;

export const HOUSEHOLD_CHANGED = 'cn.gov.jiahe.household.changed.v1';

/** A household's members and derived family type, whole, on every change. */
export const HouseholdChanged = z.object({
  householdId: z.string().regex(ULID_PATTERN),
  version: z.number().int().positive(),
  familyType: z.enum(['only-child', 'two-daughters', 'bereaved', 'disabled-only-child', 'other']),
  members: z.array(
    z.object({
      role: z.enum(['mother', 'father', 'child']),
      personId: z.string().regex(ULID_PATTERN).optional(),
      /**
       * A child's registered birth date: eligibility by the child's age needs it even while
       * the newborn has no resident ID, and so no person record, yet. Parents' are not sent.
       */
      birthDate: z.iso.date().optional(),
      alive: z.boolean(),
    }),
  ),
});
export type HouseholdChanged = z.infer<typeof HouseholdChanged>;

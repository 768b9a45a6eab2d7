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
  registrationId: z
    .string()
    .regex(ULID_PATTERN)
    .describe(
      'The registering province’s id of the birth registration (a ULID), the same in every message about it.',
    ),
  registrationNumber: z
    .string()
    .regex(/^\d{6}-\d{4}-\d{6}$/)
    .describe(
      'The registration number given to the family: `<region code>-<year>-<serial>`, e.g. `330106-2026-000123`.',
    ),
  registeredAt: z.iso.datetime().describe('When the birth was registered (UTC).'),
  childBirthDate: z.iso.date().describe('The child’s date of birth.'),
  childSex: z.enum(['male', 'female']).describe('The child’s sex.'),
  childPersonId: z
    .string()
    .regex(ULID_PATTERN)
    .optional()
    .describe(
      'Inside a deployment only: the registry’s own id of the child’s record. Never sent to another province (ADR 0004); a receiver ignores it.',
    ),
  birthRegion: Region.describe('Region code (GB/T 2260) where the child was born.'),
  residenceRegion: Region.describe('Region code where the family lives, where the birth was registered.'),
  motherHukouRegion: Region.describe('Region code of the mother’s household registration (户籍地).'),
  fatherHukouRegion: Region.optional().describe(
    'Region code of the father’s household registration, when a father is registered.',
  ),
  motherRef: z
    .string()
    .regex(PERSON_REF_PATTERN)
    .optional()
    .describe('The mother’s personRef (exchange protocol §2), when her resident ID is known.'),
  fatherRef: z
    .string()
    .regex(PERSON_REF_PATTERN)
    .optional()
    .describe('The father’s personRef, when his resident ID is known.'),
  birthOrder: z
    .number()
    .int()
    .positive()
    .describe('The child’s order among the mother’s children: 1 for the first.'),
  channel: z
    .enum(['app', 'counter'])
    .describe('How the family registered: `app` (the citizens’ app) or `counter` (at a service counter).'),
  daysToRegister: z
    .number()
    .int()
    .describe(
      'Days from the birth to the registration (Beijing dates), for timeliness statistics; 0 on the day of birth.',
    ),
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

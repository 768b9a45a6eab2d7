import * as z from 'zod';
import { ULID_PATTERN } from '../domain/ids';
import { REGION_CODE_PATTERN } from '../domain/region-code';

export const PERSON_RECORDED = 'cn.gov.jiahe.person.recorded.v1';

/**
 * The registry facts other areas may rely on about a person, carried whole on every
 * change so a consumer needs no earlier event. `version` orders them.
 * Deliberately without resident ID or name: payout needs neither to decide eligibility.
 */
export const PersonRecorded = z.object({
  personId: z.string().regex(ULID_PATTERN),
  version: z.number().int().positive(),
  sex: z.enum(['male', 'female']),
  birthDate: z.iso.date(),
  alive: z.boolean(),
  hukouRegion: z.string().regex(REGION_CODE_PATTERN),
  residenceRegion: z.string().regex(REGION_CODE_PATTERN),
});
export type PersonRecorded = z.infer<typeof PersonRecorded>;

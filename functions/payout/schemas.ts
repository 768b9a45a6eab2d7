import * as z from 'zod';
import { ULID_PATTERN } from '../../shared/domain/ids';

export const PersonIdParams = z.object({
  personId: z.string().regex(ULID_PATTERN, 'must be a person id (ULID)'),
});
export type PersonIdParams = z.infer<typeof PersonIdParams>;

/** The registry facts payout holds about a person, as staff see them. */
export const PersonFactsView = z.object({
  personId: z.string(),
  version: z.number().int(),
  sex: z.enum(['male', 'female']),
  birthDate: z.string(),
  alive: z.boolean(),
  deathDate: z.string().optional(),
  hukouRegion: z.string(),
  residenceRegion: z.string(),
  updatedAt: z.string(),
});
export type PersonFactsView = z.infer<typeof PersonFactsView>;

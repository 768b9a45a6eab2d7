import * as z from 'zod';
import { ULID_PATTERN } from '../domain/ids';

export const MANDATE_CHANGED = 'cn.gov.jiahe.person.mandate-changed.v1';

/**
 * A standing mandate to act for a person was recorded or revoked: a guardian, or a relative
 * an elderly parent authorised. Carried whole on every change (`version` orders them), so
 * areas that serve families (payout) know whom a citizen may act for without reading the
 * registry. Person ids only: no names, no resident IDs. Stays within the province.
 */
export const MandateChanged = z.object({
  mandateId: z.string().regex(ULID_PATTERN),
  version: z.number().int().positive(),
  kind: z.enum(['guardian', 'authorised-relative']),
  /** The person acted for. */
  personId: z.string().regex(ULID_PATTERN),
  /** The person who may act. */
  holderPersonId: z.string().regex(ULID_PATTERN),
  /** False once revoked; a revoked mandate is never restored (a new one is recorded instead). */
  active: z.boolean(),
});
export type MandateChanged = z.infer<typeof MandateChanged>;

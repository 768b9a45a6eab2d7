import * as z from 'zod';
import { ULID_PATTERN } from '../domain/ids';
import { REGION_CODE_PATTERN } from '../domain/region-code';

export const CERTIFICATE_ISSUED = 'cn.gov.jiahe.certificate.issued.v1';
export const CERTIFICATE_REVOKED = 'cn.gov.jiahe.certificate.revoked.v1';

/**
 * A certificate (独生子女父母光荣证 or 特扶证) was issued or revoked. Benefits that rest on a
 * certificate need to know that it exists, for which household, and since when; the event
 * carries no names, no verification code and no resident IDs.
 */
export const CertificateChanged = z.object({
  certificateId: z.string().regex(ULID_PATTERN),
  kind: z.enum(['only-child-parents', 'special-assistance']),
  householdId: z.string().regex(ULID_PATTERN),
  issuingRegion: z.string().regex(REGION_CODE_PATTERN),
  /** When it was issued (issued event) or revoked (revoked event). */
  at: z.iso.datetime(),
});
export type CertificateChanged = z.infer<typeof CertificateChanged>;

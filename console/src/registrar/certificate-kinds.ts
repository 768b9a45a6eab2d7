import type { Certificate } from '../api/types';

export type CertificateKind = Certificate['kind'];

/**
 * The certificate a household's family type entitles it to, if any (the API checks it
 * again when issuing): an only child's parents, or a bereaved or disabled-only-child family.
 */
export function eligibleKind(familyType: string): CertificateKind | undefined {
  if (familyType === 'only-child') return 'only-child-parents';
  if (familyType === 'bereaved' || familyType === 'disabled-only-child') return 'special-assistance';
  return undefined;
}

/** Where a certificate's QR code points: the province's public verification route. */
export const verificationUrl = (origin: string, code: string): string =>
  `${origin}/v1/public/certificates/verify?${new URLSearchParams({ code })}`;

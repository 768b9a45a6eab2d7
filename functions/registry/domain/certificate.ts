/**
 * Certificates (证书) the registry issues to families: 独生子女父母光荣证 for the parents of
 * an only child and 特扶证 for families whose only child died (失独) or is disabled (伤残).
 * Who may hold one follows from the household's derived family type, never from a value
 * someone types in. Each certificate carries a verification code that anyone may check
 * through the public verify endpoint, which discloses validity, kind, issue date, issuing
 * office and a masked name, and nothing else.
 *
 * Pure domain code: no AWS imports. Randomness comes in through `CertificateContext` so tests
 * can pin it.
 */
import { randomBytes } from 'node:crypto';
import { beijingDate, type Clock } from '../../../shared/domain/clock';
import { ConflictError, ValidationError } from '../../../shared/domain/errors';
import {
  CERTIFICATE_ISSUED,
  CERTIFICATE_REVOKED,
  type CertificateChanged,
} from '../../../shared/events/certificate';
import { deriveFamilyType, type FamilyType, type Household } from './household';

export const CERTIFICATE_KINDS = ['only-child-parents', 'special-assistance'] as const;
/** `only-child-parents`: 独生子女父母光荣证; `special-assistance`: 特扶证. */
export type CertificateKind = (typeof CERTIFICATE_KINDS)[number];
export type CertificateStatus = 'valid' | 'revoked';

export interface Certificate {
  /** A ULID. */
  readonly certificateId: string;
  readonly kind: CertificateKind;
  readonly householdId: string;
  /** The parents' person records, where the register has them (a parent may have none yet). */
  readonly holderPersonIds: readonly string[];
  /** The name printed on the certificate (the mother's); shown to the public only masked. */
  readonly holderName: string;
  /** The six-digit region code of the issuing office. */
  readonly issuingRegion: string;
  /**
   * The office's full region name as printed on the certificate. Kept as issued: divisions
   * are renamed and abolished over the years, and a certificate says what it said.
   */
  readonly issuingRegionName: string;
  readonly issuedAt: string;
  readonly issuedBy: string;
  /** 16 Crockford base32 characters, stored without dashes (see `formatVerificationCode`). */
  readonly verificationCode: string;
  readonly status: CertificateStatus;
  readonly revokedAt?: string;
  readonly revokedBy?: string;
  readonly revocationReason?: string;
  /**
   * The app user who registered the household's (only) child, so the family finds its
   * certificates under `/v1/me/certificates`; absent when the birth was registered at a counter.
   */
  readonly citizenSubject?: string;
  /** Increases with every change; the ETag. */
  readonly version: number;
  /** Id of the event this version publishes (stable across publisher retries). */
  readonly eventId: string;
}

/**
 * What the certificates function knows of one of the household's birth registrations: the
 * regions that decide which staff may act for the family, and who submitted it. Nothing
 * else of the registration is read, so resident IDs never reach this function.
 */
export interface RegistrationFacts {
  readonly registrationId: string;
  readonly regionScope: readonly string[];
  readonly submittedBy: string;
  readonly channel: 'app' | 'counter';
}

/** A household with the registrations of its children, as read for a certificate decision. */
export interface HouseholdFacts {
  readonly household: Household;
  readonly registrations: readonly RegistrationFacts[];
}

/** Reads households and the registration facts certificates rest on. */
export interface CertificateHouseholds {
  find(householdId: string): Promise<HouseholdFacts | undefined>;
}

/** Where certificates are kept. */
export interface CertificateRepository {
  /**
   * Stores a newly issued certificate with its verification-code lookup and its claim to be
   * the household's one valid certificate of its kind, provided the household is still at
   * `householdVersion`. ConflictError when the household already holds a valid certificate
   * of that kind or changed meanwhile; `'code-taken'` when the (random) verification code or
   * id already exists, so the caller issues again with fresh ones.
   */
  add(certificate: Certificate, householdVersion: number): Promise<'added' | 'code-taken'>;
  find(certificateId: string): Promise<Certificate | undefined>;
  /** By the code without dashes, upper case (see `normaliseVerificationCode`). */
  findByCode(code: string): Promise<Certificate | undefined>;
  /** Every certificate of a household, oldest first. */
  listByHousehold(householdId: string): Promise<Certificate[]>;
  /**
   * Stores the revoked certificate if the stored version is still `expectedVersion`
   * (StaleVersionError otherwise) and releases the household's valid-certificate claim.
   */
  revoke(next: Certificate, expectedVersion: number): Promise<void>;
}

export interface CertificateContext {
  readonly clock: Clock;
  readonly newId: () => string;
  /** Random bytes for verification codes; crypto by default. */
  readonly random?: (size: number) => Uint8Array;
}

/** Family types that may be issued a new certificate of each kind. */
const ISSUABLE_FOR: Readonly<Record<CertificateKind, readonly FamilyType[]>> = {
  // A certificate already held stays valid when the only child later dies or becomes
  // disabled (the family then may also receive 特扶证), but a new 独生子女父母光荣证 is issued
  // only to the parents of a living only child.
  'only-child-parents': ['only-child'],
  'special-assistance': ['bereaved', 'disabled-only-child'],
};

/** Whether a household of this family type may be issued a new certificate of this kind. */
export function isEligible(kind: CertificateKind, familyType: FamilyType): boolean {
  return ISSUABLE_FOR[kind].includes(familyType);
}

/** Crockford base32: no I, L, O or U, so a code read aloud or typed from paper is unambiguous. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const VERIFICATION_CODE_LENGTH = 16;
/** A stored (normalised) verification code: 16 Crockford characters, upper case, no dashes. */
export const VERIFICATION_CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{16}$/;

/**
 * A fresh verification code: 16 characters, 80 random bits from the operating system's
 * CSPRNG, so codes can be neither guessed nor enumerated. 256 is a multiple of 32, so taking
 * each byte modulo 32 keeps every character equally likely.
 */
export function newVerificationCode(random: (size: number) => Uint8Array = randomBytes): string {
  const bytes = random(VERIFICATION_CODE_LENGTH);
  let code = '';
  for (let i = 0; i < VERIFICATION_CODE_LENGTH; i++) code += CROCKFORD[(bytes[i] ?? 0) % 32];
  return code;
}

/** A normalised code as printed for reading: `XXXX-XXXX-XXXX-XXXX`. */
export function formatVerificationCode(code: string): string {
  return code.match(/.{1,4}/g)?.join('-') ?? code;
}

/**
 * Reads a code as someone typed it: any case, with or without dashes (and stray spaces),
 * and, as Crockford's decoding asks, I and L read as 1 and O as 0, since people mistake them
 * for each other. Undefined unless the result is 16 code characters.
 */
export function normaliseVerificationCode(input: string): string | undefined {
  const code = input.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  return VERIFICATION_CODE_PATTERN.test(code) ? code : undefined;
}

const KEPT = /^[\s·•.・]$/u;

/**
 * A name masked for the public: the first character stays and every other character
 * becomes `*`; spaces and the dots between the parts of transliterated names stay where
 * they are, so 王芳 → 王*, 欧阳娜娜 → 欧***, 阿依古丽·买买提 → 阿***·***. Characters are
 * user-perceived ones (grapheme clusters), so a rare character outside the basic plane or
 * one with a combining mark counts once. A one-character name has nothing to mask.
 */
export function maskName(name: string): string {
  const characters = Array.from(new Intl.Segmenter('zh', { granularity: 'grapheme' }).segment(name.trim()));
  return characters.map(({ segment }, i) => (i === 0 || KEPT.test(segment) ? segment : '*')).join('');
}

export interface IssueInput {
  readonly kind: CertificateKind;
  readonly household: HouseholdFacts;
  /** The household's certificates as stored now. */
  readonly existing: readonly Certificate[];
  readonly issuingRegion: string;
  readonly issuingRegionName: string;
  readonly issuedBy: string;
}

/**
 * The app user linked to a household: whoever submitted, in the app, the registration of
 * its child. A household eligible for a certificate has exactly one child, hence one
 * registration and at most one such user.
 */
export function citizenSubjectOf(facts: HouseholdFacts): string | undefined {
  const childRegistrations = new Set(
    facts.household.members.flatMap((m) =>
      m.role === 'child' && m.registrationId ? [m.registrationId] : [],
    ),
  );
  return facts.registrations.find((r) => childRegistrations.has(r.registrationId) && r.channel === 'app')
    ?.submittedBy;
}

/**
 * Issues a certificate to a household. Refused (ConflictError) when the household's family
 * type does not qualify for the kind or it already holds a valid certificate of that kind.
 * The holder is the mother (her name is printed), with both parents' person records.
 */
export function issueCertificate(input: IssueInput, context: CertificateContext): Certificate {
  const { household } = input.household;
  const familyType = deriveFamilyType(household.members);
  if (!isEligible(input.kind, familyType)) {
    throw new ConflictError({
      en: `A household of family type ${familyType} cannot be issued a ${input.kind} certificate.`,
      zh: `家庭类型为 ${familyType} 的家庭户不能领取 ${input.kind} 证书。`,
    });
  }
  if (input.existing.some((c) => c.kind === input.kind && c.status === 'valid')) {
    throw new ConflictError({
      en: `The household already holds a valid ${input.kind} certificate.`,
      zh: `该家庭户已持有有效的 ${input.kind} 证书。`,
    });
  }
  const parents = household.members.filter((m) => m.role === 'mother' || m.role === 'father');
  const holder = parents.find((m) => m.role === 'mother' && m.name) ?? parents.find((m) => m.name);
  if (!holder?.name) throw new ConflictError('The household has no parent with a recorded name.');
  const citizenSubject = citizenSubjectOf(input.household);
  return {
    certificateId: context.newId(),
    kind: input.kind,
    householdId: household.householdId,
    holderPersonIds: parents.flatMap((m) => (m.personId ? [m.personId] : [])),
    holderName: holder.name,
    issuingRegion: input.issuingRegion,
    issuingRegionName: input.issuingRegionName,
    issuedAt: context.clock.now().toISOString(),
    issuedBy: input.issuedBy,
    verificationCode: newVerificationCode(context.random),
    status: 'valid',
    ...(citizenSubject ? { citizenSubject } : {}),
    version: 1,
    eventId: context.newId(),
  };
}

/**
 * Revokes a valid certificate with a reason (1–500 characters, kept with the certificate).
 * A revoked certificate stays on record and verifies as not valid; revoking it again is a
 * ConflictError.
 */
export function revokeCertificate(
  certificate: Certificate,
  reason: string,
  actor: string,
  context: CertificateContext,
): Certificate {
  const trimmed = reason.trim();
  if (trimmed.length < 1 || trimmed.length > 500) {
    throw new ValidationError('A revocation needs a reason.', [
      { field: 'body.reason', message: 'must be 1 to 500 characters' },
    ]);
  }
  if (certificate.status !== 'valid') throw new ConflictError('The certificate is already revoked.');
  return {
    ...certificate,
    status: 'revoked',
    revokedAt: context.clock.now().toISOString(),
    revokedBy: actor,
    revocationReason: trimmed,
    version: certificate.version + 1,
    eventId: context.newId(),
  };
}

/** What the public verify endpoint answers for a known code: nothing that identifies anyone. */
export interface CertificateVerification {
  readonly valid: boolean;
  readonly kind: CertificateKind;
  /** The issue date in Beijing, `YYYY-MM-DD`. */
  readonly issuedAt: string;
  readonly issuingRegion: string;
  readonly issuingRegionName: string;
  readonly holderNameMasked: string;
}

/** The public answer for a certificate: validity, kind, issue date, office, masked name. */
export function verificationOf(certificate: Certificate): CertificateVerification {
  return {
    valid: certificate.status === 'valid',
    kind: certificate.kind,
    issuedAt: beijingDate(new Date(certificate.issuedAt)),
    issuingRegion: certificate.issuingRegion,
    issuingRegionName: certificate.issuingRegionName,
    holderNameMasked: maskName(certificate.holderName),
  };
}

export interface CertificateEvent {
  readonly eventId: string;
  readonly type: typeof CERTIFICATE_ISSUED | typeof CERTIFICATE_REVOKED;
  readonly time: string;
  readonly subject: string;
  readonly data: CertificateChanged;
}

/**
 * The event a stored certificate version announces: issued while valid, revoked once
 * revoked. The id is the one stored with that version, so a retried publisher repeats it.
 * Reads only the certificate's own fields, so the publisher may pass the raw table item.
 */
export function certificateEventOf(certificate: Certificate): CertificateEvent {
  const revoked = certificate.status === 'revoked';
  const at = revoked ? (certificate.revokedAt ?? certificate.issuedAt) : certificate.issuedAt;
  return {
    eventId: certificate.eventId,
    type: revoked ? CERTIFICATE_REVOKED : CERTIFICATE_ISSUED,
    time: at,
    subject: certificate.certificateId,
    data: {
      certificateId: certificate.certificateId,
      kind: certificate.kind,
      householdId: certificate.householdId,
      issuingRegion: certificate.issuingRegion,
      at,
    },
  };
}

import type { CertificateChanged, HouseholdChanged } from '../../../shared/events/catalog';
import type { PersonFacts } from './person-facts';
import type { BeneficiaryFacts, CertificateKind } from './schemes';

/** A household as payout sees it: members and family type, versioned by the registry. */
export type HouseholdFacts = HouseholdChanged & { readonly sourceEventId: string };

/** A certificate held by a household; revocation is final, so it wins over any order of events. */
export interface CertificateHolding {
  readonly certificateId: string;
  readonly householdId: string;
  readonly kind: CertificateKind;
  readonly revoked: boolean;
}

const CERTIFICATE_KINDS: Record<CertificateChanged['kind'], CertificateKind> = {
  'only-child-parents': 'only-child-certificate',
  'special-assistance': 'special-assistance-certificate',
};

/** The certificate kind rules test, for the registry's kind. */
export const certificateKindOf = (kind: CertificateChanged['kind']): CertificateKind =>
  CERTIFICATE_KINDS[kind];

/** Whether a household update is newer than the one held (replays and reordering change nothing). */
export const isNewerHousehold = (
  current: { version: number } | undefined,
  update: HouseholdChanged,
): boolean => !current || update.version > current.version;

const PARENT_ROLES = new Set(['mother', 'father']);

/** The household in which a person is a parent: the one with the highest version if several. */
export function parentHousehold(
  personId: string,
  households: readonly HouseholdFacts[],
): HouseholdFacts | undefined {
  return households
    .filter((h) => h.members.some((m) => m.personId === personId && PARENT_ROLES.has(m.role)))
    .sort((a, b) => b.version - a.version)[0];
}

/**
 * The facts eligibility is decided on, joined from payout's own projection: the person,
 * the household they are a parent in (family type), its certificates, and the birth date
 * of an only child: from the child's person record when there is one, else the birth date
 * the household carries from the registered birth (a newborn without a resident ID yet).
 * Without a household the family type is `other`: eligibility never follows from missing
 * data.
 */
export function beneficiaryFacts(input: {
  person: PersonFacts;
  household?: HouseholdFacts;
  certificates: readonly CertificateHolding[];
  childFacts?: Pick<PersonFacts, 'birthDate'>;
}): BeneficiaryFacts {
  const { person, household } = input;
  const kinds = [...new Set(input.certificates.filter((c) => !c.revoked).map((c) => c.kind))].sort();
  const childBirthDate = input.childFacts?.birthDate ?? onlyChildMember(household)?.birthDate;
  return {
    sex: person.sex,
    birthDate: person.birthDate,
    alive: person.alive,
    ...(person.deathDate ? { deathDate: person.deathDate } : {}),
    hukouRegion: person.hukouRegion,
    residenceRegion: person.residenceRegion,
    ...(person.hukouType ? { hukouType: person.hukouType } : {}),
    familyType: household?.familyType ?? 'other',
    certificates: kinds,
    ...(childBirthDate ? { childBirthDate } : {}),
  };
}

/** The household's child member when it has exactly one child. */
function onlyChildMember(household: HouseholdFacts | undefined) {
  const children = household?.members.filter((m) => m.role === 'child') ?? [];
  return children.length === 1 ? children[0] : undefined;
}

/** The only child of a household, when it has exactly one child with a person record. */
export function onlyChildOf(household: HouseholdFacts | undefined): string | undefined {
  return onlyChildMember(household)?.personId;
}

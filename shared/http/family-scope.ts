import { beijingDate, type Clock } from '../domain/clock';
import { NotFoundError } from '../domain/errors';
import { type FamilyHousehold, type FamilyMandate, type FamilyRelation, familyOf } from '../domain/family';
import type { Principal } from './auth';

/**
 * What an area knows of family ties, read from its own data: the registry from its
 * records, payout from its projection of registry events. Never another area's table.
 */
export interface FamilyDirectory {
  /** The person a person reference names, when exactly one record has it. */
  personIdByRef(personRef: string): Promise<string | undefined>;
  /** Households the person is a member of, children with their birth dates. */
  householdsOf(personId: string): Promise<readonly FamilyHousehold[]>;
  /** Mandates (guardianship, an elderly parent's authorisation) the person holds and that still stand. */
  mandatesHeldBy(personId: string): Promise<readonly FamilyMandate[]>;
}

/** A citizen's family, resolved for one request. */
export interface CitizenFamily {
  /** The citizen's own person id; undefined when no record carries their resident ID. */
  readonly self?: string;
  /** The citizen's keyed person reference. */
  readonly personRef: string;
  /** Everyone the citizen may act for (themselves included), by person id. */
  readonly members: ReadonlyMap<string, FamilyRelation>;
}

/**
 * The one answer for a person outside the caller's family: the same whether the person is
 * recorded or not, and it carries no facts.
 */
export const notInYourFamily = (): NotFoundError =>
  new NotFoundError({
    zh: '您的家庭中没有这个人。',
    en: 'No such person in your family.',
  });

/** The caller's person reference; only citizen principals read through a function with the key have one. */
function personRefOfCitizen(principal: Principal): string {
  if (!principal.roles.includes('citizen') || principal.roles.length !== 1) {
    throw new Error('family scope applies to citizen principals only');
  }
  if (!principal.personRef) {
    throw new Error('a citizen route must be served with the person-ref-key (apiHandler identity)');
  }
  return principal.personRef;
}

/**
 * The family of the calling citizen: the one check every citizen route goes through
 * (shared/domain/family.ts says who belongs). A citizen no record names has a family of
 * nobody, and is told nothing more than anyone else.
 */
export async function familyOfCitizen(
  principal: Principal,
  directory: FamilyDirectory,
  clock: Clock,
): Promise<CitizenFamily> {
  const personRef = personRefOfCitizen(principal);
  const self = await directory.personIdByRef(personRef);
  if (!self) return { personRef, members: new Map() };
  const [households, mandates] = await Promise.all([
    directory.householdsOf(self),
    directory.mandatesHeldBy(self),
  ]);
  return { self, personRef, members: familyOf(self, { households, mandates }, beijingDate(clock.now())) };
}

/**
 * How the person relates to the calling citizen; throws {@link notInYourFamily} for anyone
 * else, including a person no record names (`undefined`).
 */
export function requireFamilyMember(family: CitizenFamily, personId: string | undefined): FamilyRelation {
  const relation = personId ? family.members.get(personId) : undefined;
  if (!relation) throw notInYourFamily();
  return relation;
}

import type { ProjectionRepository } from './ports';
import { beneficiaryFacts, onlyChildOf, parentHousehold } from './projection';
import type { BeneficiaryFacts } from './schemes';

/**
 * The facts eligibility is decided on for one person, read from payout's own projection;
 * undefined when payout holds no facts about the person yet.
 */
export async function loadBeneficiaryFacts(
  projection: ProjectionRepository,
  personId: string,
): Promise<BeneficiaryFacts | undefined> {
  const person = await projection.find(personId);
  if (!person) return undefined;
  const household = parentHousehold(personId, await projection.householdsOf(personId));
  const certificates = household ? await projection.certificatesOf(household.householdId) : [];
  const childId = onlyChildOf(household);
  const child = childId ? await projection.find(childId) : undefined;
  return beneficiaryFacts({
    person,
    ...(household ? { household } : {}),
    certificates,
    ...(child ? { childFacts: child } : {}),
  });
}

/**
 * `loadBeneficiaryFacts` for many persons at once: persons, their memberships, households,
 * certificates and only children, each read in bulk by key. Answers by person id; a person
 * payout holds no facts about is absent.
 */
export async function loadBeneficiaryFactsMany(
  projection: ProjectionRepository,
  personIds: readonly string[],
): Promise<Map<string, BeneficiaryFacts>> {
  const persons = await projection.findMany(personIds);
  const known = personIds.filter((id) => persons.has(id));
  const householdsOf = await projection.householdsOfMany(known);
  const households = new Map(
    known.map((id) => [id, parentHousehold(id, householdsOf.get(id) ?? [])] as const),
  );
  const householdIds = [...new Set([...households.values()].flatMap((h) => (h ? [h.householdId] : [])))];
  const certificates = await projection.certificatesOfMany(householdIds);
  const childIds = [...households.values()].flatMap((h) => {
    const child = onlyChildOf(h);
    return child ? [child] : [];
  });
  const children = childIds.length > 0 ? await projection.findMany(childIds) : new Map();
  const out = new Map<string, BeneficiaryFacts>();
  for (const id of known) {
    const household = households.get(id);
    const childId = onlyChildOf(household);
    const child = childId ? children.get(childId) : undefined;
    out.set(
      id,
      beneficiaryFacts({
        person: persons.get(id) as NonNullable<ReturnType<typeof persons.get>>,
        ...(household ? { household } : {}),
        certificates: household ? (certificates.get(household.householdId) ?? []) : [],
        ...(child ? { childFacts: child } : {}),
      }),
    );
  }
  return out;
}

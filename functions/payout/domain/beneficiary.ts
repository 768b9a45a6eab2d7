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

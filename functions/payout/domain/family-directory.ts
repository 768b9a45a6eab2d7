import type { FamilyDirectory } from '../../../shared/http/family-scope';
import type { ProjectionRepository } from './ports';

/**
 * Family ties as payout knows them, from its own projection of registry events: persons by
 * reference, households with their children's birth dates, standing mandates. Payout never
 * reads the registry; the rule that decides who belongs is shared/domain/family.ts.
 */
export function projectionFamilyDirectory(projection: ProjectionRepository): FamilyDirectory {
  return {
    async personIdByRef(personRef) {
      const ids = await projection.personIdsByRef(personRef);
      // Two records with one reference await a registrar's merge: act for neither meanwhile.
      return ids.length === 1 ? ids[0] : undefined;
    },
    async householdsOf(personId) {
      const households = await projection.householdsOf(personId);
      const childIds = households.flatMap((h) =>
        h.members.flatMap((m) => (m.role === 'child' && m.personId ? [m.personId] : [])),
      );
      const children = childIds.length > 0 ? await projection.findMany(childIds) : new Map();
      return households.map((h) => ({
        householdId: h.householdId,
        members: h.members.map((m) => {
          const birthDate = m.personId ? children.get(m.personId)?.birthDate : undefined;
          return {
            role: m.role,
            ...(m.personId ? { personId: m.personId } : {}),
            ...(birthDate ? { birthDate } : {}),
          };
        }),
      }));
    },
    mandatesHeldBy: (personId) => projection.mandatesHeldBy(personId),
  };
}

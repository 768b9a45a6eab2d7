import { normaliseResidentId } from '../../../../shared/domain/resident-id';
import type { BirthDetails } from './model';

/**
 * True when two sets of details may describe the same birth, so a registrar should look
 * before the second is validated: the same non-empty child resident ID, or the same mother
 * and the same child birth date.
 *
 * Two different child resident IDs always mean two people (one person per resident ID), so
 * twins whose IDs are known are not flagged; without IDs they are, and a registrar
 * dismisses the flag. Resident IDs are compared normalised (trimmed, upper-case X).
 */
export function isPotentialDuplicate(a: BirthDetails, b: BirthDetails): boolean {
  const childA = normalisedOrEmpty(a.child.residentId);
  const childB = normalisedOrEmpty(b.child.residentId);
  if (childA !== '' && childB !== '') return childA === childB;
  return (
    normalisedOrEmpty(a.mother.residentId) !== '' &&
    normalisedOrEmpty(a.mother.residentId) === normalisedOrEmpty(b.mother.residentId) &&
    a.child.birthDate === b.child.birthDate
  );
}

function normalisedOrEmpty(residentId: string | undefined): string {
  return residentId === undefined ? '' : normaliseResidentId(residentId);
}

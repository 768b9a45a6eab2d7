import { provinceOf } from '../../../shared/domain/region-code';
import type { Person } from './person';

/**
 * Who may tell this registry what. A partner's message is signed, but a signature only
 * says who sent it; these rules say whether that province is the one entitled to say it.
 * Each rule reads the records kept HERE, never what the message claims about the person.
 */

/** A residence is notified by the province it lies in, and by no other. */
export const isResidenceProvince = (sender: string, residenceRegion: string): boolean =>
  provinceOf(residenceRegion) === sender;

/** A residence notice concerns this registry only for a person whose hukou is here. */
export const hasHukouHere = (person: Pick<Person, 'hukouRegion'>, province: string): boolean =>
  provinceOf(person.hukouRegion) === province;

/**
 * Whether a province may record a person's death here without a registrar: the province
 * of their residence or of their hukou, as recorded here. Any other province's notice is
 * held for a registrar's confirmation.
 */
export const mayNotifyDeath = (
  sender: string,
  person: Pick<Person, 'hukouRegion' | 'residenceRegion'>,
): boolean => sender === provinceOf(person.hukouRegion) || sender === provinceOf(person.residenceRegion);

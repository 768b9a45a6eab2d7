import { provinceOf } from '../../../shared/domain/region-code';
import type { BirthRegistered } from '../../../shared/events/catalog';

/**
 * A birth registered in another province to parents whose hukou is here, as that province
 * notified it: kept so the family's records here are complete (services, certificates,
 * statistics of the hukou place). Read-only: it can be changed only where it was
 * registered, which notifies again.
 */
export interface BirthRegistrationElsewhere {
  /** Our id for the record: the id of the message that brought it (a ULID), so a redelivery is the same record. */
  readonly registrationId: string;
  readonly status: 'registered-elsewhere';
  readonly origin: {
    readonly province: string;
    readonly registrationId: string;
    readonly registrationNumber: string;
  };
  readonly registeredAt: string;
  readonly receivedAt: string;
  readonly child: {
    readonly birthDate: string;
    readonly sex: 'male' | 'female';
    readonly birthRegion: string;
  };
  readonly residenceRegion: string;
  readonly motherHukouRegion: string;
  readonly fatherHukouRegion?: string;
  readonly birthOrder: number;
  /** The parents' person records here, found by their cross-province references. */
  readonly motherPersonId?: string;
  readonly fatherPersonId?: string;
  /** The parents' hukou regions that lie in this province: whose staff see the record. */
  readonly regionScope: readonly string[];
}

/**
 * The record of a birth another province registered; undefined when neither parent's hukou
 * lies in this province (then it is not ours to keep).
 */
export function birthElsewhereOf(input: {
  readonly messageId: string;
  readonly originProvince: string;
  readonly ownProvince: string;
  readonly facts: BirthRegistered;
  readonly receivedAt: string;
  readonly motherPersonId?: string;
  readonly fatherPersonId?: string;
}): BirthRegistrationElsewhere | undefined {
  const { facts } = input;
  const regionScope = [
    ...new Set(
      [facts.motherHukouRegion, facts.fatherHukouRegion].filter(
        (region): region is string => region !== undefined && provinceOf(region) === input.ownProvince,
      ),
    ),
  ];
  if (regionScope.length === 0) return undefined;
  return {
    registrationId: input.messageId,
    status: 'registered-elsewhere',
    origin: {
      province: input.originProvince,
      registrationId: facts.registrationId,
      registrationNumber: facts.registrationNumber,
    },
    registeredAt: facts.registeredAt,
    receivedAt: input.receivedAt,
    child: { birthDate: facts.childBirthDate, sex: facts.childSex, birthRegion: facts.birthRegion },
    residenceRegion: facts.residenceRegion,
    motherHukouRegion: facts.motherHukouRegion,
    ...(facts.fatherHukouRegion ? { fatherHukouRegion: facts.fatherHukouRegion } : {}),
    birthOrder: facts.birthOrder,
    ...(input.motherPersonId ? { motherPersonId: input.motherPersonId } : {}),
    ...(input.fatherPersonId ? { fatherPersonId: input.fatherPersonId } : {}),
    regionScope,
  };
}

import { beijingDate } from '../../../shared/domain/clock';
import { ConflictError, type FieldIssue, ValidationError } from '../../../shared/domain/errors';
import {
  checkResidentId,
  maskResidentId,
  normaliseResidentId,
  type Sex,
} from '../../../shared/domain/resident-id';
import type { HukouType, Person, PersonAction, RecordContext } from './person';

/** A change to a person, as staff record it. Every change is an action in the history. */
export type PersonChange =
  | {
      readonly type: 'correct';
      readonly reason: string;
      readonly name?: string;
      readonly sex?: Sex;
      readonly birthDate?: string;
      readonly hukouRegion?: string;
      readonly hukouType?: HukouType;
      /** Required when sex or birth date change, so the record stays consistent with the ID. */
      readonly residentId?: string;
    }
  | {
      readonly type: 'change-residence';
      readonly residenceRegion: string;
      readonly since: string;
      readonly reason?: string;
    }
  | { readonly type: 'record-death'; readonly deathDate: string; readonly reason?: string }
  | { readonly type: 'record-disability'; readonly certified: boolean; readonly reason: string };

export interface ChangedPerson {
  readonly person: Person;
  readonly action: PersonAction;
  /** The corrected resident ID (normalised), when the correction replaced it. */
  readonly newResidentId?: string;
}

type Changes = Record<string, { from: unknown; to: unknown }>;

const fail = (message: string, issues: FieldIssue[]): never => {
  throw new ValidationError(message, issues);
};

/**
 * Applies a change to a person and returns the new state with the action that records
 * it (old and new values kept). Corrections need a reason; a changed sex or birth date
 * must agree with the resident ID given with it; the dead are not moved or re-buried.
 */
export function changePerson(
  person: Person,
  change: PersonChange,
  context: RecordContext,
  /** Whether an ID is the one already recorded (compared by keyed hash: the clear ID is not kept). */
  isRecordedId: (residentId: string) => boolean,
): ChangedPerson {
  const now = context.clock.now();
  const today = beijingDate(now);
  const changes: Changes = {};
  let next: Person = person;
  let newResidentId: string | undefined;

  switch (change.type) {
    case 'correct': {
      if (!change.reason.trim())
        fail('A correction needs a reason.', [{ field: 'body.reason', message: 'is required' }]);
      const fields = {
        name: change.name,
        sex: change.sex,
        birthDate: change.birthDate,
        hukouRegion: change.hukouRegion,
        hukouType: change.hukouType,
      };
      for (const [field, value] of Object.entries(fields)) {
        if (value !== undefined && value !== person[field as keyof typeof fields]) {
          changes[field] = { from: person[field as keyof typeof fields], to: value };
        }
      }
      const sex = change.sex ?? person.sex;
      const birthDate = change.birthDate ?? person.birthDate;
      const issues: FieldIssue[] = [];
      if ((changes.sex || changes.birthDate) && !change.residentId) {
        issues.push({
          field: 'body.residentId',
          message: 'is required when sex or birth date are corrected',
        });
      }
      if (change.residentId) {
        const id = normaliseResidentId(change.residentId);
        const check = checkResidentId(id);
        if (!check.ok) issues.push({ field: 'body.residentId', message: 'is not a valid resident ID' });
        else {
          if (check.facts.birthDate !== birthDate) {
            issues.push({
              field: 'body.birthDate',
              message: 'does not match the birth date in the resident ID',
            });
          }
          if (check.facts.sex !== sex) {
            issues.push({ field: 'body.sex', message: 'does not match the sex encoded in the resident ID' });
          }
          if (!isRecordedId(id)) {
            changes.residentIdMasked = { from: person.residentIdMasked, to: maskResidentId(id) };
            newResidentId = id;
          }
        }
      }
      if (birthDate > today) issues.push({ field: 'body.birthDate', message: 'is in the future' });
      if (issues.length > 0) fail('The correction is inconsistent.', issues);
      if (Object.keys(changes).length === 0) {
        fail('The correction changes nothing.', [
          { field: 'body', message: 'names no field with a new value' },
        ]);
      }
      next = {
        ...person,
        ...(change.name !== undefined ? { name: change.name } : {}),
        sex,
        birthDate,
        ...(change.hukouRegion !== undefined ? { hukouRegion: change.hukouRegion } : {}),
        ...(change.hukouType !== undefined ? { hukouType: change.hukouType } : {}),
        ...(newResidentId ? { residentIdMasked: maskResidentId(newResidentId) } : {}),
        ...(newResidentId && context.personRefOf ? { personRef: context.personRefOf(newResidentId) } : {}),
      };
      break;
    }
    case 'change-residence': {
      if (!person.alive) throw new ConflictError('The person is recorded as deceased.');
      const issues: FieldIssue[] = [];
      if (change.residenceRegion === person.residenceRegion) {
        issues.push({ field: 'body.residenceRegion', message: 'is already the residence region' });
      }
      if (change.since > today) issues.push({ field: 'body.since', message: 'is in the future' });
      if (change.since < person.birthDate)
        issues.push({ field: 'body.since', message: 'is before the birth date' });
      if (issues.length > 0) fail('The change of residence is inconsistent.', issues);
      changes.residenceRegion = { from: person.residenceRegion, to: change.residenceRegion };
      changes.residenceSince = { from: null, to: change.since };
      next = { ...person, residenceRegion: change.residenceRegion, residenceSince: change.since };
      break;
    }
    case 'record-death': {
      if (!person.alive) throw new ConflictError('The death is already recorded.');
      const issues: FieldIssue[] = [];
      if (change.deathDate > today) issues.push({ field: 'body.deathDate', message: 'is in the future' });
      if (change.deathDate < person.birthDate)
        issues.push({ field: 'body.deathDate', message: 'is before the birth date' });
      if (issues.length > 0) fail('The death record is inconsistent.', issues);
      changes.alive = { from: true, to: false };
      changes.deathDate = { from: null, to: change.deathDate };
      next = { ...person, alive: false, deathDate: change.deathDate };
      break;
    }
    case 'record-disability': {
      if (!change.reason.trim())
        fail('Recording a disability needs a reason.', [{ field: 'body.reason', message: 'is required' }]);
      if ((person.disabilityCertified ?? false) === change.certified) {
        throw new ConflictError(
          change.certified ? 'The disability is already recorded.' : 'No disability is recorded.',
        );
      }
      changes.disabilityCertified = { from: person.disabilityCertified ?? false, to: change.certified };
      next = { ...person, disabilityCertified: change.certified };
      break;
    }
  }

  const at = now.toISOString();
  const type = ACTION_TYPE[change.type];
  const reason = change.reason?.trim();
  // The origin belongs to this write only: a later change made here has none.
  const { lastChangeOrigin: _previousOrigin, ...state } = next;
  return {
    person: {
      ...state,
      version: person.version + 1,
      updatedAt: at,
      eventId: context.newId(),
      lastChange: type,
      ...(context.origin ? { lastChangeOrigin: context.origin } : {}),
    },
    action: {
      actionId: context.newId(),
      personId: person.personId,
      type,
      by: context.actor,
      at,
      ...(reason ? { reason } : {}),
      ...(context.origin ? { origin: context.origin } : {}),
      changes,
    },
    ...(newResidentId ? { newResidentId } : {}),
  };
}

const ACTION_TYPE = {
  correct: 'corrected',
  'change-residence': 'residence-changed',
  'record-death': 'deceased',
  'record-disability': 'disability-recorded',
} as const;

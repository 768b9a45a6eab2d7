import { maskResidentId } from '../../../shared/domain/resident-id';
import type { BirthRegistrationElsewhere } from '../domain/birth-elsewhere';
import {
  availableCommands,
  type BirthDetails,
  type BirthRegistration,
  currentDetails,
  deriveStatus,
} from '../domain/birth-registration';

const maskIn = (details: BirthDetails): BirthDetails => ({
  ...details,
  child: details.child.residentId
    ? { ...details.child, residentId: maskResidentId(details.child.residentId) }
    : details.child,
  mother: { ...details.mother, residentId: maskResidentId(details.mother.residentId) },
  ...(details.father
    ? { father: { ...details.father, residentId: maskResidentId(details.father.residentId) } }
    : {}),
});

/**
 * A registration as callers see it: status derived from the history, current details,
 * the history itself, and what can be done next. Resident IDs are always masked, in the
 * details and in corrections' old and new values.
 */
export function registrationView(registration: BirthRegistration) {
  return staffView(registration);
}

/**
 * The same for the family it concerns: staff identifiers in the history are left out (the
 * family needs to know what happened and why, not which account did it), and a duplicate
 * hold names no other registration.
 */
export function familyView(registration: BirthRegistration) {
  const view = staffView(registration);
  return {
    ...view,
    history: view.history.map(({ by: _by, reason, duplicateOf: _other, ...action }) => ({
      ...action,
      ...(action.type === 'flagged-duplicate' ? { reason: DUPLICATE_HOLD } : reason ? { reason } : {}),
    })),
  };
}

/**
 * A duplicate check's hold, as the family sees it: that a registrar reviews the case, never
 * which registration it resembles (that would tell whoever knows a mother's ID and a birth
 * date that another registration exists, and its id).
 */
const DUPLICATE_HOLD = 'Held for a registrar to check against the records.';

function staffView(registration: BirthRegistration) {
  const status = deriveStatus(registration.actions);
  const current = currentDetails(registration);
  const registered = [...registration.actions].reverse().find((a) => a.registrationNumber);
  return {
    registrationId: registration.registrationId,
    status,
    ...(registered?.registrationNumber ? { registrationNumber: registered.registrationNumber } : {}),
    channel: registration.channel,
    details: maskIn(current),
    version: registration.version,
    // What may be done now: status rules, then whether the birth has happened yet.
    availableActions: availableCommands(status).filter((command) =>
      current.child.expected ? command !== 'register' : command !== 'record-birth',
    ),
    history: registration.actions.map((action) => ({
      ...action,
      ...(action.changes
        ? {
            changes: Object.fromEntries(
              Object.entries(action.changes).map(([path, change]) => [
                path,
                path.endsWith('residentId')
                  ? {
                      from: typeof change.from === 'string' ? maskResidentId(change.from) : change.from,
                      to: typeof change.to === 'string' ? maskResidentId(change.to) : change.to,
                    }
                  : change,
              ]),
            ),
          }
        : {}),
    })),
  };
}

/**
 * A birth registered in another province, as staff of the parents' hukou region see it:
 * marked `registered-elsewhere`, with that province's registration number, and no actions
 * (it is changed only where it was registered).
 */
export function elsewhereView({ regionScope: _scope, child, ...record }: BirthRegistrationElsewhere) {
  const { residenceRegion, motherHukouRegion, fatherHukouRegion, birthOrder, ...rest } = record;
  return {
    ...rest,
    details: {
      child,
      residenceRegion,
      motherHukouRegion,
      ...(fatherHukouRegion ? { fatherHukouRegion } : {}),
      birthOrder,
    },
    availableActions: [],
  };
}

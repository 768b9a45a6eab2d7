/** The birth registration aggregate: pure domain code, no AWS. */
export { isPotentialDuplicate } from './duplicates';
export {
  CORRECTABLE_FIELDS,
  type CorrectableField,
  isCorrectableField,
  regionScopeOf,
} from './fields';
export {
  applyRegistrationAction,
  currentDetails,
  proposedDetails,
  type SubmitRegistrationInput,
  SYSTEM_ACTOR,
  submitRegistration,
} from './lifecycle';
export type * from './model';
export { REGISTRATION_NUMBER_PATTERN, registrationNumberFor } from './registration-number';
export { ACTION_TYPES, availableCommands, deriveStatus, REGISTRATION_STATUSES } from './status';

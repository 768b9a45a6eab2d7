import type { Clock } from '../../../../shared/domain/clock';
import {
  AccessDeniedError,
  ConflictError,
  type FieldIssue,
  ValidationError,
} from '../../../../shared/domain/errors';
import { applyChanges, buildChanges, checkDetails, childIssues, readField, regionScopeOf } from './fields';
import type {
  Actor,
  AuditFinding,
  BirthDetails,
  BirthRegistration,
  Channel,
  FieldChange,
  RegistrationAction,
  RegistrationCommand,
} from './model';
import { REGISTRATION_NUMBER_PATTERN } from './registration-number';
import { ACTION_OF_COMMAND, availableCommands, deriveStatus, nextStatus } from './status';

/** The actor recorded for steps the system takes on its own, such as duplicate flags. */
export const SYSTEM_ACTOR: Actor = { subject: 'system', role: 'system' };

const MAX_REASON_CHARS = 500;

export interface SubmitRegistrationInput {
  readonly registrationId: string;
  readonly details: BirthDetails;
  readonly submittedBy: string;
  readonly role: string;
  readonly channel: Channel;
  /** The logic audit of `details`; any error blocks the submission. */
  readonly findings: readonly AuditFinding[];
  /** An existing registration this one may duplicate (see `isPotentialDuplicate`). */
  readonly duplicateOf?: string;
}

/**
 * The details as they stand now: the submitted details with every approved correction
 * applied in order. Requested and rejected corrections never count. The stored `details`
 * stay as submitted so that the history keeps every old value.
 */
export function currentDetails(registration: BirthRegistration): BirthDetails {
  let details = registration.details;
  for (const action of registration.actions) {
    if (action.type === 'correction-approved' || action.type === 'birth-recorded') {
      details = applyChanges(details, action.changes);
    }
  }
  return details;
}

/**
 * The details as they would be after a correction, so that the caller can run the logic
 * audit on them and pass its findings with the `request-correction` command. Throws the
 * same ValidationError the command would for unknown, invalid or unchanged fields.
 */
export function proposedDetails(
  registration: BirthRegistration,
  changes: Readonly<Record<string, unknown>>,
): BirthDetails {
  const current = currentDetails(registration);
  const built = buildChanges(current, changes);
  throwIfAny('The correction cannot be requested.', built.issues);
  return applyChanges(current, built.changes);
}

/**
 * Starts a registration: version 1 with a `submitted` action, or version 2 when the caller
 * found a potential duplicate, in which case a `flagged-duplicate` action follows at once so
 * that a registrar reviews it before validation. Throws a ValidationError listing every bad
 * field and every blocking audit finding (`body.<field>`); warnings are recorded only.
 */
export function submitRegistration(
  input: SubmitRegistrationInput,
  clock: Clock,
  newId: () => string,
): BirthRegistration {
  const checked = checkDetails(input.details, 'body.');
  const issues = [...checked.issues, ...blockingFindings(input.findings, 'body.')];
  if (issues.length > 0) throw new ValidationError('The birth registration cannot be submitted.', issues);
  const at = clock.now().toISOString();
  const actions: RegistrationAction[] = [
    {
      actionId: newId(),
      type: 'submitted',
      by: input.submittedBy,
      role: input.role,
      at,
      findings: recorded(input.findings),
    },
  ];
  if (input.duplicateOf !== undefined) {
    actions.push({
      actionId: newId(),
      type: 'flagged-duplicate',
      by: SYSTEM_ACTOR.subject,
      role: SYSTEM_ACTOR.role,
      at,
      reason: `Potential duplicate of registration ${input.duplicateOf}.`,
      duplicateOf: input.duplicateOf,
    });
  }
  return {
    registrationId: input.registrationId,
    details: checked.details,
    actions,
    version: actions.length,
    submittedBy: input.submittedBy,
    channel: input.channel,
    regionScope: regionScopeOf(checked.details),
  };
}

/**
 * Applies one command and returns the registration with exactly one new action appended
 * and the version increased by one; the input is never modified and earlier actions are
 * never changed or removed.
 *
 * Enforces the lifecycle and the four-eyes rule only; whether the actor's role may issue
 * the command is decided by the caller from the route's roles.
 *
 * @throws ConflictError when the current status does not allow the command.
 * @throws ValidationError for a missing or too long reason, bad corrections, or blocking
 *   audit findings.
 * @throws AccessDeniedError when the person who requested a correction tries to approve it.
 */
export function applyRegistrationAction(
  registration: BirthRegistration,
  command: RegistrationCommand,
  actor: Actor,
  clock: Clock,
  newId: () => string,
): BirthRegistration {
  const status = deriveStatus(registration.actions);
  const type = ACTION_OF_COMMAND[command.type];
  if (nextStatus(status, type) === undefined) {
    const allowed = availableCommands(status);
    throw new ConflictError(
      `Cannot apply ${command.type} to a registration in status ${status}; ` +
        `allowed there: ${allowed.length > 0 ? allowed.join(', ') : 'nothing'}.`,
    );
  }
  const base = {
    actionId: newId(),
    type,
    by: actor.subject,
    role: actor.role,
    at: clock.now().toISOString(),
  };
  let action: RegistrationAction;
  let regionScope = registration.regionScope;
  switch (command.type) {
    case 'validate':
      throwIfAny(
        'The registration does not pass the logic audit.',
        blockingFindings(command.findings, 'details.'),
      );
      action = { ...base, findings: recorded(command.findings) };
      break;
    case 'register':
      // The number is for a born child: an expected birth is recorded first.
      if (currentDetails(registration).child.expected) {
        throw new ConflictError('The birth is still expected; record the birth before registering it.');
      }
      // Numbers come from registrationNumberFor; anything else is a fault in the caller.
      if (!REGISTRATION_NUMBER_PATTERN.test(command.registrationNumber)) {
        throw new Error(`Malformed registration number ${command.registrationNumber}.`);
      }
      throwIfAny(
        'The registration does not pass the logic audit.',
        blockingFindings(command.findings, 'details.'),
      );
      action = {
        ...base,
        registrationNumber: command.registrationNumber,
        findings: recorded(command.findings),
      };
      break;
    case 'request-correction': {
      const reason = checkReason(command.reason, true);
      const built = buildChanges(currentDetails(registration), command.changes);
      throwIfAny('The correction cannot be requested.', [
        ...reason.issues,
        ...built.issues,
        // A registered child is born: a correction cannot make the birth expected again.
        ...(built.issues.length === 0
          ? childIssues(applyChanges(currentDetails(registration), built.changes), 'body.changes.')
          : []),
        ...(built.changes['child.expected']
          ? [{ field: 'body.changes.child.expected', message: 'cannot be set on a registered birth' }]
          : []),
        ...blockingFindings(command.findings ?? [], 'details.'),
      ]);
      action = {
        ...base,
        reason: reason.value,
        changes: built.changes,
        ...(command.findings ? { findings: recorded(command.findings) } : {}),
      };
      break;
    }
    case 'approve-correction': {
      const request = pendingCorrection(registration);
      // Four eyes: a correction takes effect only when a second person agrees to it.
      if (request.by === actor.subject) {
        throw new AccessDeniedError(
          'Four eyes: a correction must be approved by someone other than its requester.',
        );
      }
      const reason = checkReason(command.reason, false);
      throwIfAny('The correction cannot be approved.', reason.issues);
      // The approval carries the changes it puts into effect, so each approved action reads
      // on its own and `currentDetails` needs no pairing with the request.
      const changes: Record<string, FieldChange> = { ...request.changes };
      action = { ...base, changes, ...(reason.value !== undefined ? { reason: reason.value } : {}) };
      regionScope = regionScopeOf(applyChanges(currentDetails(registration), changes));
      break;
    }
    case 'record-birth': {
      const current = currentDetails(registration);
      if (!current.child.expected) throw new ConflictError('The birth is already recorded.');
      const requested: Record<string, unknown> = {
        'child.expected': null,
        'child.sex': command.child.sex,
        'child.birthDate': command.child.birthDate,
        ...(command.child.name !== undefined ? { 'child.name': command.child.name } : {}),
        ...(command.child.residentId !== undefined ? { 'child.residentId': command.child.residentId } : {}),
        ...(command.child.birthRegion !== undefined
          ? { 'child.birthRegion': command.child.birthRegion }
          : {}),
      };
      // Values equal to the expected ones (the date came true) are simply not changes.
      const built = buildChanges(
        current,
        Object.fromEntries(
          Object.entries(requested).filter(([path, value]) => readField(current, path as never) !== value),
        ),
      );
      throwIfAny('The birth cannot be recorded.', [
        ...built.issues.map((issue) => ({
          ...issue,
          field: issue.field.replace('body.changes.child.', 'body.child.'),
        })),
        ...blockingFindings(command.findings, 'body.'),
      ]);
      action = { ...base, changes: built.changes, findings: recorded(command.findings) };
      regionScope = regionScopeOf(applyChanges(current, built.changes));
      break;
    }
    case 'reject-correction':
    case 'dismiss-duplicate': {
      // A rejection by the requester is allowed: it withdraws the request and changes no data.
      const reason = checkReason(command.reason, true);
      throwIfAny(
        command.type === 'reject-correction'
          ? 'The correction cannot be rejected.'
          : 'The duplicate flag cannot be dismissed.',
        reason.issues,
      );
      action = { ...base, reason: reason.value };
      break;
    }
  }
  return {
    ...registration,
    actions: [...registration.actions, action],
    version: registration.version + 1,
    regionScope,
  };
}

/** The open correction request: the last action, since only a request leads to that status. */
function pendingCorrection(registration: BirthRegistration): RegistrationAction {
  const last = registration.actions.at(-1);
  if (last?.type !== 'correction-requested') {
    throw new Error(`Registration ${registration.registrationId} has no pending correction request.`);
  }
  return last;
}

/** A trimmed reason of 1 to 500 characters; an empty optional one counts as none. */
function checkReason(value: unknown, required: boolean): { value?: string; issues: FieldIssue[] } {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '') {
    return required ? { issues: [{ field: 'body.reason', message: 'is required' }] } : { issues: [] };
  }
  if ([...text].length > MAX_REASON_CHARS) {
    return { issues: [{ field: 'body.reason', message: `must be at most ${MAX_REASON_CHARS} characters` }] };
  }
  return { value: text, issues: [] };
}

/**
 * The findings as the history keeps them: code, severity and field. Messages are left out:
 * they are rendered from the code and may be reworded later.
 */
function recorded(findings: readonly AuditFinding[]): AuditFinding[] {
  return findings.map(({ code, severity, field }) => ({ code, severity, field }));
}

/** The audit errors as field issues; warnings never block. */
function blockingFindings(findings: readonly AuditFinding[], prefix: string): FieldIssue[] {
  return findings
    .filter((finding) => finding.severity === 'error')
    .map((finding) => ({
      field: `${prefix}${finding.field}`,
      message: `fails logic-audit rule ${finding.code}`,
    }));
}

function throwIfAny(message: string, issues: readonly FieldIssue[]): void {
  if (issues.length > 0) throw new ValidationError(message, issues);
}

import type { ActionType, CommandType, RegistrationAction, RegistrationStatus } from './model';

/** Every status, for exhaustive checks and tests. */
export const REGISTRATION_STATUSES: readonly RegistrationStatus[] = [
  'submitted',
  'flagged-duplicate',
  'validated',
  'registered',
  'correction-requested',
];

/** Every action type, in lifecycle order. */
export const ACTION_TYPES: readonly ActionType[] = [
  'submitted',
  'flagged-duplicate',
  'duplicate-dismissed',
  'validated',
  'registered',
  'correction-requested',
  'correction-approved',
  'correction-rejected',
  'birth-recorded',
];

/**
 * The one table of legal transitions: for each status, the actions that may follow it and
 * the status each leads to. Both `deriveStatus` (reading history) and the commands
 * (writing it) consult this table, so what may be written and what can be read back are
 * the same rules. `submitted` has no entry: it only ever opens a history.
 */
const TRANSITIONS: Readonly<
  Record<RegistrationStatus, Readonly<Partial<Record<ActionType, RegistrationStatus>>>>
> = {
  // Recording the birth of an expected child changes the details: they are checked again.
  submitted: {
    'flagged-duplicate': 'flagged-duplicate',
    validated: 'validated',
    'birth-recorded': 'submitted',
  },
  // A dismissed flag returns the registration to the queue it came from, not further.
  'flagged-duplicate': { 'duplicate-dismissed': 'submitted' },
  validated: { registered: 'registered', 'birth-recorded': 'submitted' },
  registered: { 'correction-requested': 'correction-requested' },
  // Either answer leaves a registered record; only an approval changes its details.
  'correction-requested': { 'correction-approved': 'registered', 'correction-rejected': 'registered' },
};

/** The action each command appends. */
export const ACTION_OF_COMMAND: Readonly<Record<CommandType, ActionType>> = {
  validate: 'validated',
  register: 'registered',
  'request-correction': 'correction-requested',
  'approve-correction': 'correction-approved',
  'reject-correction': 'correction-rejected',
  'dismiss-duplicate': 'duplicate-dismissed',
  'record-birth': 'birth-recorded',
};

/** The status `action` leads to from `status`, or undefined when it may not follow it. */
export function nextStatus(status: RegistrationStatus, action: ActionType): RegistrationStatus | undefined {
  return TRANSITIONS[status][action];
}

/** The commands that may be applied to a registration in `status`, for menus and docs. */
export function availableCommands(status: RegistrationStatus): CommandType[] {
  return (Object.keys(ACTION_OF_COMMAND) as CommandType[]).filter(
    (command) => nextStatus(status, ACTION_OF_COMMAND[command]) !== undefined,
  );
}

/**
 * The current status, folded from the action history alone. The history is the record of
 * truth; a status stored beside it could disagree with it.
 *
 * Throws a plain Error (an internal fault, not a client mistake) when the history is empty
 * or does not follow the lifecycle: such a record was written outside this module and must
 * not be acted on.
 */
export function deriveStatus(actions: readonly RegistrationAction[]): RegistrationStatus {
  const [first, ...rest] = actions;
  if (first?.type !== 'submitted') {
    throw new Error('A registration history must open with a submitted action.');
  }
  let status: RegistrationStatus = 'submitted';
  for (const action of rest) {
    const next = nextStatus(status, action.type);
    if (next === undefined) {
      throw new Error(`Action ${action.actionId} (${action.type}) cannot follow status ${status}.`);
    }
    status = next;
  }
  return status;
}

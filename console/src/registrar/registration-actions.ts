import type { RegistrationAction } from '../api/types';

/** The actions the console offers, and what each asks of the registrar before it is sent. */
export const ACTION_FORMS: Readonly<Partial<Record<RegistrationAction, 'none' | 'reason' | 'correction'>>> = {
  validate: 'none',
  register: 'none',
  'approve-correction': 'none',
  'reject-correction': 'reason',
  'dismiss-duplicate': 'reason',
  'request-correction': 'correction',
};

/** The actions to show: those the registration allows now that the console has a form for. */
export const offeredActions = (available: readonly string[]): RegistrationAction[] =>
  available.filter((a): a is RegistrationAction => a in ACTION_FORMS);

/** The body an action is sent with, from what the registrar entered. */
export function actionBody(
  action: RegistrationAction,
  input: { reason?: string; childName?: string },
): { reason?: string; changes?: Record<string, unknown> } {
  const form = ACTION_FORMS[action];
  if (form === 'reason') return { reason: input.reason ?? '' };
  if (form === 'correction')
    return { reason: input.reason ?? '', changes: input.childName ? { 'child.name': input.childName } : {} };
  return {};
}

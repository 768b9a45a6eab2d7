import type { paths } from '../api/openapi';
import type { RegistrationAction } from '../api/types';

/** What an action asks of the registrar before it is sent: nothing, a reason, a correction, or the facts of the birth. */
export type ActionForm = 'none' | 'reason' | 'correction' | 'birth';

/** The actions the console offers, and what each asks of the registrar before it is sent. */
export const ACTION_FORMS: Readonly<Partial<Record<RegistrationAction, ActionForm>>> = {
  validate: 'none',
  register: 'none',
  'approve-correction': 'none',
  'reject-correction': 'reason',
  'dismiss-duplicate': 'reason',
  'request-correction': 'correction',
  'record-birth': 'birth',
};

/** The actions to show: those the registration allows now that the console has a form for. */
export const offeredActions = (available: readonly string[]): RegistrationAction[] =>
  available.filter((a): a is RegistrationAction => a in ACTION_FORMS);

/** What the registrar may enter in an action's form (each form uses some of it). */
export interface ActionInput {
  reason?: string;
  childName?: string;
  sex?: 'male' | 'female';
  birthDate?: string;
  residentId?: string;
  birthRegion?: string;
}

export type ActionBody = NonNullable<
  paths['/v1/birth-registrations/{registrationId}/actions/{action}']['post']['requestBody']
>['content']['application/json'];

const entered = (value: string | undefined): string | undefined => value?.trim() || undefined;

/**
 * The body an action is sent with, from what the registrar entered. Recording a birth sends
 * the child's sex and actual birth date, and the name, resident ID and birth region only when
 * entered (the expected ones stand otherwise).
 */
export function actionBody(action: RegistrationAction, input: ActionInput): ActionBody {
  const form = ACTION_FORMS[action];
  if (form === 'reason') return { reason: input.reason ?? '' };
  if (form === 'correction')
    return { reason: input.reason ?? '', changes: input.childName ? { 'child.name': input.childName } : {} };
  if (form === 'birth') {
    const name = entered(input.childName);
    const residentId = entered(input.residentId)?.toUpperCase();
    const birthRegion = entered(input.birthRegion);
    // The form requires sex and birth date; were either missing, the API would refuse the body.
    const child = {
      ...(input.sex ? { sex: input.sex } : {}),
      ...(entered(input.birthDate) ? { birthDate: entered(input.birthDate) } : {}),
      ...(name ? { name } : {}),
      ...(residentId ? { residentId } : {}),
      ...(birthRegion ? { birthRegion } : {}),
    } as NonNullable<ActionBody['child']>;
    return { child };
  }
  return {};
}

import type { paths } from '../api/openapi';
import type { MessageKey } from '../i18n/messages';

export type RegistrationStatus = NonNullable<
  paths['/v1/birth-registrations']['get']['parameters']['query']
>['status'];

/** The work queue's tabs, in the order a registrar works through them. */
export const QUEUE_STATUSES: readonly RegistrationStatus[] = [
  'submitted',
  'flagged-duplicate',
  'correction-requested',
  'validated',
  'registered',
  'registered-elsewhere',
];

export const statusLabel = (status: string): MessageKey =>
  (QUEUE_STATUSES as readonly string[]).includes(status)
    ? (`status.${status}` as MessageKey)
    : 'status.submitted';

export const STATUS_COLOUR: Readonly<Record<string, string>> = {
  submitted: 'blue',
  validated: 'cyan',
  registered: 'green',
  'correction-requested': 'orange',
  'flagged-duplicate': 'red',
  'registered-elsewhere': 'purple',
};

import type { MessageKey } from '../i18n/messages';

/** A screen in the menu, and the roles the API admits to what it does. */
export interface Screen {
  readonly path: string;
  readonly label: MessageKey;
  readonly roles: readonly string[];
}

/**
 * The console's screens by role: each staff member sees only what their roles may do (the
 * API still decides every call). Province-wide screens also need a province-wide region.
 */
export const SCREENS: readonly Screen[] = [
  { path: '/registrations', label: 'nav.queue', roles: ['registrar', 'auditor'] },
  { path: '/persons', label: 'nav.persons', roles: ['registrar', 'auditor'] },
  { path: '/exchange/partners', label: 'nav.partners', roles: ['exchange-operator', 'auditor'] },
  { path: '/exchange/messages', label: 'nav.messages', roles: ['exchange-operator', 'auditor'] },
  {
    path: '/payout/enrollments',
    label: 'payout.nav.enrollments',
    roles: ['payout-officer', 'payout-approver', 'auditor'],
  },
  {
    path: '/payout/batches',
    label: 'payout.nav.batches',
    roles: ['payout-officer', 'payout-approver', 'auditor'],
  },
  { path: '/payout/approvals', label: 'payout.nav.approvals', roles: ['payout-approver'] },
  { path: '/reports/births', label: 'reports.birthsTitle', roles: ['auditor'] },
  { path: '/reports/payouts', label: 'reports.payoutsTitle', roles: ['auditor'] },
  { path: '/audit/access-log', label: 'audit.title', roles: ['auditor'] },
];

const PROVINCE_ONLY = new Set(['/exchange/partners', '/exchange/messages']);

/** The screens a staff member may open: a role that admits it and, for exchange screens, the whole province. */
export function screensFor(roles: readonly string[], region: string | undefined): Screen[] {
  return SCREENS.filter(
    (screen) =>
      screen.roles.some((role) => roles.includes(role)) &&
      (!PROVINCE_ONLY.has(screen.path) || region?.endsWith('0000') === true),
  );
}

/** Whether the signed-in staff member may act (not only read) as a registrar. */
export const canRegister = (roles: readonly string[]): boolean => roles.includes('registrar');
/** Whether they may pause, resume and replay the exchange. */
export const canOperateExchange = (roles: readonly string[]): boolean => roles.includes('exchange-operator');
/** Whether they may plan and submit payout batches and import the bank's status reports (the maker). */
export const canPlanPayout = (roles: readonly string[]): boolean => roles.includes('payout-officer');
/** Whether they may approve enrolments, batches and account changes (the checker; never their own). */
export const canApprovePayout = (roles: readonly string[]): boolean => roles.includes('payout-approver');
/** Whether they may act on payout at all: reject, suspend, cancel, export the payment file. */
export const canActOnPayout = (roles: readonly string[]): boolean =>
  canPlanPayout(roles) || canApprovePayout(roles);

import { checkBirthOrder } from './birth-order';
import {
  checkDatesAreReal,
  checkDatesNotInFuture,
  checkExpectedBirth,
  checkParentAges,
  isCalendarDate,
} from './dates';
import { checkNames } from './names';
import { checkRegionsExist } from './regions';
import {
  checkResidentIdsDistinct,
  checkResidentIdsMatchRecord,
  checkResidentIdsWellFormed,
} from './resident-ids';
import type {
  AuditContext,
  AuditFinding,
  BirthRegistrationFacts,
  BirthRegistrationRule,
  Severity,
} from './types';

export type {
  AuditCode,
  AuditContext,
  AuditFinding,
  AuditMessage,
  BirthRegistrationFacts,
  BirthRegistrationRule,
  ParentFacts,
  Severity,
} from './types';
export { AUDIT_CODES } from './types';

/** Every rule of the birth-registration audit. Order does not matter: findings are sorted. */
export const BIRTH_REGISTRATION_RULES: readonly BirthRegistrationRule[] = [
  checkResidentIdsWellFormed,
  checkResidentIdsMatchRecord,
  checkResidentIdsDistinct,
  checkRegionsExist,
  checkDatesAreReal,
  checkDatesNotInFuture,
  checkExpectedBirth,
  checkParentAges,
  checkNames,
  checkBirthOrder,
];

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1 };

/**
 * Orders findings errors first, then by field, then by code. Plain code-unit comparison
 * rather than `localeCompare`, whose order depends on the runtime's ICU data: the same
 * record must give the same list everywhere, as findings are stored and compared.
 */
export function sortFindings(findings: readonly AuditFinding[]): AuditFinding[] {
  const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...findings].sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      compare(a.field, b.field) ||
      compare(a.code, b.code),
  );
}

/**
 * Runs the logic audit (逻辑审核) on a birth registration and returns its findings, errors
 * first, then by field; an empty list when the data is consistent. The audit checks data
 * quality only (typos, impossible dates, numbers that contradict each other), never
 * whether a birth complies with any policy. Pure and deterministic: "today" and the
 * region table come from `context`.
 *
 * @throws RangeError when `context.today` is not a `YYYY-MM-DD` date, a bug in the caller.
 */
export function auditBirthRegistration(facts: BirthRegistrationFacts, context: AuditContext): AuditFinding[] {
  if (!isCalendarDate(context.today)) {
    throw new RangeError('The audit context needs today as a YYYY-MM-DD date.');
  }
  return sortFindings(BIRTH_REGISTRATION_RULES.flatMap((rule) => rule(facts, context)));
}

/** True when any finding is an error, so the registration cannot be submitted or registered yet. */
export const hasBlockingFindings = (findings: readonly AuditFinding[]): boolean =>
  findings.some((finding) => finding.severity === 'error');

import { beijingDate, type Clock } from '../../../shared/domain/clock';
import { ConflictError, ValidationError } from '../../../shared/domain/errors';
import { auditBirthRegistration, hasBlockingFindings } from './audit/birth-registration';
import type { AuditFinding as DetailedFinding } from './audit/types';
import {
  applyRegistrationAction,
  availableCommands,
  type BirthDetails,
  type BirthRegistration,
  type Channel,
  type CommandType,
  currentDetails,
  deriveStatus,
  proposedDetails,
  type RegistrationCommand,
  registrationNumberFor,
  submitRegistration,
} from './birth-registration';
import type {
  BirthRegistrationRepository,
  DuplicateKeys,
  HouseholdRepository,
} from './birth-registration-ports';
import type { Household } from './household';
import type { PersonRefOf, PersonRepository, ResidentIdHasher } from './ports';
import { planRegistration } from './register-birth';

export interface BirthRegistrationServiceDeps {
  readonly registrations: BirthRegistrationRepository;
  readonly households: HouseholdRepository;
  readonly persons: PersonRepository;
  readonly hasher: ResidentIdHasher;
  readonly personRefOf: PersonRefOf;
  readonly clock: Clock;
  readonly newId: () => string;
  readonly regionExists: (code: string) => boolean;
}

/** What a registrar asks for on an existing registration, as the request gives it. */
export interface RegistrationActionInput {
  readonly action: CommandType;
  readonly reason?: string;
  readonly changes?: Readonly<Record<string, unknown>>;
  readonly child?: NonNullable<Extract<RegistrationCommand, { type: 'record-birth' }>['child']>;
}

/** Blocking audit findings as a 422 naming each field; the answer is in the caller's language. */
function refuseOnErrors(findings: readonly DetailedFinding[], prefix: string): void {
  if (!hasBlockingFindings(findings)) return;
  const issues = findings
    .filter((f) => f.severity === 'error')
    .map((f) => ({
      field: `${prefix}${f.field}`,
      message: f.message.en,
      zh: f.message.zh,
      code: f.code,
    }));
  throw new ValidationError(
    { en: 'The logic audit found errors to fix.', zh: '逻辑审核发现需要更正的错误。' },
    issues,
  );
}

const _stored = (findings: readonly DetailedFinding[]) =>
  findings.map(({ code, severity, field }) => ({ code, severity, field }));

const stored = (findings: readonly DetailedFinding[]) =>
  findings.map(({ code, severity, field }) => ({ code, severity, field }));

/**
 * The birth registration use cases over the repositories: submit with the logic audit and
 * duplicate detection, every registrar action, and registering (number, household, child
 * record, in one transaction). Who may call them, and in which region, is the caller's
 * check.
 */
export function birthRegistrationService(deps: BirthRegistrationServiceDeps) {
  const { clock, newId } = deps;
  const audit = (details: BirthDetails) =>
    auditBirthRegistration(details, { today: beijingDate(clock.now()), regionExists: deps.regionExists });
  const duplicateKeys = (details: BirthDetails): DuplicateKeys => ({
    motherAndBirthDate: deps.hasher.hash(
      `${details.mother.residentId.toUpperCase()}|${details.child.birthDate}`,
    ),
    ...(details.child.residentId ? { child: deps.hasher.hash(details.child.residentId.toUpperCase()) } : {}),
  });

  /** The parents' person references: how a family finds its registrations, whoever filed them. */
  const parentRefsOf = (details: BirthDetails) => ({
    mother: deps.personRefOf(details.mother.residentId),
    ...(details.father ? { father: deps.personRefOf(details.father.residentId) } : {}),
  });

  const submit = async (
    subject: string,
    details: BirthDetails,
    channel: Channel,
  ): Promise<BirthRegistration> => {
    const findings = audit(details);
    refuseOnErrors(findings, 'body.');
    const keys = duplicateKeys(details);
    const duplicateOf = await deps.registrations.findDuplicate(keys);
    const registration = submitRegistration(
      {
        registrationId: newId(),
        details,
        submittedBy: subject,
        role: channel === 'app' ? 'citizen' : 'registrar',
        channel,
        findings: stored(findings),
        ...(duplicateOf ? { duplicateOf } : {}),
      },
      clock,
      newId,
    );
    // A flagged duplicate is kept for review but claims nothing: the first record stays the one.
    const withRefs = { ...registration, parentRefs: parentRefsOf(details) };
    await deps.registrations.add(withRefs, keys, duplicateOf === undefined);
    return withRefs;
  };

  const register = async (registration: BirthRegistration, subject: string): Promise<BirthRegistration> => {
    // Refuse a wrong state before a serial is drawn, so numbers are not burnt needlessly.
    const status = deriveStatus(registration.actions);
    if (!availableCommands(status).includes('register')) {
      throw new ConflictError({
        en: `Cannot register a registration in status ${status}.`,
        zh: `状态为 ${status} 的出生登记不能办理登记。`,
      });
    }
    const details = currentDetails(registration);
    const findings = audit(details);
    refuseOnErrors(findings, 'details.');
    // Numbers run per birth region and Beijing calendar year.
    const region = details.child.birthRegion;
    const year = Number(beijingDate(clock.now()).slice(0, 4));
    const registrationNumber = registrationNumberFor(
      region,
      year,
      await deps.registrations.nextSerial(region, year),
    );
    const registered = applyRegistrationAction(
      registration,
      { type: 'register', registrationNumber, findings: stored(findings) },
      { subject, role: 'registrar' },
      clock,
      newId,
    );
    const next = { ...registered, parentRefs: parentRefsOf(details) };
    const motherHash = deps.hasher.hash(details.mother.residentId);
    const household = await deps.households.findByMother(motherHash);
    const childHash = details.child.residentId ? deps.hasher.hash(details.child.residentId) : undefined;
    const childPerson = childHash ? await deps.persons.findByResidentIdHash(childHash) : undefined;
    const [motherPerson, fatherPerson] = await Promise.all([
      deps.persons.findByResidentIdHash(motherHash),
      details.father
        ? deps.persons.findByResidentIdHash(deps.hasher.hash(details.father.residentId))
        : undefined,
    ]);
    const plan = planRegistration({
      registration: next,
      details,
      household,
      existing: { child: childPerson?.person, mother: motherPerson?.person, father: fatherPerson?.person },
      context: { actor: subject, clock, newId, personRefOf: deps.personRefOf },
    });
    await deps.registrations.commitRegistration({
      registration: next,
      expectedVersion: registration.version,
      household: plan.household,
      ...(household ? { householdExpectedVersion: household.version } : {}),
      motherHash,
      ...(plan.newChild && childHash ? { newChild: { ...plan.newChild, residentIdHash: childHash } } : {}),
    });
    return next;
  };

  /** Applies a registrar's action to a registration and stores the result. */
  const act = async (
    registration: BirthRegistration,
    input: RegistrationActionInput,
    subject: string,
  ): Promise<BirthRegistration> => {
    let command: RegistrationCommand;
    switch (input.action) {
      case 'register':
        return register(registration, subject);
      case 'validate': {
        const findings = audit(currentDetails(registration));
        refuseOnErrors(findings, 'details.');
        command = { type: 'validate', findings: stored(findings) };
        break;
      }
      case 'request-correction': {
        const changes = input.changes ?? {};
        const findings = audit(proposedDetails(registration, changes));
        refuseOnErrors(findings, 'body.changes.');
        command = {
          type: 'request-correction',
          reason: input.reason ?? '',
          changes,
          findings: stored(findings),
        };
        break;
      }
      case 'approve-correction':
        command = { type: 'approve-correction', ...(input.reason ? { reason: input.reason } : {}) };
        break;
      case 'reject-correction':
        command = { type: 'reject-correction', reason: input.reason ?? '' };
        break;
      case 'dismiss-duplicate':
        command = { type: 'dismiss-duplicate', reason: input.reason ?? '' };
        break;
      case 'record-birth': {
        if (!input.child) {
          throw new ValidationError('Give the child as born.', [
            { field: 'body.child', message: 'is required' },
          ]);
        }
        const current = currentDetails(registration);
        const born = { ...current, child: { birthRegion: current.child.birthRegion, ...input.child } };
        const findings = audit(born);
        refuseOnErrors(findings, 'body.');
        command = { type: 'record-birth', child: input.child, findings: stored(findings) };
        break;
      }
    }
    const next = applyRegistrationAction(registration, command, { subject, role: 'registrar' }, clock, newId);
    await deps.registrations.save(next, registration.version);
    return next;
  };

  /** The regions whose staff may see a household: those of its children's registrations. */
  const householdRegions = async (household: Household): Promise<string[]> => {
    const registrations = await Promise.all(
      household.members.flatMap((m) => (m.registrationId ? [deps.registrations.find(m.registrationId)] : [])),
    );
    return registrations.flatMap((r) => r?.regionScope ?? []);
  };

  return { submit, act, householdRegions };
}

import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { tableName } from '../../../shared/aws/config';
import { documentClient, dynamoDbClient } from '../../../shared/aws/dynamodb';
import { idempotencyStore } from '../../../shared/aws/idempotency-store';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { loadSecret } from '../../../shared/aws/secrets';
import { beijingDate, type Clock, systemClock } from '../../../shared/domain/clock';
import {
  AccessDeniedError,
  ConflictError,
  NotFoundError,
  ValidationError,
} from '../../../shared/domain/errors';
import { newUlid } from '../../../shared/domain/ids';
import { regionExists } from '../../../shared/domain/region-codes';
import { apiHandler } from '../../../shared/http/api-handler';
import { type Principal, requireRegionScope } from '../../../shared/http/auth';
import { decodeCursor, encodeCursor } from '../../../shared/http/cursor';
import { idempotentPosts } from '../../../shared/http/idempotency';
import { etagOf, json, parseJsonBody, parseWith, requireIfMatch } from '../../../shared/http/request';
import { functionSpec } from '../../../shared/manifest';
import type { Observability } from '../../../shared/observability';
import { dynamoBirthRegistrationRepository } from '../adapters/birth-registration-repository';
import { aesGcmFieldCipher } from '../adapters/field-cipher';
import { dynamoHouseholdRepository } from '../adapters/household-repository';
import { dynamoPersonRepository } from '../adapters/person-repository';
import { hmacResidentIdHasher } from '../adapters/resident-id-hasher';
import { auditBirthRegistration, hasBlockingFindings } from '../domain/audit/birth-registration';
import type { AuditFinding as DetailedFinding } from '../domain/audit/types';
import {
  applyRegistrationAction,
  availableCommands,
  type BirthDetails,
  type BirthRegistration,
  currentDetails,
  deriveStatus,
  proposedDetails,
  type RegistrationCommand,
  registrationNumberFor,
  submitRegistration,
} from '../domain/birth-registration';
import type {
  BirthRegistrationRepository,
  DuplicateKeys,
  HouseholdRepository,
} from '../domain/birth-registration-ports';
import { deriveFamilyType, type Household } from '../domain/household';
import type { PersonRepository, ResidentIdHasher } from '../domain/ports';
import { planRegistration } from '../domain/register-birth';
import { registryManifest } from '../manifest';
import {
  HouseholdIdParams,
  HouseholdQuery,
  MyListQuery,
  RegistrationActionParams,
  RegistrationActionRequest,
  RegistrationIdParams,
  RegistrationListQuery,
  SubmitBirthRegistrationRequest,
} from '../schemas';
import { familyView, registrationView } from './birth-registration-view';

const FUNCTION = 'registry-birth-registrations-api';

export interface BirthRegistrationsApiDeps {
  readonly registrations: BirthRegistrationRepository;
  readonly households: HouseholdRepository;
  readonly persons: PersonRepository;
  readonly hasher: ResidentIdHasher;
  readonly clock?: Clock;
  readonly newId?: () => string;
  readonly idempotency?: BasePersistenceLayer;
  readonly observability?: Observability;
}

/** Blocking audit findings as a 422 naming each field, in Chinese and English. */
function refuseOnErrors(findings: readonly DetailedFinding[], prefix: string): void {
  if (!hasBlockingFindings(findings)) return;
  const issues = findings
    .filter((f) => f.severity === 'error')
    .map((f) => ({
      field: `${prefix}${f.field}`,
      message: `${f.message.zh}（${f.message.en}）`,
      code: f.code,
    }));
  throw new ValidationError('The logic audit found errors to fix.', issues);
}

const stored = (findings: readonly DetailedFinding[]) =>
  findings.map(({ code, severity, field }) => ({ code, severity, field }));

/**
 * Birth registration (生育登记) as a service to families: submitted by a parent in the app
 * or by a registrar at the counter, checked by the logic audit, validated and registered by
 * a registrar of the family's region, corrected afterwards with a reason and a second
 * person's approval. Registering links the child and the household.
 */
export function buildBirthRegistrationsApi(deps: BirthRegistrationsApiDeps) {
  const clock = deps.clock ?? systemClock;
  const newId = deps.newId ?? (() => newUlid(clock.now().getTime()));
  const audit = (details: BirthDetails) =>
    auditBirthRegistration(details, { today: beijingDate(clock.now()), regionExists });
  const duplicateKeys = (details: BirthDetails): DuplicateKeys => ({
    motherAndBirthDate: deps.hasher.hash(
      `${details.mother.residentId.toUpperCase()}|${details.child.birthDate}`,
    ),
    ...(details.child.residentId ? { child: deps.hasher.hash(details.child.residentId.toUpperCase()) } : {}),
  });

  const submit = async (principal: Principal, details: BirthDetails, channel: 'app' | 'counter') => {
    const findings = audit(details);
    refuseOnErrors(findings, 'body.');
    const keys = duplicateKeys(details);
    const duplicateOf = await deps.registrations.findDuplicate(keys);
    const registration = submitRegistration(
      {
        registrationId: newId(),
        details,
        submittedBy: principal.subject,
        role: channel === 'app' ? 'citizen' : 'registrar',
        channel,
        findings: stored(findings),
        ...(duplicateOf ? { duplicateOf } : {}),
      },
      clock,
      newId,
    );
    // A flagged duplicate is kept for review but claims nothing: the first record stays the one.
    await deps.registrations.add(registration, keys, duplicateOf === undefined);
    return json(201, channel === 'app' ? familyView(registration) : registrationView(registration), {
      location: `/v1/birth-registrations/${registration.registrationId}`,
      etag: etagOf(registration.version),
    });
  };

  /** A household with its family type, if the caller's region registered one of its births. */
  const householdView = async (household: Household, principal: Principal) => {
    const registrations = await Promise.all(
      household.members.flatMap((m) => (m.registrationId ? [deps.registrations.find(m.registrationId)] : [])),
    );
    requireRegionScope(
      principal,
      registrations.flatMap((r) => r?.regionScope ?? []),
    );
    const { eventId: _event, ...shown } = household;
    return { ...shown, familyType: deriveFamilyType(household.members) };
  };

  const getInScope = async (registrationId: string, principal: Principal) => {
    const registration = await deps.registrations.find(registrationId);
    if (!registration) throw new NotFoundError('No birth registration with this id.');
    requireRegionScope(principal, registration.regionScope);
    return registration;
  };

  const register = async (registration: BirthRegistration, principal: Principal) => {
    // Refuse a wrong state before a serial is drawn, so numbers are not burnt needlessly.
    const status = deriveStatus(registration.actions);
    if (!availableCommands(status).includes('register')) {
      throw new ConflictError(`Cannot register a registration in status ${status}.`);
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
    const next = applyRegistrationAction(
      registration,
      { type: 'register', registrationNumber, findings: stored(findings) },
      { subject: principal.subject, role: 'registrar' },
      clock,
      newId,
    );
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
      context: { actor: principal.subject, clock, newId },
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

  return apiHandler({
    service: FUNCTION,
    routes: functionSpec(registryManifest, FUNCTION).routes ?? [],
    ...(deps.idempotency ? { idempotency: idempotentPosts(deps.idempotency) } : {}),
    observability: deps.observability,
    handlers: {
      'POST /v1/birth-registrations': async ({ event, principal }) => {
        const details = parseJsonBody(event, SubmitBirthRegistrationRequest);
        requireRegionScope(principal, [
          details.residenceRegion,
          details.child.birthRegion,
          details.mother.hukouRegion,
        ]);
        return submit(principal, details, 'counter');
      },
      'POST /v1/me/birth-registrations': async ({ event, principal }) =>
        submit(principal, parseJsonBody(event, SubmitBirthRegistrationRequest), 'app'),
      'GET /v1/me/birth-registrations': async ({ query, principal }) => {
        const { cursor, limit } = parseWith(MyListQuery, query, 'query');
        const page = await deps.registrations.listBySubmitter(principal.subject, limit, decodeCursor(cursor));
        return json(200, { items: page.items.map(familyView), next: encodeCursor(page.next) });
      },
      'GET /v1/birth-registrations': async ({ query, principal }) => {
        const { status, region, cursor, limit } = parseWith(RegistrationListQuery, query, 'query');
        const prefix = region ?? principal.scopePrefix ?? '';
        // A region filter may narrow the caller's scope, never widen it.
        if (!principal.scopePrefix || !prefix.startsWith(principal.scopePrefix)) {
          throw new AccessDeniedError('This region lies outside your region.');
        }
        const page = await deps.registrations.listByStatus(status, prefix, limit, decodeCursor(cursor));
        return json(200, { items: page.items.map(registrationView), next: encodeCursor(page.next) });
      },
      'GET /v1/households': async ({ query, principal }) => {
        const { personId } = parseWith(HouseholdQuery, query, 'query');
        const household = await deps.households.findByMember(personId);
        return json(200, { items: household ? [await householdView(household, principal)] : [] });
      },
      'GET /v1/households/{householdId}': async ({ pathParameters, principal }) => {
        const { householdId } = parseWith(HouseholdIdParams, pathParameters, 'path');
        const household = await deps.households.find(householdId);
        if (!household) throw new NotFoundError('No household with this id.');
        return json(200, await householdView(household, principal), { etag: etagOf(household.version) });
      },
      'GET /v1/birth-registrations/{registrationId}': async ({ pathParameters, principal }) => {
        const { registrationId } = parseWith(RegistrationIdParams, pathParameters, 'path');
        const registration = await getInScope(registrationId, principal);
        return json(200, registrationView(registration), { etag: etagOf(registration.version) });
      },
      'POST /v1/birth-registrations/{registrationId}/actions/{action}': async ({
        event,
        pathParameters,
        principal,
        headers,
      }) => {
        const { registrationId, action } = parseWith(RegistrationActionParams, pathParameters, 'path');
        const body = parseJsonBody(event, RegistrationActionRequest);
        const registration = await getInScope(registrationId, principal);
        requireIfMatch(headers, registration.version);
        const actor = { subject: principal.subject, role: 'registrar' };
        let next: BirthRegistration;
        if (action === 'register') {
          next = await register(registration, principal);
        } else {
          let command: RegistrationCommand;
          switch (action) {
            case 'validate': {
              const findings = audit(currentDetails(registration));
              refuseOnErrors(findings, 'details.');
              command = { type: 'validate', findings: stored(findings) };
              break;
            }
            case 'request-correction': {
              const changes = body.changes ?? {};
              const findings = audit(proposedDetails(registration, changes));
              refuseOnErrors(findings, 'body.changes.');
              command = {
                type: 'request-correction',
                reason: body.reason ?? '',
                changes,
                findings: stored(findings),
              };
              break;
            }
            case 'approve-correction':
              command = { type: 'approve-correction', ...(body.reason ? { reason: body.reason } : {}) };
              break;
            case 'reject-correction':
              command = { type: 'reject-correction', reason: body.reason ?? '' };
              break;
            case 'dismiss-duplicate':
              command = { type: 'dismiss-duplicate', reason: body.reason ?? '' };
              break;
            case 'record-birth': {
              if (!body.child) {
                throw new ValidationError('Give the child as born.', [
                  { field: 'body.child', message: 'is required' },
                ]);
              }
              const current = currentDetails(registration);
              const born = { ...current, child: { birthRegion: current.child.birthRegion, ...body.child } };
              const findings = audit(born);
              refuseOnErrors(findings, 'body.');
              command = { type: 'record-birth', child: body.child, findings: stored(findings) };
              break;
            }
          }
          next = applyRegistrationAction(registration, command, actor, clock, newId);
          await deps.registrations.save(next, registration.version);
        }
        return json(200, registrationView(next), { etag: etagOf(next.version) });
      },
    },
  });
}

export const handler = initOnce(async () => {
  const client = dynamoDbClient();
  const documents = documentClient(client);
  const table = tableName('registry');
  const [hashKey, encryptionKey] = await Promise.all([
    loadSecret('resident-id-hash-key'),
    loadSecret('resident-id-encryption-key'),
  ]);
  const cipher = aesGcmFieldCipher(encryptionKey);
  return buildBirthRegistrationsApi({
    registrations: dynamoBirthRegistrationRepository(documents, table, cipher),
    households: dynamoHouseholdRepository(documents, table),
    persons: dynamoPersonRepository(documents, table),
    hasher: hmacResidentIdHasher(hashKey),
    idempotency: idempotencyStore(client),
  });
});

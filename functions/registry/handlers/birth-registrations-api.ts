import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { tableName } from '../../../shared/aws/config';
import { documentClient, dynamoDbClient } from '../../../shared/aws/dynamodb';
import { idempotencyStore } from '../../../shared/aws/idempotency-store';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { loadSecret } from '../../../shared/aws/secrets';
import { type Clock, systemClock } from '../../../shared/domain/clock';
import { AccessDeniedError, ConflictError, NotFoundError } from '../../../shared/domain/errors';
import { newUlid } from '../../../shared/domain/ids';
import { personRefOf } from '../../../shared/domain/person-ref';
import { regionExists } from '../../../shared/domain/region-exists';
import { normaliseResidentId } from '../../../shared/domain/resident-id';
import { apiHandler } from '../../../shared/http/api-handler';
import { type Principal, requireRegionScope } from '../../../shared/http/auth';
import { decodeCursor, encodeCursor, pageBody } from '../../../shared/http/cursor';
import { familyOfCitizen, notInYourFamily } from '../../../shared/http/family-scope';
import { idempotentPosts } from '../../../shared/http/idempotency';
import { etagOf, json, parseJsonBody, parseWith, requireIfMatch } from '../../../shared/http/request';
import { functionSpec } from '../../../shared/manifest';
import type { Observability } from '../../../shared/observability';
import { dynamoBirthRegistrationRepository } from '../adapters/birth-registration-repository';
import { dynamoBirthsElsewhere } from '../adapters/exchange-records';
import { aesGcmFieldCipher } from '../adapters/field-cipher';
import { dynamoHouseholdRepository } from '../adapters/household-repository';
import { dynamoMandateRepository } from '../adapters/mandate-repository';
import { dynamoPersonRepository } from '../adapters/person-repository';
import { hmacResidentIdHasher } from '../adapters/resident-id-hasher';
import type { BirthDetails, Channel } from '../domain/birth-registration';
import type {
  BirthRegistrationRepository,
  BirthsElsewhereReader,
  HouseholdRepository,
} from '../domain/birth-registration-ports';
import { birthRegistrationService } from '../domain/birth-registration-service';
import { registryFamilyDirectory } from '../domain/family-directory';
import { deriveFamilyType, type Household } from '../domain/household';
import type { MandateRepository } from '../domain/mandate';
import type { PersonRefOf, PersonRepository, ResidentIdHasher } from '../domain/ports';
import { registryManifest } from '../manifest';
import {
  FamilyListQuery,
  HouseholdIdParams,
  HouseholdQuery,
  RegistrationActionParams,
  RegistrationActionRequest,
  RegistrationIdParams,
  RegistrationListQuery,
  SubmitBirthRegistrationRequest,
} from '../schemas';
import { elsewhereView, familyView, registrationView } from './birth-registration-view';

const FUNCTION = 'registry-birth-registrations-api';

export interface BirthRegistrationsApiDeps {
  readonly registrations: BirthRegistrationRepository;
  /** Births other provinces registered to parents whose hukou is here. */
  readonly elsewhere: BirthsElsewhereReader;
  readonly households: HouseholdRepository;
  readonly persons: PersonRepository;
  readonly hasher: ResidentIdHasher;
  readonly personRefOf: PersonRefOf;
  /** Mandates held (guardians, authorised relatives): part of whom a citizen acts for. */
  readonly mandates: MandateRepository;
  readonly clock?: Clock;
  readonly newId?: () => string;
  readonly idempotency?: BasePersistenceLayer;
  readonly observability?: Observability;
}

/**
 * Birth registration (生育登记) as a service to families: submitted by a parent in the app
 * or by a registrar at the counter, checked by the logic audit, validated and registered by
 * a registrar of the family's region, corrected afterwards with a reason and a second
 * person's approval. Registering links the child and the household.
 */
export function buildBirthRegistrationsApi(deps: BirthRegistrationsApiDeps) {
  const clock = deps.clock ?? systemClock;
  const service = birthRegistrationService({
    ...deps,
    clock,
    newId: deps.newId ?? (() => newUlid(clock.now().getTime())),
    regionExists,
  });
  const submit = async (principal: Principal, details: BirthDetails, channel: Channel) => {
    const registration = await service.submit(principal.subject, details, channel);
    return json(201, channel === 'app' ? familyView(registration) : registrationView(registration), {
      location: `/v1/birth-registrations/${registration.registrationId}`,
      etag: etagOf(registration.version),
    });
  };

  const directory = registryFamilyDirectory(deps);
  /**
   * The family's registrations, whichever channel filed them: those naming the citizen, their
   * spouse, a ward or an authorising parent as a parent, matched by person reference.
   */
  const familyRegistrations = async (principal: Principal) => {
    const family = await familyOfCitizen(principal, directory, clock);
    const adults = [...family.members].filter(([, relation]) => relation !== 'child').map(([id]) => id);
    const others = await Promise.all(
      adults.filter((id) => id !== family.self).map((id) => deps.persons.find(id)),
    );
    const refs = new Set([
      family.personRef,
      ...others.flatMap((s) => (s?.person.personRef ? [s.person.personRef] : [])),
    ]);
    const lists = await Promise.all([...refs].map((ref) => deps.registrations.listByParent(ref)));
    const byId = new Map(lists.flat().map((r) => [r.registrationId, r]));
    return [...byId.values()].sort((a, b) => (a.registrationId < b.registrationId ? 1 : -1));
  };

  /** A household with its family type, if the caller's region registered one of its births. */
  const householdView = async (household: Household, principal: Principal) => {
    requireRegionScope(principal, await service.householdRegions(household));
    const { eventId: _event, ...shown } = household;
    return { ...shown, familyType: deriveFamilyType(household.members) };
  };

  /** A registration of this province or, failing that, one registered elsewhere; in the caller's region. */
  const findInScope = async (registrationId: string, principal: Principal) => {
    const registration = await deps.registrations.find(registrationId);
    if (registration) {
      requireRegionScope(principal, registration.regionScope);
      return { registration };
    }
    const elsewhere = await deps.elsewhere.find(registrationId);
    if (!elsewhere) throw new NotFoundError('No birth registration with this id.');
    requireRegionScope(principal, elsewhere.regionScope);
    return { elsewhere };
  };
  const getInScope = async (registrationId: string, principal: Principal) => {
    const found = await findInScope(registrationId, principal);
    if (found.elsewhere) {
      throw new ConflictError(
        `This birth was registered in province ${found.elsewhere.origin.province}; it can be changed only there.`,
      );
    }
    return found.registration as NonNullable<typeof found.registration>;
  };

  return apiHandler({
    service: FUNCTION,
    routes: functionSpec(registryManifest, FUNCTION).routes ?? [],
    ...(deps.idempotency ? { idempotency: idempotentPosts(deps.idempotency) } : {}),
    observability: deps.observability,
    identity: { personRefOf: deps.personRefOf },
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
      'POST /v1/me/birth-registrations': async ({ event, principal }) => {
        const details = parseJsonBody(event, SubmitBirthRegistrationRequest);
        // A family registers its own births: the citizen is the mother or the father.
        const own = [details.mother.residentId, details.father?.residentId].some(
          (id) => id !== undefined && deps.personRefOf(normaliseResidentId(id)) === principal.personRef,
        );
        if (!own) throw notInYourFamily();
        return submit(principal, details, 'app');
      },
      'GET /v1/me/birth-registrations': async ({ query, principal }) => {
        parseWith(FamilyListQuery, query, 'query');
        const items = await familyRegistrations(principal);
        return json(200, { items: items.map(familyView) });
      },
      'GET /v1/birth-registrations': async ({ query, principal }) => {
        const { status, region, cursor, limit } = parseWith(RegistrationListQuery, query, 'query');
        const prefix = region ?? principal.scopePrefix ?? '';
        // A region filter may narrow the caller's scope, never widen it.
        if (!principal.scopePrefix || !prefix.startsWith(principal.scopePrefix)) {
          throw new AccessDeniedError('This region lies outside your region.');
        }
        if (status === 'registered-elsewhere') {
          const page = await deps.elsewhere.listByRegion(prefix, limit, decodeCursor(cursor));
          return json(200, pageBody(page.items.map(elsewhereView), encodeCursor(page.next)));
        }
        const page = await deps.registrations.listByStatus(status, prefix, limit, decodeCursor(cursor));
        return json(200, pageBody(page.items.map(registrationView), encodeCursor(page.next)));
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
        const { registration, elsewhere } = await findInScope(registrationId, principal);
        if (elsewhere) return json(200, elsewhereView(elsewhere));
        if (!registration) throw new NotFoundError('No birth registration with this id.');
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
        const next = await service.act(registration, { action, ...body }, principal.subject);
        return json(200, registrationView(next), { etag: etagOf(next.version) });
      },
    },
  });
}

export const handler = initOnce(async () => {
  const client = dynamoDbClient();
  const documents = documentClient(client);
  const table = tableName('registry');
  const [hashKey, encryptionKey, refKey] = await Promise.all([
    loadSecret('resident-id-hash-key'),
    loadSecret('resident-id-encryption-key'),
    loadSecret('person-ref-key'),
  ]);
  const cipher = aesGcmFieldCipher(encryptionKey);
  return buildBirthRegistrationsApi({
    registrations: dynamoBirthRegistrationRepository(documents, table, cipher),
    elsewhere: dynamoBirthsElsewhere(documents, table),
    households: dynamoHouseholdRepository(documents, table),
    persons: dynamoPersonRepository(documents, table),
    mandates: dynamoMandateRepository(documents, table),
    hasher: hmacResidentIdHasher(hashKey),
    personRefOf: (residentId) => personRefOf(refKey, residentId),
    idempotency: idempotencyStore(client),
  });
});

import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { tableName } from '../../../shared/aws/config';
import { documentClient, dynamoDbClient } from '../../../shared/aws/dynamodb';
import { idempotencyStore } from '../../../shared/aws/idempotency-store';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { loadSecret } from '../../../shared/aws/secrets';
import { type Clock, systemClock } from '../../../shared/domain/clock';
import { ConflictError, NotFoundError } from '../../../shared/domain/errors';
import { newUlid } from '../../../shared/domain/ids';
import { personRefOf } from '../../../shared/domain/person-ref';
import { regionExists } from '../../../shared/domain/region-exists';
import { normaliseResidentId } from '../../../shared/domain/resident-id';
import type { PersonRead } from '../../../shared/events/person-data-read';
import { readRecorder } from '../../../shared/http/access-read';
import { apiHandler } from '../../../shared/http/api-handler';
import { type Principal, requireRegionScope, scopedRegion } from '../../../shared/http/auth';
import { decodeCursor, encodeCursor, pageBody, pageOfList } from '../../../shared/http/cursor';
import { familyOfCitizen, notInYourFamily } from '../../../shared/http/family-scope';
import { idempotentPosts } from '../../../shared/http/idempotency';
import { etagOf, json, parseJsonBody, parseWith, requireIfMatch } from '../../../shared/http/request';
import { functionSpec } from '../../../shared/manifest';
import type { Observability } from '../../../shared/observability';
import { dynamoAccessLog } from '../adapters/access-log-repository';
import { dynamoBirthRegistrationRepository } from '../adapters/birth-registration-repository';
import { dynamoBirthsElsewhere } from '../adapters/exchange-records';
import { aesGcmFieldCipher } from '../adapters/field-cipher';
import { dynamoHouseholdRepository } from '../adapters/household-repository';
import { dynamoMandateRepository } from '../adapters/mandate-repository';
import { dynamoPersonRepository } from '../adapters/person-repository';
import { hmacResidentIdHasher } from '../adapters/resident-id-hasher';
import { type AccessLog, accessEntriesOf } from '../domain/access-log';
import type { BirthRegistrationElsewhere } from '../domain/birth-elsewhere';
import {
  type BirthDetails,
  type BirthRegistration,
  type Channel,
  currentDetails,
} from '../domain/birth-registration';
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
  HouseholdIdParams,
  HouseholdQuery,
  MyListQuery,
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
  /** Every staff read of a registration or household is appended here for its persons. */
  readonly accessLog: AccessLog;
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
  /** The `cursor-key` secret (page cursors). */
  readonly cursorSecret?: string;
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
  const recordRead = readRecorder(
    { record: async (read, reads) => deps.accessLog.append(accessEntriesOf(read, reads)) },
    clock,
    deps.newId ?? (() => newUlid(clock.now().getTime())),
  );
  /** The parents on the register that a registration names (found by their person references). */
  const readsOfRegistration = async (registration: BirthRegistration): Promise<PersonRead[]> => {
    const details = currentDetails(registration);
    const refs = [
      registration.parentRefs?.mother ?? deps.personRefOf(details.mother.residentId),
      ...(registration.parentRefs?.father
        ? [registration.parentRefs.father]
        : details.father
          ? [deps.personRefOf(details.father.residentId)]
          : []),
    ];
    const parents = await Promise.all(refs.map((ref) => deps.persons.findByPersonRef(ref)));
    return parents.flatMap((p) =>
      p
        ? [
            {
              personId: p.person.personId,
              record: `birth-registration/${registration.registrationId}`,
              regions: [...registration.regionScope],
            },
          ]
        : [],
    );
  };
  const readsOfElsewhere = (record: BirthRegistrationElsewhere): PersonRead[] =>
    [record.motherPersonId, record.fatherPersonId].flatMap((personId) =>
      personId
        ? [
            {
              personId,
              record: `birth-registration/${record.registrationId}`,
              regions: [...record.regionScope],
            },
          ]
        : [],
    );
  const readsOfHousehold = async (household: Household): Promise<PersonRead[]> => {
    const regions = await service.householdRegions(household);
    return household.members.flatMap((m) =>
      m.personId ? [{ personId: m.personId, record: `household/${household.householdId}`, regions }] : [],
    );
  };
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
    ...(deps.cursorSecret ? { cursorSecret: deps.cursorSecret } : {}),
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
      'GET /v1/me/birth-registrations': async ({ query, principal, cursors }) => {
        const { cursor, limit } = parseWith(MyListQuery, query, 'query');
        const after = cursors.open(cursor, {});
        const all = await familyRegistrations(principal);
        const page = pageOfList(all, (r) => r.registrationId, 'descending', limit, after);
        return json(200, pageBody(page.items.map(familyView), cursors.seal(page.next, {})));
      },
      'GET /v1/birth-registrations': async (request) => {
        const { query, principal, cursors } = request;
        const { status, region, cursor, limit } = parseWith(RegistrationListQuery, query, 'query');
        const prefix = scopedRegion(principal, region);
        const filters = { status, region: prefix };
        const start = decodeCursor(cursors.open(cursor, filters));
        if (status === 'registered-elsewhere') {
          const page = await deps.elsewhere.listByRegion(prefix, limit, start);
          await recordRead(request, 'counter-service', page.items.flatMap(readsOfElsewhere));
          return json(
            200,
            pageBody(page.items.map(elsewhereView), cursors.seal(encodeCursor(page.next), filters)),
          );
        }
        const page = await deps.registrations.listByStatus(status, prefix, limit, start);
        const reads = await Promise.all(page.items.map(readsOfRegistration));
        await recordRead(request, 'counter-service', reads.flat());
        return json(
          200,
          pageBody(page.items.map(registrationView), cursors.seal(encodeCursor(page.next), filters)),
        );
      },
      'GET /v1/households': async (request) => {
        const { query } = request;
        const { personId } = parseWith(HouseholdQuery, query, 'query');
        const household = await deps.households.findByMember(personId);
        if (!household) return json(200, { items: [] });
        const shown = await householdView(household, request.principal);
        await recordRead(request, 'counter-service', await readsOfHousehold(household));
        return json(200, { items: [shown] });
      },
      'GET /v1/households/{householdId}': async (request) => {
        const { pathParameters } = request;
        const { householdId } = parseWith(HouseholdIdParams, pathParameters, 'path');
        const household = await deps.households.find(householdId);
        if (!household) throw new NotFoundError('No household with this id.');
        const shown = await householdView(household, request.principal);
        await recordRead(request, 'counter-service', await readsOfHousehold(household));
        return json(200, shown, { etag: etagOf(household.version) });
      },
      'GET /v1/birth-registrations/{registrationId}': async (request) => {
        const { pathParameters } = request;
        const { registrationId } = parseWith(RegistrationIdParams, pathParameters, 'path');
        const { registration, elsewhere } = await findInScope(registrationId, request.principal);
        if (elsewhere) {
          await recordRead(request, 'counter-service', readsOfElsewhere(elsewhere));
          return json(200, elsewhereView(elsewhere));
        }
        if (!registration) throw new NotFoundError('No birth registration with this id.');
        await recordRead(request, 'counter-service', await readsOfRegistration(registration));
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
  const [hashKey, encryptionKey, refKey, cursorSecret] = await Promise.all([
    loadSecret('resident-id-hash-key'),
    loadSecret('resident-id-encryption-key'),
    loadSecret('person-ref-key'),
    loadSecret('cursor-key'),
  ]);
  const cipher = aesGcmFieldCipher(encryptionKey);
  return buildBirthRegistrationsApi({
    registrations: dynamoBirthRegistrationRepository(documents, table, cipher),
    accessLog: dynamoAccessLog(documents, table),
    elsewhere: dynamoBirthsElsewhere(documents, table),
    households: dynamoHouseholdRepository(documents, table),
    persons: dynamoPersonRepository(documents, table),
    mandates: dynamoMandateRepository(documents, table),
    hasher: hmacResidentIdHasher(hashKey),
    personRefOf: (residentId) => personRefOf(refKey, residentId),
    idempotency: idempotencyStore(client),
    cursorSecret,
  });
});

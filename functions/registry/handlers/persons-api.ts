import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { tableName } from '../../../shared/aws/config';
import { documentClient, dynamoDbClient } from '../../../shared/aws/dynamodb';
import { idempotencyStore } from '../../../shared/aws/idempotency-store';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { loadSecret } from '../../../shared/aws/secrets';
import { type Clock, systemClock } from '../../../shared/domain/clock';
import { NotFoundError } from '../../../shared/domain/errors';
import { newUlid } from '../../../shared/domain/ids';
import { personRefOf } from '../../../shared/domain/person-ref';
import { normaliseResidentId } from '../../../shared/domain/resident-id';
import { readRecorder } from '../../../shared/http/access-read';
import { apiHandler } from '../../../shared/http/api-handler';
import { coversRecord, type Principal, requireRegionScope } from '../../../shared/http/auth';
import { idempotentPosts } from '../../../shared/http/idempotency';
import { etagOf, json, parseJsonBody, parseWith, requireIfMatch } from '../../../shared/http/request';
import { functionSpec } from '../../../shared/manifest';
import type { Observability } from '../../../shared/observability';
import { dynamoAccessLog } from '../adapters/access-log-repository';
import { dynamoPersonRepository } from '../adapters/person-repository';
import { hmacResidentIdHasher } from '../adapters/resident-id-hasher';
import { type AccessLog, accessEntriesOf } from '../domain/access-log';
import { type Person, type PersonAction, recordPerson, regionsOf } from '../domain/person';
import { changePerson, type PersonChange } from '../domain/person-changes';
import type { PersonRefOf, PersonRepository, ResidentIdHasher, StoredPerson } from '../domain/ports';
import { registryManifest } from '../manifest';
import {
  ChangeResidenceRequest,
  CorrectPersonRequest,
  PersonActionParams,
  type PersonActionView,
  PersonIdParams,
  PersonSearchQuery,
  type PersonView,
  RecordDeathRequest,
  RecordDisabilityRequest,
  RecordPersonRequest,
} from '../schemas';

const FUNCTION = 'registry-persons-api';

export interface PersonsApiDeps {
  readonly persons: PersonRepository;
  /** Every staff read of a person is appended here before the answer leaves. */
  readonly accessLog: AccessLog;
  readonly hasher: ResidentIdHasher;
  readonly personRefOf: PersonRefOf;
  readonly clock?: Clock;
  readonly newId?: () => string;
  readonly idempotency?: BasePersistenceLayer;
  readonly observability?: Observability;
}

/** A person as staff see them: no bookkeeping, and no cross-province reference (derived from the ID). */
const view = ({
  recordedBy: _by,
  eventId: _event,
  lastChange: _change,
  lastChangeOrigin: _origin,
  personRef: _ref,
  ...person
}: Person): PersonView => person;
const actionView = ({ personId: _person, ...action }: PersonAction): PersonActionView => action;
const inScope = (principal: Principal, person: Person) => coversRecord(principal, regionsOf(person));

/**
 * The population register for staff: record a person (registrar), search and read within
 * the caller's region (registrar, auditor), correct recorded facts with a reason, record a
 * death or a change of residence (registrar). Every change is an action in the person's
 * append-only history, guarded by If-Match.
 */
export function buildPersonsApi(deps: PersonsApiDeps) {
  const clock = deps.clock ?? systemClock;
  const newId = deps.newId ?? (() => newUlid(clock.now().getTime()));
  const recordRead = readRecorder(
    { record: async (read, reads) => deps.accessLog.append(accessEntriesOf(read, reads)) },
    clock,
    newId,
  );
  const readOf = (person: Person, record: string) => ({
    personId: person.personId,
    record,
    regions: regionsOf(person),
  });
  const context = (principal: Principal) => ({
    actor: principal.subject,
    clock,
    newId,
    personRefOf: deps.personRefOf,
  });

  /** The person, in the caller's region, at the version the caller last read. */
  const getForChange = async (
    personId: string,
    principal: Principal,
    headers: Record<string, string | undefined>,
  ) => {
    const stored = await getPerson(personId, principal);
    requireIfMatch(headers, stored.person.version);
    return stored;
  };
  const getPerson = async (personId: string, principal: Principal): Promise<StoredPerson> => {
    const stored = await deps.persons.find(personId);
    if (!stored) throw new NotFoundError('No person with this id.');
    requireRegionScope(principal, regionsOf(stored.person));
    return stored;
  };
  const applyChange = async (stored: StoredPerson, change: PersonChange, principal: Principal) => {
    const { person, action, newResidentId } = changePerson(
      stored.person,
      change,
      context(principal),
      (id) => deps.hasher.hash(id) === stored.residentIdHash,
    );
    // A correction may move the person out of the caller's region only if it stays in scope.
    // A move is different: the registrar of the region a person leaves records where they
    // went, even to another province (whose hukou province is then told), and no longer sees them.
    if (change.type !== 'change-residence') requireRegionScope(principal, regionsOf(person));
    const to = newResidentId ? deps.hasher.hash(newResidentId) : stored.residentIdHash;
    await deps.persons.update(
      person,
      stored.person.version,
      action,
      { from: stored.residentIdHash, to },
      stored.person.personRef,
    );
    return json(200, view(person), { etag: etagOf(person.version) });
  };

  return apiHandler({
    service: FUNCTION,
    routes: functionSpec(registryManifest, FUNCTION).routes ?? [],
    ...(deps.idempotency ? { idempotency: idempotentPosts(deps.idempotency) } : {}),
    observability: deps.observability,
    handlers: {
      'POST /v1/persons': async ({ event, principal }) => {
        const input = parseJsonBody(event, RecordPersonRequest);
        requireRegionScope(principal, regionsOf(input));
        const { person, residentId, action } = recordPerson(input, context(principal));
        await deps.persons.add(person, deps.hasher.hash(residentId), action);
        return json(201, view(person), {
          location: `/v1/persons/${person.personId}`,
          etag: etagOf(person.version),
        });
      },
      'GET /v1/persons': async (request) => {
        const { query, principal } = request;
        const search = parseWith(PersonSearchQuery, query, 'query');
        const found =
          'residentId' in search
            ? [
                await deps.persons.findByResidentIdHash(
                  deps.hasher.hash(normaliseResidentId(search.residentId)),
                ),
              ]
            : await deps.persons.findByNameAndBirthDate(search.name, search.birthDate);
        // Matches outside the caller's region are left out, not refused: a search must not
        // reveal that someone is recorded elsewhere.
        const items = found.filter((s): s is StoredPerson => s !== undefined && inScope(principal, s.person));
        await recordRead(
          request,
          'counter-service',
          items.map((s) => readOf(s.person, `person/${s.person.personId}`)),
        );
        return json(200, { items: items.map((s) => view(s.person)) });
      },
      'GET /v1/persons/{personId}': async (request) => {
        const { pathParameters } = request;
        const { personId } = parseWith(PersonIdParams, pathParameters, 'path');
        const { person } = await getPerson(personId, request.principal);
        await recordRead(request, 'counter-service', [readOf(person, `person/${personId}`)]);
        return json(200, view(person), { etag: etagOf(person.version) });
      },
      'GET /v1/persons/{personId}/history': async (request) => {
        const { pathParameters } = request;
        const { personId } = parseWith(PersonIdParams, pathParameters, 'path');
        const { person } = await getPerson(personId, request.principal);
        const history = await deps.persons.history(personId);
        await recordRead(request, 'counter-service', [readOf(person, `person/${personId}/history`)]);
        return json(200, { items: history.map(actionView) });
      },
      'PATCH /v1/persons/{personId}': async ({ event, pathParameters, principal, headers }) => {
        const { personId } = parseWith(PersonIdParams, pathParameters, 'path');
        const correction = parseJsonBody(event, CorrectPersonRequest);
        const stored = await getForChange(personId, principal, headers);
        return applyChange(stored, { type: 'correct', ...correction }, principal);
      },
      'POST /v1/persons/{personId}/actions/{action}': async ({
        event,
        pathParameters,
        principal,
        headers,
      }) => {
        const { personId, action } = parseWith(PersonActionParams, pathParameters, 'path');
        const change: PersonChange =
          action === 'record-death'
            ? { type: 'record-death', ...parseJsonBody(event, RecordDeathRequest) }
            : action === 'record-disability'
              ? { type: 'record-disability', ...parseJsonBody(event, RecordDisabilityRequest) }
              : { type: 'change-residence', ...parseJsonBody(event, ChangeResidenceRequest) };
        const stored = await getForChange(personId, principal, headers);
        return applyChange(stored, change, principal);
      },
    },
  });
}

export const handler = initOnce(async () => {
  const client = dynamoDbClient();
  const [hashKey, refKey] = await Promise.all([
    loadSecret('resident-id-hash-key'),
    loadSecret('person-ref-key'),
  ]);
  const documents = documentClient(client);
  return buildPersonsApi({
    persons: dynamoPersonRepository(documents, tableName('registry')),
    accessLog: dynamoAccessLog(documents, tableName('registry')),
    hasher: hmacResidentIdHasher(hashKey),
    personRefOf: (residentId) => personRefOf(refKey, residentId),
    idempotency: idempotencyStore(client),
  });
});

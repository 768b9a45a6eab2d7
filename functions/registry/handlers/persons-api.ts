import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { tableName } from '../../../shared/aws/config';
import { documentClient, dynamoDbClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { loadSecret } from '../../../shared/aws/secrets';
import { type Clock, systemClock } from '../../../shared/domain/clock';
import { NotFoundError } from '../../../shared/domain/errors';
import { newUlid } from '../../../shared/domain/ids';
import { apiHandler } from '../../../shared/http/api-handler';
import { requireRegionScope } from '../../../shared/http/auth';
import { idempotentPosts } from '../../../shared/http/idempotency';
import { json, parseJsonBody, parseWith } from '../../../shared/http/request';
import { functionSpec } from '../../../shared/manifest';
import type { Observability } from '../../../shared/observability';
import { dynamoPersonRepository } from '../adapters/person-repository';
import { hmacResidentIdHasher } from '../adapters/resident-id-hasher';
import { type Person, recordPerson, regionsOf } from '../domain/person';
import type { PersonRepository, ResidentIdHasher } from '../domain/ports';
import { registryManifest } from '../manifest';
import { PersonIdParams, type PersonView, RecordPersonRequest } from '../schemas';

const FUNCTION = 'registry-persons-api';

export interface PersonsApiDeps {
  readonly persons: PersonRepository;
  readonly hasher: ResidentIdHasher;
  readonly clock?: Clock;
  readonly newId?: () => string;
  readonly idempotency?: BasePersistenceLayer;
  readonly observability?: Observability;
}

const view = ({ recordedBy: _by, updatedAt: _at, eventId: _event, ...person }: Person): PersonView => person;
const etag = (person: Person) => `"${person.version}"`;

/** Record a person (registrar) and read one (registrar, auditor), both within the caller's region. */
export function buildPersonsApi(deps: PersonsApiDeps) {
  const clock = deps.clock ?? systemClock;
  const newId = deps.newId ?? (() => newUlid(clock.now().getTime()));
  return apiHandler({
    service: FUNCTION,
    routes: functionSpec(registryManifest, FUNCTION).routes ?? [],
    ...(deps.idempotency ? { idempotency: idempotentPosts(deps.idempotency) } : {}),
    observability: deps.observability,
    handlers: {
      'POST /v1/persons': async ({ event, principal }) => {
        const input = parseJsonBody(event, RecordPersonRequest);
        requireRegionScope(principal, regionsOf(input));
        const { person, residentId } = recordPerson(input, { actor: principal.subject, clock, newId });
        await deps.persons.add(person, deps.hasher.hash(residentId));
        return json(201, view(person), {
          location: `/v1/persons/${person.personId}`,
          etag: etag(person),
        });
      },
      'GET /v1/persons/{personId}': async ({ pathParameters, principal }) => {
        const { personId } = parseWith(PersonIdParams, pathParameters, 'path');
        const person = await deps.persons.find(personId);
        if (!person) throw new NotFoundError('No person with this id.');
        requireRegionScope(principal, regionsOf(person));
        return json(200, view(person), { etag: etag(person) });
      },
    },
  });
}

export const handler = initOnce(async () => {
  const client = dynamoDbClient();
  return buildPersonsApi({
    persons: dynamoPersonRepository(documentClient(client), tableName('registry')),
    hasher: hmacResidentIdHasher(await loadSecret('resident-id-hash-key')),
    idempotency: new DynamoDBPersistenceLayer({
      tableName: tableName('idempotency'),
      awsSdkV3Client: client,
    }),
  });
});

import { province, tableName } from '../../../shared/aws/config';
import { documentClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { type Clock, systemClock } from '../../../shared/domain/clock';
import { NotFoundError } from '../../../shared/domain/errors';
import { newUlid } from '../../../shared/domain/ids';
import { type AccessSink, readRecorder } from '../../../shared/http/access-read';
import { apiHandler } from '../../../shared/http/api-handler';
import { requireRegionScope } from '../../../shared/http/auth';
import { etagOf, json, parseWith } from '../../../shared/http/request';
import { functionSpec } from '../../../shared/manifest';
import type { Observability } from '../../../shared/observability';
import { payoutAccessEvents } from '../adapters/access-events';
import { dynamoOutboxRepository } from '../adapters/outbox-repository';
import { dynamoPersonFactsRepository } from '../adapters/person-facts-repository';
import type { PersonFactsRepository } from '../domain/ports';
import { payoutManifest } from '../manifest';
import { type PersonFactsView, PersonIdParams } from '../schemas';

const FUNCTION = 'payout-person-facts-api';

export interface PersonFactsApiDeps {
  readonly facts: PersonFactsRepository;
  /** Staff reads of person facts, for the registry's access log (port; payoutAccessEvents). */
  readonly accessReads: AccessSink;
  readonly clock?: Clock;
  readonly observability?: Observability;
}

/** Payout staff read the facts a payout decision rests on, within their region. */
export function buildPersonFactsApi(deps: PersonFactsApiDeps) {
  const clock = deps.clock ?? systemClock;
  const recordRead = readRecorder(deps.accessReads, clock, () => newUlid(clock.now().getTime()));
  return apiHandler({
    service: FUNCTION,
    routes: functionSpec(payoutManifest, FUNCTION).routes ?? [],
    observability: deps.observability,
    handlers: {
      'GET /v1/person-facts/{personId}': async (request) => {
        const { pathParameters } = request;
        const { personId } = parseWith(PersonIdParams, pathParameters, 'path');
        const facts = await deps.facts.find(personId);
        if (!facts) throw new NotFoundError('Payout holds no facts about this person.');
        const regions = [...new Set([facts.hukouRegion, facts.residenceRegion])];
        requireRegionScope(request.principal, regions);
        await recordRead(request, 'payout-review', [
          { personId, record: `person-facts/${personId}`, regions },
        ]);
        // The person reference is a national key's output: it never leaves the service.
        const { sourceEventId: _source, personRef: _ref, ...view } = facts;
        return json(200, view satisfies PersonFactsView, { etag: etagOf(facts.version) });
      },
    },
  });
}

export const handler = initOnce(() => {
  const db = documentClient();
  const table = tableName('payout');
  return buildPersonFactsApi({
    facts: dynamoPersonFactsRepository(db, table),
    accessReads: payoutAccessEvents(dynamoOutboxRepository(db, table), province()),
  });
});

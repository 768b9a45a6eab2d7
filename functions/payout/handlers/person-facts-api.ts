import { tableName } from '../../../shared/aws/config';
import { documentClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { NotFoundError } from '../../../shared/domain/errors';
import { apiHandler } from '../../../shared/http/api-handler';
import { requireRegionScope } from '../../../shared/http/auth';
import { etagOf, json, parseWith } from '../../../shared/http/request';
import { functionSpec } from '../../../shared/manifest';
import type { Observability } from '../../../shared/observability';
import { dynamoPersonFactsRepository } from '../adapters/person-facts-repository';
import type { PersonFactsRepository } from '../domain/ports';
import { payoutManifest } from '../manifest';
import { type PersonFactsView, PersonIdParams } from '../schemas';

const FUNCTION = 'payout-person-facts-api';

export interface PersonFactsApiDeps {
  readonly facts: PersonFactsRepository;
  readonly observability?: Observability;
}

/** Payout staff read the facts a payout decision rests on, within their region. */
export function buildPersonFactsApi(deps: PersonFactsApiDeps) {
  return apiHandler({
    service: FUNCTION,
    routes: functionSpec(payoutManifest, FUNCTION).routes ?? [],
    observability: deps.observability,
    handlers: {
      'GET /v1/person-facts/{personId}': async ({ pathParameters, principal }) => {
        const { personId } = parseWith(PersonIdParams, pathParameters, 'path');
        const facts = await deps.facts.find(personId);
        if (!facts) throw new NotFoundError('Payout holds no facts about this person.');
        requireRegionScope(principal, [facts.hukouRegion, facts.residenceRegion]);
        // The person reference is a national key's output: it never leaves the service.
        const { sourceEventId: _source, personRef: _ref, ...view } = facts;
        return json(200, view satisfies PersonFactsView, { etag: etagOf(facts.version) });
      },
    },
  });
}

export const handler = initOnce(() =>
  buildPersonFactsApi({ facts: dynamoPersonFactsRepository(documentClient(), tableName('payout')) }),
);

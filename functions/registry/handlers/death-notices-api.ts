import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { tableName } from '../../../shared/aws/config';
import { documentClient, dynamoDbClient } from '../../../shared/aws/dynamodb';
import { idempotencyStore } from '../../../shared/aws/idempotency-store';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { loadSecret } from '../../../shared/aws/secrets';
import { type Clock, systemClock } from '../../../shared/domain/clock';
import { NotFoundError } from '../../../shared/domain/errors';
import { newUlid } from '../../../shared/domain/ids';
import { readRecorder } from '../../../shared/http/access-read';
import { apiHandler } from '../../../shared/http/api-handler';
import { coversRecord, type Principal, scopedRegion } from '../../../shared/http/auth';
import { decodeCursor, encodeCursor, pageBody } from '../../../shared/http/cursor';
import { idempotentPosts } from '../../../shared/http/idempotency';
import { json, parseJsonBody, parseWith } from '../../../shared/http/request';
import { functionSpec } from '../../../shared/manifest';
import type { Observability } from '../../../shared/observability';
import { dynamoAccessLog } from '../adapters/access-log-repository';
import { dynamoHeldDeathNotices } from '../adapters/held-death-notices';
import { dynamoPersonRepository } from '../adapters/person-repository';
import { type AccessLog, accessEntriesOf } from '../domain/access-log';
import { decideHeldDeathNotice, type HeldDeathNotice } from '../domain/held-death-notice';
import type { HeldDeathNotices } from '../domain/inbound-ports';
import { regionsOf } from '../domain/person';
import type { PersonRepository, StoredPerson } from '../domain/ports';
import { registryManifest } from '../manifest';
import {
  HeldDeathNoticeActionParams,
  HeldDeathNoticeDecisionRequest,
  HeldDeathNoticeListQuery,
  type HeldDeathNoticeView,
} from '../schemas';

const FUNCTION = 'registry-death-notices-api';

export interface DeathNoticesApiDeps {
  readonly notices: HeldDeathNotices;
  readonly persons: PersonRepository;
  /** Every staff read of a held notice is appended here, for the person it names. */
  readonly accessLog: AccessLog;
  readonly clock?: Clock;
  readonly newId?: () => string;
  readonly idempotency?: BasePersistenceLayer;
  readonly observability?: Observability;
  /** The `cursor-key` secret (page cursors). */
  readonly cursorSecret?: string;
}

const view = (notice: HeldDeathNotice): HeldDeathNoticeView => notice;

/**
 * Death notices held because the sending province was not competent to give them
 * (neither the person's residence nor hukou province): registrars of the person's region
 * list them, confirm them (the death is recorded) or reject them with a reason.
 */
export function buildDeathNoticesApi(deps: DeathNoticesApiDeps) {
  const clock = deps.clock ?? systemClock;
  const newId = deps.newId ?? (() => newUlid(clock.now().getTime()));
  const recordRead = readRecorder(
    { record: async (read, reads) => deps.accessLog.append(accessEntriesOf(read, reads)) },
    clock,
    newId,
  );
  /** A notice names a person and their death: reading it is a read of that person's data. */
  const readOf = (notice: HeldDeathNotice) => ({
    personId: notice.personId,
    record: `held-death-notice/${notice.noticeId}`,
    regions: [notice.region],
  });

  /**
   * The notice and its person, if the caller's region covers the person. Outside the
   * region the answer is the same as for no notice at all: it tells nothing.
   */
  const getForDecision = async (
    noticeId: string,
    principal: Principal,
  ): Promise<{ notice: HeldDeathNotice; stored: StoredPerson }> => {
    const notice = await deps.notices.find(noticeId);
    const stored = notice ? await deps.persons.find(notice.personId) : undefined;
    if (!notice || !stored || !coversRecord(principal, regionsOf(stored.person))) {
      throw new NotFoundError('No held death notice with this id in your region.');
    }
    return { notice, stored };
  };

  return apiHandler({
    service: FUNCTION,
    routes: functionSpec(registryManifest, FUNCTION).routes ?? [],
    ...(deps.idempotency ? { idempotency: idempotentPosts(deps.idempotency) } : {}),
    observability: deps.observability,
    ...(deps.cursorSecret ? { cursorSecret: deps.cursorSecret } : {}),
    handlers: {
      'GET /v1/held-death-notices': async (request) => {
        const { query, principal, cursors } = request;
        const { region, cursor, limit } = parseWith(HeldDeathNoticeListQuery, query, 'query');
        // A region filter may narrow the caller's scope, never widen it.
        const prefix = scopedRegion(principal, region);
        const filters = { region: prefix };
        const page = await deps.notices.listHeld(prefix, limit, decodeCursor(cursors.open(cursor, filters)));
        await recordRead(request, 'counter-service', page.items.map(readOf));
        return json(200, pageBody(page.items.map(view), cursors.seal(encodeCursor(page.next), filters)));
      },
      'POST /v1/held-death-notices/{noticeId}/actions/{action}': async (request) => {
        const { event, pathParameters, principal } = request;
        const { noticeId, action } = parseWith(HeldDeathNoticeActionParams, pathParameters, 'path');
        const { reason } = parseJsonBody(event, HeldDeathNoticeDecisionRequest);
        const { notice, stored } = await getForDecision(noticeId, principal);
        const decided = decideHeldDeathNotice(notice, stored.person, action, {
          actor: principal.subject,
          clock,
          newId,
          ...(reason ? { reason } : {}),
        });
        await deps.notices.decide(
          decided.notice,
          decided.change
            ? {
                next: decided.change.person,
                expectedVersion: stored.person.version,
                residentIdHash: stored.residentIdHash,
                action: decided.change.action,
              }
            : undefined,
        );
        await recordRead(request, 'counter-service', [readOf(decided.notice)]);
        return json(200, view(decided.notice));
      },
    },
  });
}

export const handler = initOnce(async () => {
  const client = dynamoDbClient();
  const db = documentClient(client);
  const table = tableName('registry');
  return buildDeathNoticesApi({
    notices: dynamoHeldDeathNotices(db, table),
    persons: dynamoPersonRepository(db, table),
    accessLog: dynamoAccessLog(db, table),
    idempotency: idempotencyStore(client),
    cursorSecret: await loadSecret('cursor-key'),
  });
});

import type { SQSRecord } from 'aws-lambda';
import { batchHandler } from '../../../shared/aws/batch-handler';
import { province, tableName } from '../../../shared/aws/config';
import { documentClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { type Clock, systemClock } from '../../../shared/domain/clock';
import { newUlid } from '../../../shared/domain/ids';
import { PERSON_DATA_READ, parseDomainEvent } from '../../../shared/events/catalog';
import { type Observability, observability } from '../../../shared/observability';
import { dynamoAccessLog } from '../adapters/access-log-repository';
import { dynamoCertificateRepository } from '../adapters/certificate-repository';
import { dynamoInboundStore, dynamoRemoteVerifications } from '../adapters/exchange-records';
import { dynamoPersonRepository } from '../adapters/person-repository';
import { type AccessLog, accessEntriesOfPayoutEvent } from '../domain/access-log';
import type { InboundLookups, InboundStore } from '../domain/inbound-ports';
import { inboundService } from '../domain/inbound-service';

const SERVICE = 'registry-inbound-consumer';

export interface InboundConsumerDeps {
  readonly province: string;
  readonly lookups: InboundLookups;
  readonly store: InboundStore;
  /** Where payout's staff reads of persons' data are appended. */
  readonly accessLog: AccessLog;
  readonly clock?: Clock;
  readonly newId?: () => string;
  readonly observability?: Observability;
}

/**
 * Also takes payout's reports of its staff's reads of persons' data (`PERSON_DATA_READ`,
 * from this province's payout area only) and appends them to the access log.
 *
 * Takes the messages other provinces send the registry (registry-inbound, forwarded by the
 * exchange inbox after checking their signatures): parses them against the catalog, acts,
 * and answers each with an ack through the table stream. A malformed or unexpected message
 * fails and, after the queue's retries, rests in the DLQ; nothing is dropped silently.
 */
export function buildInboundConsumer(deps: InboundConsumerDeps) {
  const clock = deps.clock ?? systemClock;
  const obs = deps.observability ?? observability(SERVICE);
  const service = inboundService({
    province: deps.province,
    lookups: deps.lookups,
    store: deps.store,
    clock,
    newId: deps.newId ?? (() => newUlid(clock.now().getTime())),
  });
  return batchHandler({
    service: SERVICE,
    source: 'sqs',
    observability: obs,
    record: async (record: SQSRecord) => {
      const event = parseDomainEvent(record.body);
      if (event.type === PERSON_DATA_READ) {
        const entries = accessEntriesOfPayoutEvent(event, deps.province);
        await deps.accessLog.append(entries);
        obs.logger.info('access entries recorded', { messageId: event.id, entries: entries.length });
        return;
      }
      const result = await service.handle(event);
      // Ids, types and outcome codes only: the data names people. A refusal (fatal-error,
      // e.g. out-of-competence) is a warning: a partner said what it may not say.
      const refused = result !== 'duplicate' && result.outcome === 'fatal-error';
      obs.logger[refused ? 'warn' : 'info'](refused ? 'message refused' : 'message handled', {
        messageId: event.id,
        type: event.type,
        ...(refused ? { source: event.source } : {}),
        outcome: result === 'duplicate' ? 'duplicate' : result.outcome,
        ...(result !== 'duplicate' && result.reason ? { reason: result.reason } : {}),
      });
    },
  });
}

export const handler = initOnce(() => {
  const db = documentClient();
  const table = tableName('registry');
  const persons = dynamoPersonRepository(db, table);
  const certificates = dynamoCertificateRepository(db, table);
  const verifications = dynamoRemoteVerifications(db, table);
  return buildInboundConsumer({
    province: province(),
    lookups: {
      findPersonByRef: (ref) => persons.findByPersonRef(ref),
      findCertificateByCode: (code) => certificates.findByCode(code),
      findVerification: (id) => verifications.find(id),
    },
    store: dynamoInboundStore(db, table),
    accessLog: dynamoAccessLog(db, table),
  });
});

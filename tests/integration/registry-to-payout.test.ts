import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoBatchRepository } from '../../functions/payout/adapters/batch-repository';
import { dynamoClaimRegisterRepository } from '../../functions/payout/adapters/claim-register-repository';
import { dynamoEnrollmentRepository } from '../../functions/payout/adapters/enrollment-repository';
import { dynamoOutboxRepository } from '../../functions/payout/adapters/outbox-repository';
import { dynamoPersonFactsRepository } from '../../functions/payout/adapters/person-facts-repository';
import { dynamoProjectionRepository } from '../../functions/payout/adapters/projection-repository';
import { buildInboundConsumer } from '../../functions/payout/handlers/inbound-consumer';
import { payoutManifest } from '../../functions/payout/manifest';
import { dynamoPersonRepository } from '../../functions/registry/adapters/person-repository';
import { recordPerson } from '../../functions/registry/domain/person';
import { changePerson } from '../../functions/registry/domain/person-changes';
import { buildPublisher } from '../../functions/registry/handlers/publisher';
import { registryManifest } from '../../functions/registry/manifest';
import type { Poller } from '../../local/pollers/sqs-poller';
import { startSqsPoller } from '../../local/pollers/sqs-poller';
import { startStreamPoller } from '../../local/pollers/stream-poller';
import { sqsEventPublisher } from '../../shared/aws/event-publisher';
import { systemClock } from '../../shared/domain/clock';
import { newUlid } from '../../shared/domain/ids';
import { PERSON_RECORDED } from '../../shared/events/catalog';
import { eventSource } from '../../shared/events/envelope';
import { functionSpec } from '../../shared/manifest';
import { eventually, inProcessRuntime } from '../support/in-process-runtime';
import { context, quietObservability, sqsRecord } from '../support/lambda';
import { provisionForTest, queueDrained } from '../support/local-aws';
import { residentIdFor } from '../support/resident-ids';

const newPerson = (birth: string, sequence: string) => {
  return {
    residentId: residentIdFor('510104', birth, sequence),
    name: '李华',
    sex: Number(sequence) % 2 === 1 ? ('male' as const) : ('female' as const),
    birthDate: birth,
    hukouRegion: '510104',
    residenceRegion: '330106',
  };
};

/** A person.recorded event as the registry publisher would send it. */
const personRecorded = (personId: string, version: number, alive = true) => ({
  specversion: '1.0',
  id: newUlid(),
  source: eventSource('62', 'registry'),
  type: PERSON_RECORDED,
  time: new Date().toISOString(),
  subject: personId,
  datacontenttype: 'application/json',
  data: {
    personId,
    version,
    sex: 'female',
    birthDate: '1958-01-01',
    alive,
    hukouRegion: '510104',
    residenceRegion: '510104',
  },
});

describe('registry table stream → publisher → payout-inbound queue → consumer', () => {
  let aws: Awaited<ReturnType<typeof provisionForTest>>['aws'];
  let resources: Awaited<ReturnType<typeof provisionForTest>>['resources'];
  const pollers: Poller[] = [];
  const consumer = () =>
    buildInboundConsumer({
      province: '62',
      projection: dynamoProjectionRepository(aws.documents, resources.tables.payout),
      enrollments: dynamoEnrollmentRepository(aws.documents, resources.tables.payout),
      registers: dynamoClaimRegisterRepository(aws.documents, resources.tables.payout),
      batches: dynamoBatchRepository(aws.documents, resources.tables.payout),
      outbox: dynamoOutboxRepository(aws.documents, resources.tables.payout),
      observability: quietObservability(),
    });
  const facts = () => dynamoPersonFactsRepository(aws.documents, resources.tables.payout);
  const queueUrl = () => resources.queues['payout-inbound']?.url ?? '';

  beforeAll(async () => {
    ({ aws, resources } = await provisionForTest('62'));
    const publisher = buildPublisher({
      province: '62',
      payout: sqsEventPublisher(aws.sqs, queueUrl()),
      exchange: sqsEventPublisher(aws.sqs, resources.queues['exchange-outbound']?.url ?? ''),
      observability: quietObservability(),
    });
    const publisherSpec = functionSpec(registryManifest, 'registry-publisher');
    pollers.push(
      startStreamPoller({
        streams: aws.streams,
        streamArn: resources.streams.registry ?? '',
        batchSize: 100,
        retryAttempts: 3,
        runtime: inProcessRuntime(publisherSpec, publisher),
        checkpoints: new Map<string, string>(),
        onFailure: { sqs: aws.sqs, queueUrl: resources.streamDlqs.registry?.url ?? '' },
        log: () => undefined,
        idleMs: 50,
      }),
      startSqsPoller({
        sqs: aws.sqs,
        queueUrl: queueUrl(),
        queueArn: resources.queues['payout-inbound']?.arn ?? '',
        batchSize: 10,
        concurrency: 1,
        runtime: inProcessRuntime(functionSpec(payoutManifest, 'payout-inbound-consumer'), consumer()),
        log: () => undefined,
      }),
    );
  });

  afterAll(async () => {
    await Promise.all(pollers.map((p) => p.stop()));
  });

  it('delivers a recorded person to payout, without name or resident ID', async () => {
    const { person, action } = recordPerson(newPerson('1960-04-04', '321'), {
      actor: 'registrar-1',
      clock: systemClock,
      newId: () => newUlid(),
    });
    await dynamoPersonRepository(aws.documents, resources.tables.registry).add(person, 'hash-1', action);
    const held = await eventually(() => facts().find(person.personId));
    expect(held).toMatchObject({
      personId: person.personId,
      version: 1,
      sex: 'male',
      birthDate: '1960-04-04',
      alive: true,
      hukouRegion: '510104',
      residenceRegion: '330106',
      sourceEventId: person.eventId,
    });
    const scan = await aws.dynamodb.send(new ScanCommand({ TableName: resources.tables.payout }));
    const stored = JSON.stringify(scan.Items);
    expect(stored).not.toContain('李华');
    expect(stored).not.toMatch(/residentId|\d{17}[\dX]/);
  });

  it('carries a recorded death to payout as a person.deceased event', async () => {
    const persons = dynamoPersonRepository(aws.documents, resources.tables.registry);
    const context = { actor: 'registrar-1', clock: systemClock, newId: () => newUlid() };
    const { person, action } = recordPerson(newPerson('1955-02-03', '411'), context);
    await persons.add(person, 'hash-2', action);
    await eventually(() => facts().find(person.personId));
    const died = changePerson(person, { type: 'record-death', deathDate: '2026-01-05' }, context, () => true);
    await persons.update(
      died.person,
      person.version,
      died.action,
      { from: 'hash-2', to: 'hash-2' },
      person.personRef,
    );
    const held = await eventually(async () => {
      const f = await facts().find(person.personId);
      return f?.version === 2 ? f : undefined;
    });
    expect(held).toMatchObject({ alive: false, deathDate: '2026-01-05', sourceEventId: died.person.eventId });
  });

  it('ignores a redelivered or older event and applies a newer one', async () => {
    const personId = newUlid();
    const send = (body: unknown) =>
      aws.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl(), MessageBody: JSON.stringify(body) }));
    const v1 = personRecorded(personId, 1);
    await send(v1);
    const first = await eventually(() => facts().find(personId));
    await send(v1);
    await send(personRecorded(personId, 3, false));
    const third = await eventually(async () => {
      const f = await facts().find(personId);
      return f?.version === 3 ? f : undefined;
    });
    await send(personRecorded(personId, 2));
    await send(v1);
    // Once the stale deliveries are consumed, they have changed nothing.
    await queueDrained(aws.sqs, queueUrl());
    expect(first.version).toBe(1);
    expect(await facts().find(personId)).toEqual(third);
    expect(third.alive).toBe(false);
  });

  it('reports only the malformed records of a batch as failures', async () => {
    const personId = newUlid();
    const good = personRecorded(personId, 1);
    const event: SQSEvent = {
      Records: [
        sqsRecord('good', JSON.stringify(good)),
        sqsRecord('not-json', '{'),
        sqsRecord(
          'unknown-type',
          JSON.stringify({ ...good, id: newUlid(), type: 'cn.gov.jiahe.something.else.v1' }),
        ),
        sqsRecord(
          'bad-data',
          JSON.stringify({ ...good, id: newUlid(), data: { ...good.data, version: -1 } }),
        ),
      ],
    };
    const response = (await consumer()(event, context())) as SQSBatchResponse;
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual([
      'bad-data',
      'not-json',
      'unknown-type',
    ]);
    expect(await facts().find(personId)).toMatchObject({ version: 1 });
  });
});

import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoAccessLog } from '../../functions/registry/adapters/access-log-repository';
import { dynamoBirthRegistrationRepository } from '../../functions/registry/adapters/birth-registration-repository';
import {
  dynamoCertificateHouseholds,
  dynamoCertificateRepository,
} from '../../functions/registry/adapters/certificate-repository';
import {
  dynamoBirthsElsewhere,
  dynamoInboundStore,
  dynamoRemoteVerifications,
} from '../../functions/registry/adapters/exchange-records';
import { aesGcmFieldCipher } from '../../functions/registry/adapters/field-cipher';
import { dynamoHeldDeathNotices } from '../../functions/registry/adapters/held-death-notices';
import { dynamoHouseholdRepository } from '../../functions/registry/adapters/household-repository';
import { dynamoMandateRepository } from '../../functions/registry/adapters/mandate-repository';
import { dynamoPersonRepository } from '../../functions/registry/adapters/person-repository';
import { hmacResidentIdHasher } from '../../functions/registry/adapters/resident-id-hasher';
import { registryFamilyDirectory } from '../../functions/registry/domain/family-directory';
import { buildBirthRegistrationsApi } from '../../functions/registry/handlers/birth-registrations-api';
import { buildCertificatesApi } from '../../functions/registry/handlers/certificates-api';
import { buildDeathNoticesApi } from '../../functions/registry/handlers/death-notices-api';
import { buildInboundConsumer } from '../../functions/registry/handlers/inbound-consumer';
import { buildPersonsApi } from '../../functions/registry/handlers/persons-api';
import { buildPublisher } from '../../functions/registry/handlers/publisher';
import { registryManifest } from '../../functions/registry/manifest';
import type { Poller } from '../../local/pollers/sqs-poller';
import { startSqsPoller } from '../../local/pollers/sqs-poller';
import { startStreamPoller } from '../../local/pollers/stream-poller';
import { sqsEventPublisher } from '../../shared/aws/event-publisher';
import { fixedClock } from '../../shared/domain/clock';
import { newUlid } from '../../shared/domain/ids';
import {
  ACK,
  BIRTH_REGISTERED,
  CERTIFICATE_VERIFY_ANSWERED,
  CERTIFICATE_VERIFY_REQUESTED,
  PERSON_DECEASED,
  PERSON_RESIDENCE_ENDED,
  PERSON_RESIDENCE_REGISTERED,
} from '../../shared/events/catalog';
import { type EventEnvelope, provinceUrn } from '../../shared/events/envelope';
import { functionSpec } from '../../shared/manifest';
import { staffClaims } from '../support/api-event';
import { callApi } from '../support/call-api';
import { eventually, inProcessRuntime } from '../support/in-process-runtime';
import { context, quietObservability, sqsRecord } from '../support/lambda';
import { provisionForTest } from '../support/local-aws';
import { testPersonRefOf } from '../support/person-refs';
import { residentIdFor, residentIdsIn } from '../support/resident-ids';

/**
 * Two provinces' registries side by side (81 and 82, each with its own tables and queues),
 * with their publishers on the table streams and their inbound consumers on registry-inbound,
 * run by the local cloud's pollers. The exchange between them is played by the test: it
 * takes a request from one province's exchange-outbound and puts it, with the sender's
 * province URN as source, on the other's registry-inbound, as the exchange inbox would.
 */
const A = '81';
const B = '82';
type Api = Parameters<typeof callApi>[0];

interface Province {
  readonly code: string;
  readonly table: string;
  readonly outboundUrl: string;
  readonly inboundUrl: string;
  readonly persons: Api;
  readonly births: Api;
  readonly certificates: Api;
  readonly deathNotices: Api;
  readonly consumer: ReturnType<typeof buildInboundConsumer>;
  readonly accessLog: ReturnType<typeof dynamoAccessLog>;
  readonly registrar: Record<string, string>;
  /** Every request to exchange-outbound seen so far. */
  readonly sent: EventEnvelope[];
}

describe('registry notifications between provinces (81 ⇄ 82)', () => {
  let aws: Awaited<ReturnType<typeof provisionForTest>>['aws'];
  const provinces = new Map<string, Province>();
  const pollers: Poller[] = [];
  const of = (code: string) => provinces.get(code) as Province;

  beforeAll(async () => {
    for (const code of [A, B]) {
      const provisioned = await provisionForTest(code);
      aws = provisioned.aws;
      const { resources } = provisioned;
      const table = resources.tables.registry;
      const db = aws.documents;
      const persons = dynamoPersonRepository(db, table);
      const certificates = dynamoCertificateRepository(db, table);
      const verifications = dynamoRemoteVerifications(db, table);
      const hasher = hmacResidentIdHasher(`${code}`.repeat(32));
      const consumer = buildInboundConsumer({
        accessLog: dynamoAccessLog(db, table),
        province: code,
        lookups: {
          findPersonByRef: (ref) => persons.findByPersonRef(ref),
          findCertificateByCode: (c) => certificates.findByCode(c),
          findVerification: (id) => verifications.find(id),
        },
        store: dynamoInboundStore(db, table),
        observability: quietObservability(),
      });
      const province: Province = {
        code,
        table,
        outboundUrl: resources.queues['exchange-outbound']?.url ?? '',
        inboundUrl: resources.queues['registry-inbound']?.url ?? '',
        persons: buildPersonsApi({
          accessLog: dynamoAccessLog(db, table),
          persons,
          hasher,
          personRefOf: testPersonRefOf,
          observability: quietObservability(),
        }),
        births: buildBirthRegistrationsApi({
          accessLog: dynamoAccessLog(db, table),
          registrations: dynamoBirthRegistrationRepository(db, table, aesGcmFieldCipher('e'.repeat(64))),
          elsewhere: dynamoBirthsElsewhere(db, table),
          households: dynamoHouseholdRepository(db, table),
          persons,
          mandates: dynamoMandateRepository(db, table),
          hasher,
          personRefOf: testPersonRefOf,
          observability: quietObservability(),
        }),
        certificates: buildCertificatesApi({
          accessLog: dynamoAccessLog(db, table),
          certificates,
          households: dynamoCertificateHouseholds(db, table),
          remoteVerifications: verifications,
          province: code,
          family: registryFamilyDirectory({
            persons,
            households: dynamoHouseholdRepository(db, table),
            mandates: dynamoMandateRepository(db, table),
          }),
          personRefOf: testPersonRefOf,
          observability: quietObservability(),
        }),
        deathNotices: buildDeathNoticesApi({
          notices: dynamoHeldDeathNotices(db, table),
          persons,
          accessLog: dynamoAccessLog(db, table),
          clock: fixedClock('2026-06-01T02:00:00.000Z'),
          observability: quietObservability(),
        }),
        consumer,
        accessLog: dynamoAccessLog(db, table),
        registrar: staffClaims(`registrar-${code}`, ['registrar'], `${code}0000`),
        sent: [],
      };
      provinces.set(code, province);
      const publisher = buildPublisher({
        province: code,
        payout: sqsEventPublisher(aws.sqs, resources.queues['payout-inbound']?.url ?? ''),
        exchange: sqsEventPublisher(aws.sqs, province.outboundUrl),
        observability: quietObservability(),
      });
      pollers.push(
        startStreamPoller({
          streams: aws.streams,
          streamArn: resources.streams.registry ?? '',
          batchSize: 100,
          retryAttempts: 3,
          runtime: inProcessRuntime(functionSpec(registryManifest, 'registry-publisher'), publisher),
          checkpoints: new Map<string, string>(),
          onFailure: { sqs: aws.sqs, queueUrl: resources.streamDlqs.registry?.url ?? '' },
          log: () => undefined,
          idleMs: 50,
        }),
        startSqsPoller({
          sqs: aws.sqs,
          queueUrl: province.inboundUrl,
          queueArn: resources.queues['registry-inbound']?.arn ?? '',
          batchSize: 10,
          concurrency: 1,
          runtime: inProcessRuntime(functionSpec(registryManifest, 'registry-inbound-consumer'), consumer),
          log: () => undefined,
        }),
      );
    }
  });

  afterAll(async () => {
    await Promise.all(pollers.map((p) => p.stop()));
  });

  /** Waits until `province` has asked the exchange to send messages matching `match`. */
  const sentBy = (code: string, match: (m: EventEnvelope) => boolean) =>
    eventually(async () => {
      const p = of(code);
      const out = await aws.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: p.outboundUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      for (const m of out.Messages ?? []) {
        p.sent.push(JSON.parse(m.Body ?? '{}'));
        await aws.sqs.send(
          new DeleteMessageCommand({ QueueUrl: p.outboundUrl, ReceiptHandle: m.ReceiptHandle }),
        );
      }
      const found = p.sent.filter(match);
      return found.length > 0 ? found : undefined;
    });

  /** Delivers a request to its recipient's registry-inbound, as the exchange inbox would. */
  const deliver = async (from: string, message: EventEnvelope) => {
    const to = of(message.recipient?.slice(11, 13) ?? '');
    const { recipient: _r, ...rest } = message;
    const forwarded = { ...rest, source: provinceUrn(from), recipient: provinceUrn(to.code) };
    await aws.sqs.send(
      new SendMessageCommand({ QueueUrl: to.inboundUrl, MessageBody: JSON.stringify(forwarded) }),
    );
    return forwarded;
  };

  const ackFor = (code: string, messageId: string) =>
    sentBy(code, (m) => m.type === ACK && m.correlationid === messageId).then(
      (acks) => acks[0] as EventEnvelope,
    );

  const noResidentIds = (messages: readonly EventEnvelope[]) => {
    expect(residentIdsIn(JSON.stringify(messages))).toEqual([]);
  };

  const recordPerson = async (code: string, body: Record<string, unknown>) => {
    const answer = await callApi(of(code).persons, 'POST', '/v1/persons', {
      body,
      claims: of(code).registrar,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body as { personId: string; version: number };
  };
  const personAction = async (
    code: string,
    personId: string,
    action: string,
    version: number,
    body: unknown,
  ) => {
    const answer = await callApi(of(code).persons, 'POST', '/v1/persons/{personId}/actions/{action}', {
      path: { personId, action },
      body,
      headers: { 'if-match': `"${version}"` },
      claims: of(code).registrar,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  };
  const history = async (code: string, personId: string) =>
    (
      await callApi(of(code).persons, 'GET', '/v1/persons/{personId}/history', {
        path: { personId },
        claims: of(code).registrar,
      })
    ).body.items as { type: string; reason?: string; origin?: string; changes: Record<string, unknown> }[];

  it('a person of 82 recorded as living in 81 is notified to 82, which records the residence with its origin and acks', async () => {
    const residentId = residentIdFor('820000', '1985-03-04', '031');
    const home = await recordPerson(B, {
      residentId,
      name: '陈澳',
      sex: 'male',
      birthDate: '1985-03-04',
      hukouRegion: '820000',
      hukouType: 'urban',
      residenceRegion: '820000',
    });
    const here = await recordPerson(A, {
      residentId,
      name: '陈澳',
      sex: 'male',
      birthDate: '1985-03-04',
      hukouRegion: '820000',
      residenceRegion: '810000',
    });
    // The person answer never shows the reference.
    expect(JSON.stringify(here)).not.toContain(testPersonRefOf(residentId));
    const [notice] = await sentBy(
      A,
      (m) => m.type === PERSON_RESIDENCE_REGISTERED && m.recipient === provinceUrn(B),
    );
    expect(notice).toMatchObject({
      recipient: provinceUrn(B),
      data: { personRef: testPersonRefOf(residentId), hukouRegion: '820000', residenceRegion: '810000' },
    });
    expect(notice?.subject).not.toContain(here.personId);
    noResidentIds([notice as EventEnvelope]);

    const delivered = await deliver(A, notice as EventEnvelope);
    const ack = await ackFor(B, delivered.id);
    expect(ack).toMatchObject({ recipient: provinceUrn(A), data: { outcome: 'ok' }, subject: delivered.id });
    const moved = await callApi(of(B).persons, 'GET', '/v1/persons/{personId}', {
      path: { personId: home.personId },
      claims: of(B).registrar,
    });
    expect(moved.body).toMatchObject({ residenceRegion: '810000', hukouType: 'urban', version: 2 });
    expect(moved.body.personRef).toBeUndefined();
    expect((await history(B, home.personId)).at(-1)).toMatchObject({
      type: 'residence-changed',
      reason: 'notified by province 81',
      origin: '81',
      changes: { residenceRegion: { from: '820000', to: '810000' } },
    });

    // The registrar of 81 records the move to another province; 82 hears the residence ended.
    await personAction(A, here.personId, 'change-residence', 1, {
      residenceRegion: '330106',
      since: '2026-02-01',
    });
    const [ended] = await sentBy(A, (m) => m.type === PERSON_RESIDENCE_ENDED);
    expect(ended?.data).toMatchObject({ residenceRegion: '810000', on: '2026-02-01' });
    const endedDelivered = await deliver(A, ended as EventEnvelope);
    await ackFor(B, endedDelivered.id);
    expect((await history(B, home.personId)).at(-1)).toMatchObject({
      origin: '81',
      changes: { residenceRegion: { from: '810000', to: '820000' } },
    });
  });

  it('a death recorded in 81 reaches the hukou province 82; a death 82 notifies to 81 is not sent back', async () => {
    const residentId = residentIdFor('820000', '1950-06-07', '051');
    const person = {
      residentId,
      name: '何老',
      sex: 'male',
      birthDate: '1950-06-07',
      hukouRegion: '820000',
      residenceRegion: '810000',
    };
    const home = await recordPerson(B, { ...person, residenceRegion: '820000' });
    const here = await recordPerson(A, person);
    // 82 learns where the person lives first: 81 is then competent to notify the death.
    const [residence] = await sentBy(
      A,
      (m) =>
        m.type === PERSON_RESIDENCE_REGISTERED &&
        (m.data as { personRef?: string }).personRef === testPersonRefOf(residentId),
    );
    const residenceDelivered = await deliver(A, residence as EventEnvelope);
    expect((await ackFor(B, residenceDelivered.id)).data).toEqual({ outcome: 'ok' });
    await personAction(A, here.personId, 'record-death', 1, { deathDate: '2026-03-03' });
    const [death] = await sentBy(A, (m) => m.type === PERSON_DECEASED && m.data !== null);
    expect(death).toMatchObject({
      recipient: provinceUrn(B),
      data: { alive: false, deathDate: '2026-03-03' },
    });
    noResidentIds([death as EventEnvelope]);
    // Our record id stays here (ADR 0004): the required personId carries the message's id.
    expect(JSON.stringify(death)).not.toContain(here.personId);
    expect((death as EventEnvelope).data).toMatchObject({ personId: (death as EventEnvelope).id });
    const delivered = await deliver(A, death as EventEnvelope);
    expect((await ackFor(B, delivered.id)).data).toEqual({ outcome: 'ok' });
    const recorded = await callApi(of(B).persons, 'GET', '/v1/persons/{personId}', {
      path: { personId: home.personId },
      claims: of(B).registrar,
    });
    expect(recorded.body).toMatchObject({ alive: false, deathDate: '2026-03-03' });

    // The other way: 82 (the hukou province) tells 81 of another person's death. 81 records
    // it and acks, but does not tell 82 what 82 told it.
    const otherId = residentIdFor('820000', '1948-01-02', '071');
    const other = await recordPerson(A, {
      ...person,
      residentId: otherId,
      birthDate: '1948-01-02',
      name: '何伯',
    });
    const notice: EventEnvelope = {
      specversion: '1.0',
      id: newUlid(),
      source: provinceUrn(B),
      type: PERSON_DECEASED,
      time: new Date().toISOString(),
      subject: newUlid(),
      datacontenttype: 'application/json',
      recipient: provinceUrn(A),
      data: {
        personId: newUlid(),
        version: 3,
        sex: 'male',
        birthDate: '1948-01-02',
        alive: false,
        deathDate: '2026-04-04',
        hukouRegion: '820000',
        residenceRegion: '810000',
        personRef: testPersonRefOf(otherId),
      },
    };
    const fromB = await deliver(B, notice);
    expect((await ackFor(A, fromB.id)).data).toEqual({ outcome: 'ok' });
    expect((await history(A, other.personId)).at(-1)).toMatchObject({ type: 'deceased', origin: '82' });
    const stored = await dynamoPersonRepository(aws.documents, of(A).table).find(other.personId);
    // The death's own event id would name a notice to 82; none was asked for. The ack came
    // after the death in the same transaction, so the publisher has passed the death by now.
    expect(of(A).sent.filter((m) => m.id === stored?.person.eventId)).toEqual([]);
  });

  it('a birth registered in 81 goes to both parents’ hukou provinces; 82 keeps it read-only as registered elsewhere', async () => {
    const motherId = residentIdFor('820000', '1994-05-06', '042');
    const fatherId = residentIdFor('510104', '1992-07-08', '013');
    const mother = await recordPerson(B, {
      residentId: motherId,
      name: '梁梅',
      sex: 'female',
      birthDate: '1994-05-06',
      hukouRegion: '820000',
      residenceRegion: '820000',
    });
    const submitted = await callApi(of(A).births, 'POST', '/v1/birth-registrations', {
      claims: of(A).registrar,
      body: {
        child: { name: '梁乐', sex: 'female', birthDate: '2026-09-01', birthRegion: '810000' },
        mother: { name: '梁梅', residentId: motherId, birthDate: '1994-05-06', hukouRegion: '820000' },
        father: { name: '周强', residentId: fatherId, birthDate: '1992-07-08', hukouRegion: '510104' },
        residenceRegion: '810000',
        birthOrder: 1,
      },
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const { registrationId } = submitted.body;
    const act = (action: string, version: number) =>
      callApi(of(A).births, 'POST', '/v1/birth-registrations/{registrationId}/actions/{action}', {
        path: { registrationId, action },
        body: {},
        headers: { 'if-match': `"${version}"` },
        claims: of(A).registrar,
      });
    expect((await act('validate', 1)).status).toBe(200);
    const registered = await act('register', 2);
    expect(registered.status, JSON.stringify(registered.body)).toBe(200);

    const births = await eventually(async () => {
      const found = await sentBy(A, (m) => m.type === BIRTH_REGISTERED);
      return found.length === 2 ? found : undefined;
    });
    expect(births.map((m) => m.recipient).sort()).toEqual([provinceUrn('51'), provinceUrn(B)]);
    expect(new Set(births.map((m) => m.id)).size).toBe(1);
    expect(births[0]).toMatchObject({
      subject: registered.body.registrationNumber,
      data: {
        motherHukouRegion: '820000',
        fatherHukouRegion: '510104',
        motherRef: testPersonRefOf(motherId),
        fatherRef: testPersonRefOf(fatherId),
      },
    });
    noResidentIds(births);

    const toB = births.find((m) => m.recipient === provinceUrn(B)) as EventEnvelope;
    const delivered = await deliver(A, toB);
    expect((await ackFor(B, delivered.id)).data).toEqual({ outcome: 'ok' });
    const listed = await callApi(of(B).births, 'GET', '/v1/birth-registrations', {
      query: { status: 'registered-elsewhere' },
      claims: of(B).registrar,
    });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(1);
    const [item] = listed.body.items;
    expect(item).toMatchObject({
      registrationId: delivered.id,
      status: 'registered-elsewhere',
      origin: { province: A, registrationNumber: registered.body.registrationNumber, registrationId },
      details: { child: { sex: 'female', birthDate: '2026-09-01' }, motherHukouRegion: '820000' },
      motherPersonId: mother.personId,
      availableActions: [],
    });
    const read = await callApi(of(B).births, 'GET', '/v1/birth-registrations/{registrationId}', {
      path: { registrationId: delivered.id },
      claims: of(B).registrar,
    });
    expect(read.body).toEqual(item);
    const edit = await callApi(
      of(B).births,
      'POST',
      '/v1/birth-registrations/{registrationId}/actions/{action}',
      {
        path: { registrationId: delivered.id, action: 'validate' },
        body: {},
        headers: { 'if-match': '"1"' },
        claims: of(B).registrar,
      },
    );
    expect(edit.status).toBe(409);
    // Staff of another region of 82 do not see it.
    const outside = await callApi(of(B).births, 'GET', '/v1/birth-registrations/{registrationId}', {
      path: { registrationId: delivered.id },
      claims: staffClaims('registrar-x', ['registrar'], '810000'),
    });
    expect(outside.status).toBe(403);

    // Delivered again: the same record, and no second ack.
    const again = { Records: [sqsRecord('again', JSON.stringify(delivered))] } as SQSEvent;
    expect(((await of(B).consumer(again, context())) as SQSBatchResponse).batchItemFailures).toEqual([]);
    const listedAgain = await callApi(of(B).births, 'GET', '/v1/birth-registrations', {
      query: { status: 'registered-elsewhere' },
      claims: of(B).registrar,
    });
    expect(listedAgain.body.items).toHaveLength(1);
    expect(of(B).sent.filter((m) => m.correlationid === delivered.id)).toHaveLength(1);
  });

  it('answers unknown-person for a reference that names nobody here', async () => {
    const notice: EventEnvelope = {
      specversion: '1.0',
      id: newUlid(),
      source: provinceUrn(A),
      type: PERSON_RESIDENCE_REGISTERED,
      time: new Date().toISOString(),
      subject: newUlid(),
      datacontenttype: 'application/json',
      recipient: provinceUrn(B),
      data: {
        personRef: testPersonRefOf(residentIdFor('820000', '1970-01-01', '999')),
        hukouRegion: '820000',
        residenceRegion: '810000',
        on: '2026-01-01',
      },
    };
    const delivered = await deliver(A, notice);
    expect((await ackFor(B, delivered.id)).data).toEqual({
      outcome: 'fatal-error',
      reason: 'unknown-person',
    });
  });

  it('verifies a certificate with the issuing province: pending until its answer arrives', async () => {
    const asked = await callApi(of(B).certificates, 'POST', '/v1/certificates/remote-verifications', {
      body: { province: A, verificationCode: 'abcd-efgh-2345-6789' },
      claims: of(B).registrar,
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(202);
    const { requestId } = asked.body;
    const read = () =>
      callApi(of(B).certificates, 'GET', '/v1/certificates/remote-verifications/{requestId}', {
        path: { requestId },
        claims: of(B).registrar,
      });
    expect((await read()).body).toMatchObject({ status: 'pending', province: A });
    const [question] = await sentBy(B, (m) => m.type === CERTIFICATE_VERIFY_REQUESTED);
    expect(question).toMatchObject({
      recipient: provinceUrn(A),
      data: { requestId, verificationCode: 'ABCDEFGH23456789' },
    });
    const deliveredQuestion = await deliver(B, question as EventEnvelope);
    const [answer] = await sentBy(A, (m) => m.type === CERTIFICATE_VERIFY_ANSWERED);
    expect(answer).toMatchObject({
      recipient: provinceUrn(B),
      correlationid: deliveredQuestion.id,
      data: { requestId, found: false, valid: false },
    });
    expect((await ackFor(A, deliveredQuestion.id)).data).toEqual({ outcome: 'ok' });
    await deliver(A, answer as EventEnvelope);
    const answered = await eventually(async () => {
      const now = await read();
      return now.body.status === 'answered' ? now.body : undefined;
    });
    expect(answered).toMatchObject({ answer: { found: false, valid: false } });
    // Asking one's own province is refused: that is the public verify route's job.
    const own = await callApi(of(B).certificates, 'POST', '/v1/certificates/remote-verifications', {
      body: { province: B, verificationCode: 'ABCDEFGH23456789' },
      claims: of(B).registrar,
    });
    expect(own.status).toBe(422);
  });

  it('fails malformed and unexpected messages (for the DLQ) and handles the good ones of the batch', async () => {
    const good = {
      specversion: '1.0',
      id: newUlid(),
      source: provinceUrn(A),
      type: PERSON_RESIDENCE_ENDED,
      time: new Date().toISOString(),
      subject: 'x',
      datacontenttype: 'application/json',
      data: {
        personRef: testPersonRefOf(residentIdFor('820000', '1971-01-01', '999')),
        hukouRegion: '820000',
        residenceRegion: '810000',
        on: '2026-01-01',
      },
    };
    const event = {
      Records: [
        sqsRecord('good', JSON.stringify(good)),
        sqsRecord('not-json', '{'),
        sqsRecord('own-province', JSON.stringify({ ...good, id: newUlid(), source: provinceUrn(B) })),
        sqsRecord(
          'not-for-registry',
          JSON.stringify({ ...good, id: newUlid(), type: ACK, data: { outcome: 'ok' } }),
        ),
        sqsRecord('bad-data', JSON.stringify({ ...good, id: newUlid(), data: { personRef: 'x' } })),
      ],
    } as SQSEvent;
    const response = (await of(B).consumer(event, context())) as SQSBatchResponse;
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual([
      'bad-data',
      'not-for-registry',
      'not-json',
      'own-province',
    ]);
    expect((await ackFor(B, good.id)).data).toEqual({ outcome: 'fatal-error', reason: 'unknown-person' });
  });

  describe('competence of the sending province', () => {
    /** A notice from `from` about a person known here by `residentId`. */
    const deathNotice = (from: string, residentId: string, deathDate: string): EventEnvelope => ({
      specversion: '1.0',
      id: newUlid(),
      source: provinceUrn(from),
      type: PERSON_DECEASED,
      time: '2026-05-01T00:00:00.000Z',
      subject: newUlid(),
      datacontenttype: 'application/json',
      recipient: provinceUrn(A),
      data: {
        personId: newUlid(),
        version: 2,
        sex: 'female',
        birthDate: '1950-01-01',
        alive: false,
        deathDate,
        // The sender's claim of where the person belongs decides nothing.
        hukouRegion: `${from}0106`,
        residenceRegion: `${from}0106`,
        personRef: testPersonRefOf(residentId),
      },
    });
    const held = (claims: Record<string, string>, query: Record<string, string> = {}) =>
      callApi(of(A).deathNotices, 'GET', '/v1/held-death-notices', { claims, query });
    const decide = (claims: Record<string, string>, noticeId: string, action: string, body: unknown) =>
      callApi(of(A).deathNotices, 'POST', '/v1/held-death-notices/{noticeId}/actions/{action}', {
        claims,
        path: { noticeId, action },
        body,
      });
    const personOf = async (personId: string) =>
      (
        await callApi(of(A).persons, 'GET', '/v1/persons/{personId}', {
          path: { personId },
          claims: of(A).registrar,
        })
      ).body;
    const outsider = staffClaims('registrar-82', ['registrar'], '820000');

    it('holds a death notice from a province that is neither hukou nor residence province; a registrar rejects it with a reason', async () => {
      const residentId = residentIdFor('810000', '1950-01-01', '022');
      const person = await recordPerson(A, {
        residentId,
        name: '林婆',
        sex: 'female',
        birthDate: '1950-01-01',
        hukouRegion: '810000',
        residenceRegion: '810000',
      });
      // The attack: province 33, which has no say about this person, reports a death.
      const delivered = await deliver('33', deathNotice('33', residentId, '2026-04-04'));
      expect((await ackFor(A, delivered.id)).data).toEqual({
        outcome: 'ok',
        reason: 'held-for-confirmation',
      });
      expect(await personOf(person.personId)).toMatchObject({ alive: true, version: 1 });

      const listed = await held(of(A).registrar);
      expect(listed.status).toBe(200);
      expect(listed.body.items).toContainEqual({
        noticeId: delivered.id,
        personId: person.personId,
        senderProvince: '33',
        deathDate: '2026-04-04',
        region: '810000',
        receivedAt: expect.any(String),
        status: 'held',
      });
      // Another region's registrar neither sees it nor can decide it: the same answer as for no notice.
      expect((await held(outsider)).body.items).toEqual([]);
      expect((await held(outsider, { region: '81' })).status).toBe(403);
      const notHers = await decide(outsider, delivered.id, 'reject', { reason: 'x' });
      const nobody = await decide(outsider, newUlid(), 'reject', { reason: 'x' });
      expect([notHers.status, nobody.status]).toEqual([404, 404]);
      expect(notHers.body.detail).toBe(nobody.body.detail);
      expect(
        (
          await decide(staffClaims('auditor-81', ['auditor'], '810000'), delivered.id, 'reject', {
            reason: 'x',
          })
        ).status,
      ).toBe(403);

      expect((await decide(of(A).registrar, delivered.id, 'reject', {})).status).toBe(422);
      const rejected = await decide(of(A).registrar, delivered.id, 'reject', { reason: '本人到窗口，健在' });
      expect(rejected.status).toBe(200);
      expect(rejected.body).toMatchObject({
        status: 'rejected',
        reason: '本人到窗口，健在',
        decidedBy: 'registrar-81',
      });
      expect(await personOf(person.personId)).toMatchObject({ alive: true, version: 1 });
      expect(
        (await held(of(A).registrar)).body.items.map((n: { noticeId: string }) => n.noticeId),
      ).not.toContain(delivered.id);
      expect((await decide(of(A).registrar, delivered.id, 'confirm', {})).status).toBe(409);
      // The registrar's reads of the notice are in the person's access log; the outsider read nothing.
      const log = await of(A).accessLog.ofPersons([person.personId], 50);
      const noticeReads = log.items.filter((e) => e.record === `held-death-notice/${delivered.id}`);
      // Listed once while held (the list after the decision no longer shows it), and decided.
      expect(noticeReads.map((e) => e.route).sort()).toEqual([
        'GET /v1/held-death-notices',
        'POST /v1/held-death-notices/{noticeId}/actions/{action}',
      ]);
      expect(noticeReads.every((e) => e.actor === 'staff' && e.subject === 'registrar-81')).toBe(true);
    });

    it('records a held death once a registrar confirms it, with the sender as origin', async () => {
      const residentId = residentIdFor('810000', '1950-01-01', '042');
      const person = await recordPerson(A, {
        residentId,
        name: '陈婆',
        sex: 'female',
        birthDate: '1950-01-01',
        hukouRegion: '810000',
        residenceRegion: '810000',
      });
      const delivered = await deliver('33', deathNotice('33', residentId, '2026-04-05'));
      await ackFor(A, delivered.id);
      const confirmed = await decide(of(A).registrar, delivered.id, 'confirm', {
        reason: '医院死亡证明核实',
      });
      expect(confirmed.status).toBe(200);
      expect(await personOf(person.personId)).toMatchObject({
        alive: false,
        deathDate: '2026-04-05',
        version: 2,
      });
      // (History is ordered by action id, whose time comes from the API's fixed clock.)
      expect((await history(A, person.personId)).find((a) => a.type === 'deceased')).toMatchObject({
        type: 'deceased',
        origin: '33',
        reason: 'notified by province 33, confirmed by a registrar: 医院死亡证明核实',
      });
    });

    it('refuses residence notices from a province the residence does not lie in, with a fatal-error ack', async () => {
      const residentId = residentIdFor('810000', '1980-01-01', '013');
      const person = await recordPerson(A, {
        residentId,
        name: '周先生',
        sex: 'male',
        birthDate: '1980-01-01',
        hukouRegion: '810000',
        residenceRegion: '810000',
      });
      // The attack: province 33 says the person now lives in 82 (or has left it).
      const tried = [PERSON_RESIDENCE_REGISTERED, PERSON_RESIDENCE_ENDED].map(
        (type): EventEnvelope => ({
          specversion: '1.0',
          id: newUlid(),
          source: provinceUrn('33'),
          type,
          time: '2026-05-01T00:00:00.000Z',
          subject: newUlid(),
          datacontenttype: 'application/json',
          recipient: provinceUrn(A),
          data: {
            personRef: testPersonRefOf(residentId),
            hukouRegion: '810000',
            residenceRegion: '820000',
            on: '2026-04-01',
          },
        }),
      );
      for (const message of tried) {
        const delivered = await deliver('33', message);
        expect((await ackFor(A, delivered.id)).data).toEqual({
          outcome: 'fatal-error',
          reason: 'out-of-competence',
        });
      }
      expect(await personOf(person.personId)).toMatchObject({ residenceRegion: '810000', version: 1 });
    });
  });
});

import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { batchBody } from '../../../functions/exchange/domain/batch';
import { generateSigningKey, jwks } from '../../../functions/exchange/domain/signing';
import { applyDeathNotice } from '../../../functions/payout/domain/death-notice';
import { heldDeathNoticeItem } from '../../../functions/registry/adapters/held-death-notices';
import { writeStatusReport } from '../../../local/bank/bank-xml';
import { newUlid } from '../../../shared/domain/ids';
import { personRefOf } from '../../../shared/domain/person-ref';
import { PERSON_RESIDENCE_REGISTERED } from '../../../shared/events/exchange-messages';
import type { Role } from '../../../shared/manifest';
import { partnerMessageBody, signedBatch, signedHeaders } from '../../support/exchange-messages';
import { context, sqsRecord } from '../../support/lambda';
import { payoutRepos, ruralParent } from '../../support/payout-fixtures';
import { residentIdFor } from '../../support/resident-ids';
import type { startApiProvince } from './api-province';

type Api = Awaited<ReturnType<typeof startApiProvince>>;

/** The county every record of this world lies in; no other proof writes there. */
export const WORLD_COUNTY = '330108';
/** The partner province the exchange routes act on. */
const PARTNER = '12';

/** One valid request to a route: what a caller entitled to it is answered 2xx for. */
export interface RouteRequest {
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Text an answer must contain to have shown the record (lists and single records). */
  readonly shows?: string;
  /** For citizen routes: the token of the citizen whose own family the request concerns. */
  readonly citizen?: string;
}

/** Makes a valid request for a caller holding `role`: records it consumes are made afresh. */
type RequestMaker = (role: Role) => Promise<RouteRequest>;

interface Answer {
  status: number;
  text: string;
  body: Record<string, unknown>;
}

const birthDateOf = (residentId: string) =>
  `${residentId.slice(6, 10)}-${residentId.slice(10, 12)}-${residentId.slice(12, 14)}`;
const sexOf = (residentId: string) => (Number(residentId[16]) % 2 === 1 ? 'male' : 'female');

/**
 * A province whose records in one county (WORLD_COUNTY) give every route of the API a
 * request it must accept: persons, registered births, households, certificates, mandates,
 * a held death notice, enrolments in every state, a batch sent to the bank with its signed
 * report, and a partner province with a message. All is made through the API as staff and
 * citizens would, except what only another system writes: payout's projection of the
 * registry (its events), a partner's held death notice and a death-notice suspension (the
 * inbound consumers'), and the disbursement (the disburser's handler, run here on its queue
 * message). `request(key, role)` answers one route's request for a caller with that role.
 */
export async function routeWorld(api: Api) {
  const actor = (sub: string, roles: Role[]) => api.token({ sub, roles, region: WORLD_COUNTY });
  const registrar = await actor('registrar-world', ['registrar']);
  const officer = await actor('officer-world', ['payout-officer']);
  const approver = await actor('approver-world', ['payout-approver']);
  const operator = await api.token({ sub: 'operator-world', roles: ['exchange-operator'], region: '330000' });

  const call = async (
    method: string,
    path: string,
    token: string | undefined,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> => {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {}
    return { status: response.status, text, body: parsed };
  };
  /** A setup step that must succeed: the world is wrong, not the route, when it does not. */
  const ok = async (what: string, answer: Promise<Answer>): Promise<Record<string, unknown>> => {
    const done = await answer;
    if (done.status >= 300)
      throw new Error(`world setup, ${what}: ${done.status} ${done.text.slice(0, 300)}`);
    return done.body;
  };
  const id = (body: Record<string, unknown>, key: string): string => {
    const value = body[key];
    if (typeof value !== 'string') throw new Error(`world setup: no ${key} in ${JSON.stringify(body)}`);
    return value;
  };

  // Fresh made-up resident IDs: a new birth date for each, all in the county. The 17th
  // digit tells the sex (odd for men), as the registry's logic audit checks.
  let serial = 0;
  const freshResidentId = (year: number, sex: 'male' | 'female' = 'male') => {
    serial++;
    const day = new Date(Date.UTC(year, 0, 1) + serial * 86_400_000).toISOString().slice(0, 10);
    return residentIdFor(WORLD_COUNTY, day, String(100 + 2 * (serial % 400) + (sex === 'male' ? 1 : 0)));
  };
  const personBody = (residentId: string, name: string) => ({
    residentId,
    name,
    sex: sexOf(residentId),
    birthDate: birthDateOf(residentId),
    hukouRegion: WORLD_COUNTY,
    hukouType: 'rural',
    residenceRegion: WORLD_COUNTY,
  });
  const recordPerson = async (residentId = freshResidentId(1970), name = '钱进') =>
    id(
      await ok('record a person', call('POST', '/v1/persons', registrar, personBody(residentId, name))),
      'personId',
    );
  const parentOf = (name: string, residentId: string) => ({
    name,
    residentId,
    birthDate: birthDateOf(residentId),
    hukouRegion: WORLD_COUNTY,
  });
  const birthBody = (mother: string, father?: string, child = freshResidentId(2025)) => ({
    child: {
      name: '钱小乐',
      sex: sexOf(child),
      birthDate: birthDateOf(child),
      birthRegion: WORLD_COUNTY,
      residentId: child,
    },
    mother: parentOf('孙慧', mother),
    ...(father ? { father: parentOf('钱进', father) } : {}),
    residenceRegion: WORLD_COUNTY,
    birthOrder: 1,
  });
  const submitBirth = async (body = birthBody(freshResidentId(1992, 'female'))) =>
    id(
      await ok('submit a birth', call('POST', '/v1/birth-registrations', registrar, body)),
      'registrationId',
    );
  const registerBirth = async (body = birthBody(freshResidentId(1992, 'female'))) => {
    const registrationId = await submitBirth(body);
    for (const [action, version] of [
      ['validate', 1],
      ['register', 2],
    ] as const) {
      await ok(
        action,
        call(
          'POST',
          `/v1/birth-registrations/${registrationId}/actions/${action}`,
          registrar,
          {},
          {
            'if-match': `"${version}"`,
          },
        ),
      );
    }
    return registrationId;
  };
  const householdOf = async (personId: string) => {
    const found = await ok(
      'find the household',
      call('GET', `/v1/households?personId=${personId}`, registrar),
    );
    const household = (
      found.items as { householdId: string; members: { role: string; personId?: string }[] }[]
    )[0];
    if (!household) throw new Error('world setup: the registered birth made no household');
    return household;
  };
  /** A household of its own, from a newly registered birth, with no certificate yet. */
  const freshHousehold = async () => {
    const mother = freshResidentId(1992, 'female');
    const motherId = await recordPerson(mother, '孙慧');
    await registerBirth(birthBody(mother));
    return (await householdOf(motherId)).householdId;
  };
  const issueCertificate = async (householdId: string) =>
    ok(
      'issue a certificate',
      call('POST', '/v1/certificates', registrar, { householdId, kind: 'only-child-parents' }),
    );

  // The registry's records.
  const person = await recordPerson(freshResidentId(1975), '钱进');
  const grandmaId = freshResidentId(1958, 'female');
  const grandpaId = freshResidentId(1956);
  const adultChildId = freshResidentId(1986);
  const grandma = await recordPerson(grandmaId, '周桂兰');
  const grandpa = await recordPerson(grandpaId, '钱福');
  const registration = await registerBirth(birthBody(grandmaId, grandpaId, adultChildId));
  const household = await householdOf(grandma);
  const adultChild = household.members.find((m) => m.role === 'child')?.personId;
  if (!adultChild) throw new Error('world setup: the registered child has no person record');
  const certificate = await issueCertificate(household.householdId);
  const remoteVerification = id(
    await ok(
      'ask another province',
      call('POST', '/v1/certificates/remote-verifications', registrar, {
        province: '51',
        verificationCode: 'ABCD-EFGH-2345-6789',
      }),
    ),
    'requestId',
  );
  // The young mother files births in the app; the grandmother does everything else.
  const youngMotherId = freshResidentId(1994, 'female');
  await recordPerson(youngMotherId, '孙慧');
  const youngMother = await api.token({
    sub: 'citizen-young-mother',
    roles: ['citizen'],
    residentId: youngMotherId,
  });
  const citizen = await api.token({ sub: 'citizen-grandma', roles: ['citizen'], residentId: grandmaId });

  /** A death notice of another province, held for the county's registrars (the inbound consumer's write). */
  const heldNotice = async () => {
    const noticeId = newUlid();
    await api.aws.documents.send(
      new PutCommand({
        TableName: api.resources.tables.registry,
        Item: heldDeathNoticeItem({
          noticeId,
          personId: person,
          senderProvince: '44',
          deathDate: '2026-10-01',
          region: WORLD_COUNTY,
          receivedAt: '2026-10-02T00:00:00.000Z',
          status: 'held',
        }),
      }),
    );
    return noticeId;
  };
  const listedNotice = await heldNotice();

  // Payout's projection of the registry (its events), and enrolments made at the counter.
  const payout = payoutRepos(api.aws, api.resources.tables.payout);
  const ref = (residentId: string) => personRefOf(api.secrets['person-ref-key'], residentId);
  const facts = (personId: string, residentId: string) =>
    ruralParent(personId, {
      personRef: ref(residentId),
      sex: sexOf(residentId),
      birthDate: birthDateOf(residentId),
      hukouRegion: WORLD_COUNTY,
      residenceRegion: WORLD_COUNTY,
    });
  const twoDaughters = (
    members: { role: 'mother' | 'father'; personId: string }[],
    householdId = newUlid(),
  ) => ({
    householdId,
    version: 1,
    familyType: 'two-daughters' as const,
    members: [
      ...members.map((m) => ({ ...m, alive: true })),
      { role: 'child' as const, alive: true },
      { role: 'child' as const, alive: true },
    ],
    sourceEventId: newUlid(),
  });
  let accounts = 0;
  const account = () => ({
    accountNumber: `62284801${String(++accounts).padStart(11, '0')}`,
    holderName: '周桂兰',
    bankCode: '999331000002',
  });
  /** Someone payout knows as an eligible rural parent of the county. */
  const beneficiary = async () => {
    const personId = newUlid();
    await payout.projection.saveIfNewer(facts(personId, freshResidentId(1958, 'female')));
    await payout.projection.saveHouseholdIfNewer(twoDaughters([{ role: 'mother', personId }]));
    return personId;
  };
  const pendingEnrollment = async (personId?: string) =>
    id(
      await ok(
        'enrol at the counter',
        call('POST', '/v1/enrollments', officer, {
          scheme: 'rural-reward',
          personId: personId ?? (await beneficiary()),
          bankAccount: account(),
        }),
      ),
      'enrollmentId',
    );
  const activeEnrollment = async (personId?: string) => {
    const enrollmentId = await pendingEnrollment(personId);
    const approved = await ok(
      'approve the enrolment',
      call('POST', `/v1/enrollments/${enrollmentId}/actions/approve`, approver, {}),
    );
    return { enrollmentId, fromPeriod: id(approved, 'fromPeriod') };
  };
  const pendingChange = async (enrollmentId: string) =>
    id(
      (
        await ok(
          'ask for an account change',
          call('POST', `/v1/enrollments/${enrollmentId}/account-changes`, officer, {
            bankAccount: account(),
            reason: '换卡',
          }),
        )
      ).pendingAccountChange as Record<string, unknown>,
      'changeId',
    );

  // A batch paid through the bank, with a report the bank signed.
  const paid = [await activeEnrollment(), await activeEnrollment()];
  const sentBatch = id(
    await ok(
      'plan the paid batch',
      call('POST', '/v1/payout-batches', officer, {
        scheme: 'rural-reward',
        period: paid[0]?.fromPeriod,
        region: WORLD_COUNTY,
      }),
    ),
    'batchId',
  );
  await ok('submit', call('POST', `/v1/payout-batches/${sentBatch}/actions/submit`, officer, {}));
  await ok('approve', call('POST', `/v1/payout-batches/${sentBatch}/actions/approve`, approver, {}));
  await disburse(sentBatch);
  const lines = (await payout.batches.lines(sentBatch, { limit: 10 })).items;
  const report = writeStatusReport({
    messageId: `RTN-${newUlid()}`,
    createdAt: '2026-12-02T10:00:00',
    originalMessageId: sentBatch,
    bankCode: '999000000001',
    transactions: lines
      .slice(0, 1)
      .map((l) => ({ endToEndId: l.endToEndId, status: 'RJCT', reasonCode: 'AC04' })),
  });
  const signedReport = { document: report, signature: api.bank.signReport(report) };

  // The grandmother's own benefit (after the paid batch, so none of her lines is in flight)
  // and her husband, for whom she applies in the app.
  await payout.projection.saveIfNewer(facts(grandma, grandmaId));
  await payout.projection.saveIfNewer(facts(grandpa, grandpaId));
  await payout.projection.saveHouseholdIfNewer(
    twoDaughters(
      [
        { role: 'mother', personId: grandma },
        { role: 'father', personId: grandpa },
      ],
      household.householdId,
    ),
  );
  const ownBenefit = (await activeEnrollment(grandma)).enrollmentId;

  // A partner province with one message it sent.
  const partnerKey = generateSigningKey('p12-world');
  const partnerSettings = {
    inboxUrl: 'http://127.0.0.1:9/exchange/v1/inbox',
    jwks: jwks([partnerKey.verification]),
    inboundTypes: [PERSON_RESIDENCE_REGISTERED],
    outboundTypes: [],
  };
  await ok(
    'register the partner',
    call('PUT', `/v1/exchange/partners/${PARTNER}`, operator, partnerSettings),
  );
  let sequence = 0;
  const partnerMessage = () => {
    const { id: messageId, body } = partnerMessageBody(PARTNER, '33', { sequence: String(++sequence) });
    return { messageId, body, headers: signedHeaders(messageId, body, [partnerKey.signing]) };
  };
  const sent = partnerMessage();
  await ok(
    'deliver a partner message',
    call('POST', '/exchange/v1/inbox', undefined, sent.body, sent.headers),
  );

  // Periods of their own for new batches: under the scheme's rules (from 2024) but before any
  // enrolment here began, so such a batch holds no one's lines and puts none in flight.
  let periods = 0;
  const freshPeriod = () =>
    `${2024 + Math.floor(periods / 12)}-${String((periods++ % 12) + 1).padStart(2, '0')}`;
  const planBody = () => ({ scheme: 'rural-reward', period: freshPeriod(), region: WORLD_COUNTY });
  const plannedBatch = async () =>
    id(await ok('plan a batch', call('POST', '/v1/payout-batches', officer, planBody())), 'batchId');

  /** Runs the real disburser handler on the queue message the approval sent. */
  async function disburse(batchId: string) {
    const { handler } = (await import('../../../functions/payout/handlers/disburser')) as {
      handler: (event: SQSEvent, ctx: unknown) => Promise<SQSBatchResponse>;
    };
    const result = await handler({ Records: [sqsRecord(newUlid(), JSON.stringify({ batchId }))] }, context());
    if (result.batchItemFailures.length > 0) throw new Error('world setup: the disburser failed the batch');
  }

  const ifMatch = (version: number) => ({ 'if-match': `"${version}"` });
  const staffRequests: Record<string, RequestMaker> = {
    // Registry
    'POST /v1/persons': async () => ({
      path: '/v1/persons',
      body: personBody(freshResidentId(1980), '钱进'),
    }),
    'GET /v1/persons': async () => ({
      path: `/v1/persons?name=${encodeURIComponent('钱福')}&birthDate=${birthDateOf(grandpaId)}`,
      shows: grandpa,
    }),
    'GET /v1/persons/{personId}': async () => ({ path: `/v1/persons/${person}`, shows: person }),
    'PATCH /v1/persons/{personId}': async () => ({
      path: `/v1/persons/${await recordPerson()}`,
      body: { reason: '户籍档案更正', name: '钱晋' },
      headers: ifMatch(1),
    }),
    'GET /v1/persons/{personId}/history': async () => ({
      path: `/v1/persons/${person}/history`,
    }),
    'POST /v1/persons/{personId}/actions/{action}': async () => ({
      path: `/v1/persons/${await recordPerson()}/actions/record-death`,
      body: { deathDate: '2026-01-01', reason: '死亡证明' },
      headers: ifMatch(1),
    }),
    'GET /v1/held-death-notices': async () => ({
      path: `/v1/held-death-notices?region=${WORLD_COUNTY}`,
      shows: listedNotice,
    }),
    'POST /v1/held-death-notices/{noticeId}/actions/{action}': async () => ({
      path: `/v1/held-death-notices/${await heldNotice()}/actions/reject`,
      body: { reason: '本人仍在世' },
    }),
    'POST /v1/birth-registrations': async () => ({
      path: '/v1/birth-registrations',
      body: birthBody(freshResidentId(1992, 'female')),
    }),
    'GET /v1/birth-registrations': async () => ({
      path: `/v1/birth-registrations?status=registered&region=${WORLD_COUNTY}`,
      shows: registration,
    }),
    'GET /v1/birth-registrations/{registrationId}': async () => ({
      path: `/v1/birth-registrations/${registration}`,
      shows: registration,
    }),
    'POST /v1/birth-registrations/{registrationId}/actions/{action}': async () => ({
      path: `/v1/birth-registrations/${await submitBirth()}/actions/validate`,
      body: {},
      headers: ifMatch(1),
    }),
    'POST /v1/persons/{personId}/mandates': async () => ({
      path: `/v1/persons/${await recordPerson()}/mandates`,
      body: { kind: 'guardian', holderResidentId: grandpaId, reason: '监护人指定决定书' },
    }),
    'GET /v1/persons/{personId}/mandates': async () => ({ path: `/v1/persons/${person}/mandates` }),
    'POST /v1/persons/{personId}/mandates/{mandateId}/actions/revoke': async () => {
      const ward = await recordPerson();
      const mandate = await ok(
        'record a guardianship',
        call('POST', `/v1/persons/${ward}/mandates`, registrar, {
          kind: 'guardian',
          holderResidentId: grandpaId,
          reason: '监护人指定决定书',
        }),
      );
      return {
        path: `/v1/persons/${ward}/mandates/${id(mandate, 'mandateId')}/actions/revoke`,
        body: { reason: '监护关系终止' },
      };
    },
    'GET /v1/households': async () => ({
      path: `/v1/households?personId=${grandma}`,
      shows: household.householdId,
    }),
    'GET /v1/households/{householdId}': async () => ({
      path: `/v1/households/${household.householdId}`,
      shows: household.householdId,
    }),
    'POST /v1/certificates': async () => ({
      path: '/v1/certificates',
      body: { householdId: await freshHousehold(), kind: 'only-child-parents' },
    }),
    'GET /v1/certificates': async () => ({
      path: `/v1/certificates?householdId=${household.householdId}`,
      shows: id(certificate, 'certificateId'),
    }),
    'POST /v1/certificates/{certificateId}/actions/revoke': async () => ({
      path: `/v1/certificates/${id(await issueCertificate(await freshHousehold()), 'certificateId')}/actions/revoke`,
      body: { reason: '证件信息有误' },
      headers: ifMatch(1),
    }),
    'POST /v1/certificates/remote-verifications': async () => ({
      path: '/v1/certificates/remote-verifications',
      body: { province: '51', verificationCode: 'ABCD-EFGH-2345-6789' },
    }),
    'GET /v1/certificates/remote-verifications/{requestId}': async () => ({
      path: `/v1/certificates/remote-verifications/${remoteVerification}`,
      shows: remoteVerification,
    }),
    'GET /v1/reports/births': async () => ({
      path: `/v1/reports/births?region=${WORLD_COUNTY}&from=2026-01&to=2026-12`,
    }),
    'GET /v1/access-log': async () => ({ path: `/v1/access-log?personId=${person}`, shows: person }),
    // Payout
    'GET /v1/person-facts/{personId}': async () => ({ path: `/v1/person-facts/${grandma}`, shows: grandma }),
    'POST /v1/enrollments': async () => ({
      path: '/v1/enrollments',
      body: { scheme: 'rural-reward', personId: await beneficiary(), bankAccount: account() },
    }),
    'GET /v1/enrollments': async () => ({
      path: `/v1/enrollments?scheme=rural-reward&region=${WORLD_COUNTY}&limit=100`,
      shows: ownBenefit,
    }),
    'GET /v1/enrollments/{enrollmentId}': async () => ({
      path: `/v1/enrollments/${ownBenefit}`,
      shows: ownBenefit,
    }),
    // An approver approves another's application; anyone else admitted to the route rejects one.
    'POST /v1/enrollments/{enrollmentId}/actions/{action}': async (role) => ({
      path: `/v1/enrollments/${await pendingEnrollment()}/actions/${role === 'payout-approver' ? 'approve' : 'reject'}`,
      body: role === 'payout-approver' ? {} : { reason: '材料不全' },
    }),
    'POST /v1/enrollments/{enrollmentId}/death-notice-reversal': async () => {
      const { enrollmentId } = await activeEnrollment();
      // Suspended by a competent province's death notice, as payout's inbound consumer does.
      const enrollment = await payout.enrollments.find(enrollmentId);
      const suspended =
        enrollment &&
        applyDeathNotice(
          enrollment,
          { noticeId: newUlid(), province: '33', deathDate: '2026-10-01' },
          new Date(),
        );
      if (!suspended) throw new Error('world setup: the death notice suspended nothing');
      await payout.enrollments.save(suspended);
      return {
        path: `/v1/enrollments/${enrollmentId}/death-notice-reversal`,
        body: { reason: '本人仍在世' },
      };
    },
    'POST /v1/enrollments/{enrollmentId}/account-changes': async () => ({
      path: `/v1/enrollments/${(await activeEnrollment()).enrollmentId}/account-changes`,
      body: { bankAccount: account(), reason: '换卡' },
    }),
    // A second person confirms (an approver) or rejects (an officer) a change another asked for.
    'POST /v1/enrollments/{enrollmentId}/account-changes/{changeId}/{decision}': async (role) => {
      const { enrollmentId } = await activeEnrollment();
      const changeId = await pendingChange(enrollmentId);
      const decision = role === 'payout-approver' ? 'confirm' : 'reject';
      return {
        path: `/v1/enrollments/${enrollmentId}/account-changes/${changeId}/${decision}`,
        body: decision === 'reject' ? { reason: '账户信息不符' } : {},
      };
    },
    'GET /v1/payout-batches': async () => ({
      path: `/v1/payout-batches?scheme=rural-reward&region=${WORLD_COUNTY}&limit=100`,
      shows: sentBatch,
    }),
    'POST /v1/payout-batches': async () => ({ path: '/v1/payout-batches', body: planBody() }),
    'GET /v1/payout-batches/{batchId}': async () => ({
      path: `/v1/payout-batches/${sentBatch}`,
      shows: sentBatch,
    }),
    'GET /v1/payout-batches/{batchId}/payments': async () => ({
      path: `/v1/payout-batches/${sentBatch}/payments`,
      shows: lines[0]?.lineId,
    }),
    // An officer submits a planned batch; an approver approves one an officer submitted.
    'POST /v1/payout-batches/{batchId}/actions/{action}': async (role) => {
      const batchId = await plannedBatch();
      if (role !== 'payout-approver')
        return { path: `/v1/payout-batches/${batchId}/actions/submit`, body: {} };
      await ok('submit', call('POST', `/v1/payout-batches/${batchId}/actions/submit`, officer, {}));
      return { path: `/v1/payout-batches/${batchId}/actions/approve`, body: {} };
    },
    'GET /v1/payout-batches/{batchId}/payment-file': async () => ({
      path: `/v1/payout-batches/${sentBatch}/payment-file?purpose=bank-file`,
    }),
    // Importing the bank's report again changes nothing more and answers the same.
    'POST /v1/payout-batches/{batchId}/status-reports': async () => ({
      path: `/v1/payout-batches/${sentBatch}/status-reports`,
      body: signedReport,
    }),
    'GET /v1/reports/payouts': async () => ({ path: `/v1/reports/payouts?region=${WORLD_COUNTY}` }),
  };

  const exchangeRequests: Record<string, RequestMaker> = {
    'GET /v1/exchange/partners': async () => ({ path: '/v1/exchange/partners', shows: PARTNER }),
    'PUT /v1/exchange/partners/{code}': async () => ({
      path: `/v1/exchange/partners/${PARTNER}`,
      body: partnerSettings,
    }),
    'POST /v1/exchange/partners/{code}/actions/{action}': async () => ({
      path: `/v1/exchange/partners/${PARTNER}/actions/resume`,
      body: {},
    }),
    'GET /v1/exchange/partners/{code}/log': async () => ({ path: `/v1/exchange/partners/${PARTNER}/log` }),
    'GET /v1/exchange/messages': async () => ({ path: '/v1/exchange/messages', shows: sent.messageId }),
    'GET /v1/exchange/messages/{messageId}': async () => ({
      path: `/v1/exchange/messages/${sent.messageId}`,
      shows: sent.messageId,
    }),
    'POST /v1/exchange/replay': async () => ({
      path: '/v1/exchange/replay',
      body: { partner: PARTNER, from: '2026-01-01T00:00:00Z', to: '2030-01-01T00:00:00Z' },
    }),
  };

  const publicRequests: Record<string, RequestMaker> = {
    'GET /v1/public/certificates/verify': async () => ({
      path: `/v1/public/certificates/verify?code=${id(certificate, 'verificationCode')}`,
    }),
    'GET /v1/schemes': async () => ({ path: '/v1/schemes', shows: 'rural-reward' }),
    'GET /v1/schemes/{code}': async () => ({ path: '/v1/schemes/rural-reward', shows: 'rural-reward' }),
    'POST /exchange/v1/inbox': async () => {
      const message = partnerMessage();
      return { path: '/exchange/v1/inbox', body: message.body, headers: message.headers };
    },
    'POST /exchange/v2/inbox': async () => {
      const message = partnerMessage();
      const batch = signedBatch(batchBody([message.body]), [partnerKey.signing], { at: new Date() });
      return { path: '/exchange/v2/inbox', body: batch.body, headers: batch.headers };
    },
    'GET /.well-known/jwks.json': async () => ({ path: '/.well-known/jwks.json' }),
    'GET /exchange/v1/schemas': async () => ({ path: '/exchange/v1/schemas' }),
  };

  /** The account of her latest change: the app has her type it again to confirm. */
  let ownChangeAccount = '';
  const ownNewAccount = () => {
    const next = account();
    ownChangeAccount = next.accountNumber;
    return next;
  };
  const pendingOwnChange = async () => {
    const history = await ok(
      'read her account history',
      call('GET', `/v1/me/enrollments/${ownBenefit}/account-changes`, citizen),
    );
    if (history.pending) return id(history.pending as Record<string, unknown>, 'changeId');
    const asked = await ok(
      'ask for her own account change',
      call('POST', `/v1/me/enrollments/${ownBenefit}/account-changes`, citizen, {
        bankAccount: ownNewAccount(),
      }),
    );
    return id(asked.pending as Record<string, unknown>, 'changeId');
  };
  /** Her mandates, given and held (the list's shape aside). */
  const ownMandates = async () => {
    const listed = await ok('list her mandates', call('GET', '/v1/me/mandates', citizen));
    return ['given', 'held', 'items'].flatMap(
      (part) => (listed[part] ?? []) as { mandateId: string; status: string; holderPersonId: string }[],
    );
  };
  const own = (path: string, shows?: string): RouteRequest => ({
    path,
    citizen,
    ...(shows ? { shows } : {}),
  });
  const citizenRequests: Record<string, RequestMaker> = {
    'GET /v1/me': async () => own('/v1/me', grandma),
    'GET /v1/me/household': async () => own('/v1/me/household', adultChild),
    'GET /v1/me/birth-registrations': async () => own('/v1/me/birth-registrations', registration),
    'POST /v1/me/birth-registrations': async () => ({
      path: '/v1/me/birth-registrations',
      body: birthBody(youngMotherId),
      citizen: youngMother,
    }),
    'GET /v1/me/certificates': async () => own('/v1/me/certificates', id(certificate, 'certificateId')),
    'GET /v1/me/mandates': async () => own('/v1/me/mandates'),
    // An elderly parent authorises her grown-up child.
    'POST /v1/me/mandates': async () => {
      for (const m of await ownMandates()) {
        if (m.status === 'active' && m.holderPersonId === adultChild)
          await ok('revoke', call('POST', `/v1/me/mandates/${m.mandateId}/actions/revoke`, citizen, {}));
      }
      return { ...own('/v1/me/mandates'), body: { holderResidentId: adultChildId } };
    },
    'POST /v1/me/mandates/{mandateId}/actions/revoke': async () => {
      const active = (await ownMandates()).find((m) => m.status === 'active');
      const mandateId =
        active?.mandateId ??
        id(
          await ok('authorise', call('POST', '/v1/me/mandates', citizen, { holderResidentId: adultChildId })),
          'mandateId',
        );
      return { ...own(`/v1/me/mandates/${mandateId}/actions/revoke`), body: {} };
    },
    'GET /v1/me/access-log': async () => own('/v1/me/access-log'),
    // She applies for her husband; her own benefit is already paid.
    'POST /v1/me/enrollments': async () => ({
      ...own('/v1/me/enrollments'),
      body: { scheme: 'rural-reward', residentId: grandpaId, bankAccount: account() },
    }),
    'GET /v1/me/benefits': async () => own('/v1/me/benefits', ownBenefit),
    'GET /v1/me/enrollments/{enrollmentId}/account-changes': async () =>
      own(`/v1/me/enrollments/${ownBenefit}/account-changes`),
    'POST /v1/me/enrollments/{enrollmentId}/account-changes': async () => {
      // One change waits at a time: a pending one is confirmed first.
      const history = await ok(
        'read her account history',
        call('GET', `/v1/me/enrollments/${ownBenefit}/account-changes`, citizen),
      );
      if (history.pending) await ok('confirm', confirmOwn(await pendingOwnChange()));
      return {
        ...own(`/v1/me/enrollments/${ownBenefit}/account-changes`),
        body: { bankAccount: ownNewAccount() },
      };
    },
    'POST /v1/me/enrollments/{enrollmentId}/account-changes/{changeId}/confirm': async () => {
      const changeId = await pendingOwnChange();
      return {
        ...own(`/v1/me/enrollments/${ownBenefit}/account-changes/${changeId}/confirm`),
        body: { accountNumber: ownChangeAccount },
      };
    },
  };
  const confirmOwn = (changeId: string) =>
    call('POST', `/v1/me/enrollments/${ownBenefit}/account-changes/${changeId}/confirm`, citizen, {
      accountNumber: ownChangeAccount,
    });

  const makers: Record<string, RequestMaker> = {
    ...staffRequests,
    ...exchangeRequests,
    ...publicRequests,
    ...citizenRequests,
  };
  return {
    /** The routes this world has a request for. */
    routes: Object.keys(makers),
    /** One valid request to the route for a caller with this role. */
    request(key: string, role: Role): Promise<RouteRequest> {
      const make = makers[key];
      if (!make) throw new Error(`the route world has no request for ${key}`);
      return make(role);
    },
    /** Names and resident IDs of the world's people, none of which a refusal may carry. */
    secrets: [grandmaId, grandpaId, adultChildId, youngMotherId, '周桂兰', '钱福', '钱进', '孙慧'],
  };
}

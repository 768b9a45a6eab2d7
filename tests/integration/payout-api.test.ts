import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { payoutAccessEvents } from '../../functions/payout/adapters/access-events';
import { dynamoDecryptedReadLog } from '../../functions/payout/adapters/decrypted-read-log';
import { buildBatchesApi } from '../../functions/payout/handlers/batches-api';
import { buildEnrollmentsApi } from '../../functions/payout/handlers/enrollments-api';
import { buildSchemesApi } from '../../functions/payout/handlers/schemes-api';
import { fixedClock } from '../../shared/domain/clock';
import { newUlid } from '../../shared/domain/ids';
import { personRefOf } from '../../shared/domain/person-ref';
import { citizenClaims, staffClaims } from '../support/api-event';
import { callApi } from '../support/call-api';
import { quietObservability } from '../support/lambda';
import { countItems, type localAws, provisionForTest } from '../support/local-aws';
import {
  payoutRepos,
  planningQueueOf,
  ruralParent,
  TEST_ACCOUNTS,
  TEST_FINGERPRINT_KEY,
  twoDaughterHousehold,
} from '../support/payout-fixtures';
import { residentIdFor } from '../support/resident-ids';

const REF_KEY = 'test-person-ref-key-0123456789abcdef0123';
const officer = staffClaims('officer-hz', ['payout-officer'], '330100');
const approver = staffClaims('approver-hz', ['payout-approver'], '330100');
const outsider = staffClaims('officer-nb', ['payout-officer', 'payout-approver'], '330200');
/** The day the enrolment service is asked on: tests never depend on the machine's date. */
const TODAY = fixedClock('2026-12-04T08:00:00Z');
const account = { accountNumber: '6228480000330106111', holderName: '王秀英', bankCode: '999331000002' };

describe('payout APIs: enrolment and batches over the handlers, on DynamoDB Local', () => {
  let aws: ReturnType<typeof localAws>;
  let table: string;
  let enrollments: ReturnType<typeof buildEnrollmentsApi>;
  let batches: ReturnType<typeof buildBatchesApi>;
  // One family: a rural mother (the beneficiary), her husband and their minor daughter.
  const residentId = residentIdFor('330106', '1958-03-01', '022');
  const personId = newUlid();
  const husbandId = newUlid();
  const husbandResidentId = residentIdFor('330106', '1956-07-07', '031');
  const daughterId = newUlid();
  const daughterResidentId = residentIdFor('330106', '2012-05-05', '044');
  // Another family's mother, recorded and eligible too.
  const strangerId = newUlid();
  const strangerResidentId = residentIdFor('330106', '1959-09-09', '062');
  const citizen = citizenClaims('citizen-1', residentId);
  const husband = citizenClaims('citizen-3', husbandResidentId);
  const daughter = citizenClaims('citizen-4', daughterResidentId);
  const stranger = citizenClaims('citizen-2', strangerResidentId);
  const unrecorded = residentIdFor('330106', '1957-01-01', '033');

  beforeAll(async () => {
    const provisioned = await provisionForTest('44');
    aws = provisioned.aws;
    table = provisioned.resources.tables.payout;
    const repos = payoutRepos(aws, table);
    const idempotency = new DynamoDBPersistenceLayer({
      tableName: provisioned.resources.tables.idempotency,
      awsSdkV3Client: aws.dynamodb,
    });
    const common = {
      province: '33',
      ...repos,
      accessReads: payoutAccessEvents(repos.outbox, '33'),
      accounts: TEST_ACCOUNTS,
      reads: dynamoDecryptedReadLog(aws.documents, table),
      // The enrolment and the December 2026 batch happen early that month, whatever the date of the run.
      clock: TODAY,
      observability: quietObservability(),
      idempotency,
    };
    enrollments = buildEnrollmentsApi({
      ...common,
      fingerprintKey: TEST_FINGERPRINT_KEY,
      personRefKey: REF_KEY,
    });
    batches = buildBatchesApi({
      ...common,
      debtor: {
        name: '浙江省奖励扶助资金专户',
        accountNumber: '1202000009000033001',
        bankCode: '999331000001',
      },
      // No bank here: every imported report is refused (tests/integration/bank-rail.test.ts has a bank).
      trust: { bankCa: [] },
      planning: planningQueueOf(aws, provisioned.resources),
    });
    await repos.projection.saveIfNewer(
      ruralParent(personId, { personRef: personRefOf(REF_KEY, residentId) }),
    );
    await repos.projection.saveIfNewer(
      ruralParent(husbandId, {
        sex: 'male',
        birthDate: '1956-07-07',
        personRef: personRefOf(REF_KEY, husbandResidentId),
      }),
    );
    await repos.projection.saveIfNewer(
      ruralParent(daughterId, {
        birthDate: '2012-05-05',
        personRef: personRefOf(REF_KEY, daughterResidentId),
      }),
    );
    await repos.projection.saveHouseholdIfNewer({
      ...twoDaughterHousehold(personId),
      members: [
        { role: 'mother', personId, alive: true },
        { role: 'father', personId: husbandId, alive: true },
        { role: 'child', personId: daughterId, alive: true },
        { role: 'child', alive: true },
      ],
    });
    await repos.projection.saveIfNewer(
      ruralParent(strangerId, {
        birthDate: '1959-09-09',
        personRef: personRefOf(REF_KEY, strangerResidentId),
      }),
    );
    await repos.projection.saveHouseholdIfNewer(twoDaughterHousehold(strangerId));
  });

  const enroll = (
    claims: Record<string, string>,
    body: Record<string, unknown>,
    headers?: Record<string, string>,
  ) => callApi(enrollments, 'POST', '/v1/enrollments', { claims, body, ...(headers ? { headers } : {}) });
  /** A citizen's application in the app. */
  const apply = (
    claims: Record<string, string>,
    body: Record<string, unknown>,
    headers?: Record<string, string>,
  ) => callApi(enrollments, 'POST', '/v1/me/enrollments', { claims, body, ...(headers ? { headers } : {}) });
  const benefitsOf = async (claims: Record<string, string>) =>
    (await callApi(enrollments, 'GET', '/v1/me/benefits', { claims })).body.items as Record<
      string,
      unknown
    >[];
  const act = (
    id: string,
    action: string,
    claims: Record<string, string>,
    body: Record<string, unknown> = {},
  ) =>
    callApi(enrollments, 'POST', '/v1/enrollments/{enrollmentId}/actions/{action}', {
      claims,
      path: { enrollmentId: id, action },
      body,
    });

  it('publishes the configured schemes without an account', async () => {
    const api = buildSchemesApi({ observability: quietObservability() });
    const list = await callApi(api, 'GET', '/v1/schemes');
    expect(list.body.items.map((s: { code: string }) => s.code)).toEqual([
      'rural-reward',
      'special-assistance',
      'only-child-reward',
      'one-time-reward',
    ]);
    const one = await callApi(api, 'GET', '/v1/schemes/{code}', { path: { code: 'rural-reward' } });
    expect(one.body.ruleSets).toHaveLength(2);
    expect(one.body.problems).toEqual([]);
    expect((await callApi(api, 'GET', '/v1/schemes/{code}', { path: { code: 'no-such' } })).status).toBe(404);
  });

  it('refuses another family and an unknown resident ID with the same answer and no facts, storing nothing', async () => {
    const before = await countItems(aws.dynamodb, table);
    // A stranger naming a recorded mother of another family, and naming nobody recorded:
    // the same 404, the same body, no eligibility reasons, no family type.
    const otherFamily = await apply(stranger, {
      scheme: 'only-child-reward',
      residentId,
      bankAccount: account,
    });
    const unknown = await apply(stranger, {
      scheme: 'only-child-reward',
      residentId: unrecorded,
      bankAccount: account,
    });
    expect(otherFamily.status).toBe(404);
    expect(unknown.status).toBe(404);
    const { instance: _a, ...otherBody } = otherFamily.body;
    const { instance: _b, ...unknownBody } = unknown.body;
    expect(otherBody).toEqual(unknownBody);
    for (const leak of ['two-daughters', 'familyType', personId, '330106', 'eligibility', 'errors']) {
      expect(JSON.stringify(otherFamily.body)).not.toContain(leak);
    }
    // The staff route is for staff: a citizen token is refused whatever it names.
    expect((await enroll(stranger, { scheme: 'rural-reward', personId, bankAccount: account })).status).toBe(
      403,
    );
    // Her own family hears why she is not eligible.
    const ineligible = await apply(citizen, {
      scheme: 'only-child-reward',
      residentId,
      bankAccount: account,
    });
    expect(ineligible.status).toBe(422);
    expect(ineligible.body.errors).toContainEqual({
      field: 'eligibility',
      message: '  fail: familyType eq only-child (is two-daughters)',
    });
    const viaHusband = await apply(husband, {
      scheme: 'only-child-reward',
      residentId,
      bankAccount: account,
    });
    expect(viaHusband.status).toBe(422);
    // A minor child does not act for her parents.
    const viaDaughter = await apply(daughter, { scheme: 'rural-reward', residentId, bankAccount: account });
    expect(viaDaughter.status).toBe(404);
    expect((await enroll(outsider, { scheme: 'rural-reward', personId, bankAccount: account })).status).toBe(
      403,
    );
    expect(JSON.stringify([unknown.body, ineligible.body, otherFamily.body])).not.toContain(residentId);
    expect(await countItems(aws.dynamodb, table)).toBe(before);
  });

  it('a citizen applies for her own family by resident ID; stored encrypted, shown masked, reviewed in region, one per scheme', async () => {
    const first = await apply(
      citizen,
      { scheme: 'rural-reward', residentId, bankAccount: account },
      { 'idempotency-key': 'apply-1' },
    );
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      personId,
      relation: 'self',
      status: 'pending-review',
      channel: 'app',
      bankAccount: { accountMasked: '****6111' },
    });
    // The family's answer carries no staff detail: no region, reasons or holder name.
    for (const hidden of ['region', 'eligibility', 'actions', 'applicantSubject', 'holderMasked']) {
      expect(JSON.stringify(first.body)).not.toContain(hidden);
    }
    const replay = await apply(
      citizen,
      { scheme: 'rural-reward', residentId, bankAccount: account },
      { 'idempotency-key': 'apply-1' },
    );
    expect(replay.body.enrollmentId).toBe(first.body.enrollmentId);
    expect((await apply(citizen, { scheme: 'rural-reward', residentId, bankAccount: account })).status).toBe(
      409,
    );

    const items = JSON.stringify((await aws.dynamodb.send(new ScanCommand({ TableName: table }))).Items);
    expect(items).not.toContain(residentId);
    expect(items).not.toContain(account.accountNumber);
    expect(items).not.toContain(account.holderName);

    const id = first.body.enrollmentId;
    expect((await act(id, 'approve', outsider)).status).toBe(403);
    expect((await act(id, 'reject', officer)).status).toBe(422);
    const approved = await act(id, 'approve', approver);
    expect(approved.body).toMatchObject({
      status: 'active',
      fromPeriod: expect.stringMatching(/^\d{4}-\d{2}$/),
    });
    // Approving is the checker's: an officer is refused by role before the status is looked at.
    expect((await act(id, 'approve', officer)).status).toBe(403);
    expect((await act(id, 'approve', approver)).status).toBe(409);
    expect((await act(id, 'suspend', officer, { reason: '核查' })).body.status).toBe('suspended');
    expect((await act(id, 'resume', officer)).body.status).toBe('active');

    const listed = await callApi(enrollments, 'GET', '/v1/enrollments', {
      claims: approver,
      query: { scheme: 'rural-reward', status: 'active' },
    });
    expect(listed.body.items.map((e: { enrollmentId: string }) => e.enrollmentId)).toEqual([id]);
    const elsewhere = await callApi(enrollments, 'GET', '/v1/enrollments', {
      claims: approver,
      query: { scheme: 'rural-reward', region: '330200' },
    });
    expect(elsewhere.status).toBe(403);
    // A cursor belongs to its query and its caller: replayed with another filter or by
    // another officer of the same region it is refused with 400, never a database error.
    const firstPage = await callApi(enrollments, 'GET', '/v1/enrollments', {
      claims: approver,
      query: { scheme: 'rural-reward', status: 'active', limit: '1' },
    });
    const cursor: string = firstPage.body.nextCursor;
    expect(cursor).toEqual(expect.any(String));
    for (const [claims, query] of [
      [approver, { scheme: 'rural-reward', status: 'suspended', cursor }],
      [approver, { scheme: 'rural-reward', status: 'active', region: '330106', cursor }],
      [approver, { scheme: 'only-child-reward', status: 'active', cursor }],
      [officer, { scheme: 'rural-reward', status: 'active', cursor }],
    ] as const) {
      const replay = await callApi(enrollments, 'GET', '/v1/enrollments', { claims, query });
      expect(replay.status).toBe(400);
      expect(replay.body.type).toMatch(/invalid-cursor$/);
    }
    const secondPage = await callApi(enrollments, 'GET', '/v1/enrollments', {
      claims: approver,
      query: { scheme: 'rural-reward', status: 'active', limit: '1', cursor },
    });
    expect(secondPage.status).toBe(200);
    expect(secondPage.body.items).toEqual([]);
    expect(await benefitsOf(citizen)).toEqual([
      expect.objectContaining({
        enrollmentId: id,
        relation: 'self',
        status: 'active',
        bankAccount: { accountMasked: '****6111' },
        // Nothing paid yet: December's payment is the next one, at the amount in force.
        nextPayment: { period: '2026-12', plannedFrom: '2026-12-01', amountFen: 12_000 },
      }),
    ]);
    // Her husband sees it as his spouse's; another family and her minor daughter see nothing of it.
    expect(await benefitsOf(husband)).toEqual([
      expect.objectContaining({ enrollmentId: id, relation: 'spouse' }),
    ]);
    expect(await benefitsOf(stranger)).toEqual([]);
  });

  it('a family sees what was enrolled for it at the counter, matched by person, not by login', async () => {
    const counter = await enroll(officer, {
      scheme: 'rural-reward',
      personId: husbandId,
      bankAccount: account,
    });
    expect(counter.status).toBe(201);
    const seen = await benefitsOf(citizen);
    expect(seen).toContainEqual(
      expect.objectContaining({
        enrollmentId: counter.body.enrollmentId,
        personId: husbandId,
        relation: 'spouse',
        channel: 'counter',
        status: 'pending-review',
      }),
    );
    expect(JSON.stringify(await benefitsOf(stranger))).not.toContain(counter.body.enrollmentId);
  });

  it('batches: maker and checker are different people; cancel only before disbursing', async () => {
    const planned = await callApi(batches, 'POST', '/v1/payout-batches', {
      claims: officer,
      body: { scheme: 'rural-reward', period: '2026-12', region: '330100' },
      headers: { 'idempotency-key': 'plan-1' },
    });
    expect(planned.status).toBe(201);
    expect(planned.body).toMatchObject({ state: 'planned', control: { count: 1, sumFen: 12_000 } });
    const id = planned.body.batchId;
    const batchAct = (action: string, claims: Record<string, string>) =>
      callApi(batches, 'POST', '/v1/payout-batches/{batchId}/actions/{action}', {
        claims,
        path: { batchId: id, action },
        body: {},
      });
    expect((await batchAct('approve', approver)).status).toBe(409);
    expect((await batchAct('submit', approver)).status).toBe(403);
    expect((await batchAct('submit', officer)).status).toBe(200);
    const sameSubject = staffClaims('officer-hz', ['payout-approver'], '330100');
    expect((await batchAct('approve', sameSubject)).status).toBe(403);
    expect((await batchAct('approve', outsider)).status).toBe(403);
    expect((await batchAct('approve', approver)).status).toBe(200);
    expect((await batchAct('cancel', officer)).body.state).toBe('cancelled');
    // The cancelled batch frees its key: planning again makes a new batch.
    const again = await callApi(batches, 'POST', '/v1/payout-batches', {
      claims: officer,
      body: { scheme: 'rural-reward', period: '2026-12', region: '330100' },
    });
    expect(again.body.batchId).not.toBe(id);
    const file = await callApi(batches, 'GET', '/v1/payout-batches/{batchId}/payment-file', {
      claims: officer,
      path: { batchId: again.body.batchId },
    });
    expect(file.status).toBe(409);
    const bad = await callApi(batches, 'POST', '/v1/payout-batches', {
      claims: officer,
      body: { scheme: 'only-child-reward', period: '2026-12', region: '330100' },
    });
    expect(bad.status).toBe(422);
  });
});

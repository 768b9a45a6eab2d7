import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { payoutAccessEvents } from '../../functions/payout/adapters/access-events';
import { dynamoDecryptedReadLog } from '../../functions/payout/adapters/decrypted-read-log';
import type { BankTrust } from '../../functions/payout/domain/bank-trust';
import { buildBatchesApi } from '../../functions/payout/handlers/batches-api';
import { buildEnrollmentsApi } from '../../functions/payout/handlers/enrollments-api';
import type { ProvinceResources } from '../../local/services/provision';
import type { Clock } from '../../shared/domain/clock';
import { newUlid } from '../../shared/domain/ids';
import { personRefOf } from '../../shared/domain/person-ref';
import { callApi } from './call-api';
import { quietObservability } from './lambda';
import type { localAws } from './local-aws';
import {
  payoutRepos,
  planningQueueOf,
  ruralParent,
  TEST_ACCOUNTS,
  TEST_FINGERPRINT_KEY,
  twoDaughterHousehold,
} from './payout-fixtures';
import { residentIdFor } from './resident-ids';

/** The national person reference key in tests. */
export const TEST_REF_KEY = 'test-person-ref-key-0123456789abcdef0123';

/** The debtor account batches pay from in tests: made-up data. */
export const TEST_DEBTOR = {
  name: '浙江省奖励扶助资金专户',
  accountNumber: '1202000009000033001',
  bankCode: '999331000001',
};

/**
 * The enrolments and batches APIs of province 33 over one test table, on the clock given,
 * and a way to record an eligible rural parent in Hangzhou's Xihu district.
 */
export function payoutApis(
  aws: ReturnType<typeof localAws>,
  resources: ProvinceResources,
  clock: Clock,
  /** Whose status reports the batches API accepts; by default none (these tests import no report). */
  trust: BankTrust = { bankCa: [] },
  /**
   * The batch line cap (the deployment's default when absent), and how long a plan request
   * may plan before it answers 202 (20 s when absent).
   */
  options: { lineCap?: number; planningBudgetMs?: number } = {},
) {
  const { lineCap, planningBudgetMs } = options;
  const { tables } = resources;
  const repos = payoutRepos(aws, tables.payout);
  const common = {
    province: '33',
    ...repos,
    accounts: TEST_ACCOUNTS,
    accessReads: payoutAccessEvents(repos.outbox, '33'),
    clock,
    observability: quietObservability(),
    idempotency: new DynamoDBPersistenceLayer({
      tableName: tables.idempotency,
      awsSdkV3Client: aws.dynamodb,
    }),
  };
  const enrollments = buildEnrollmentsApi({
    ...common,
    fingerprintKey: TEST_FINGERPRINT_KEY,
    personRefKey: TEST_REF_KEY,
  });
  const batches = buildBatchesApi({
    ...common,
    debtor: TEST_DEBTOR,
    trust,
    planning: planningQueueOf(aws, resources),
    ...(lineCap ? { lineCap } : {}),
    ...(planningBudgetMs !== undefined ? { planningBudgetMs } : {}),
    reads: dynamoDecryptedReadLog(aws.documents, tables.payout),
  });
  /** Records a beneficiary's facts; answers the person id and their person reference. */
  const beneficiary = async (sequence: string) => {
    const personId = newUlid();
    const personRef = personRefOf(TEST_REF_KEY, residentIdFor('330106', '1958-03-01', sequence));
    await repos.projection.saveIfNewer(ruralParent(personId, { personRef }));
    await repos.projection.saveHouseholdIfNewer(twoDaughterHousehold(personId));
    return { personId, personRef };
  };
  const act = (claims: Record<string, string>, enrollmentId: string, action: string, body = {}) =>
    callApi(enrollments, 'POST', '/v1/enrollments/{enrollmentId}/actions/{action}', {
      claims,
      path: { enrollmentId, action },
      body,
    });
  const requestChange = (claims: Record<string, string>, enrollmentId: string, body: unknown) =>
    callApi(enrollments, 'POST', '/v1/enrollments/{enrollmentId}/account-changes', {
      claims,
      path: { enrollmentId },
      body,
    });
  const decide = (
    claims: Record<string, string>,
    enrollmentId: string,
    changeId: string,
    decision: 'confirm' | 'reject',
    body = {},
  ) =>
    callApi(enrollments, 'POST', '/v1/enrollments/{enrollmentId}/account-changes/{changeId}/{decision}', {
      claims,
      path: { enrollmentId, changeId, decision },
      body,
    });
  return { repos, enrollments, batches, beneficiary, act, requestChange, decide };
}

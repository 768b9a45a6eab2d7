import { createHash } from 'node:crypto';
import { sealedBankAccounts } from '../../functions/payout/adapters/bank-account-vault';
import { dynamoBatchRepository } from '../../functions/payout/adapters/batch-repository';
import { dynamoClaimRegisterRepository } from '../../functions/payout/adapters/claim-register-repository';
import { dynamoEnrollmentRepository } from '../../functions/payout/adapters/enrollment-repository';
import { dynamoOutboxRepository } from '../../functions/payout/adapters/outbox-repository';
import { sqsPlanningQueue } from '../../functions/payout/adapters/planning-queue';
import { dynamoProjectionRepository } from '../../functions/payout/adapters/projection-repository';
import { sealBankAccount } from '../../functions/payout/domain/bank-account';
import type { BankAccount, Enrollment } from '../../functions/payout/domain/enrollment';
import type { PersonFacts } from '../../functions/payout/domain/person-facts';
import type { PlanningQueue } from '../../functions/payout/domain/ports';
import type { ProvinceResources } from '../../local/services/provision';
import { fieldEnvelope } from '../../shared/crypto/field-envelope';
import { type LocalFieldKeys, localFieldKeyrings } from '../../shared/crypto/field-keys';
import { newUlid } from '../../shared/domain/ids';
import type { localAws } from './local-aws';

/**
 * A wrapping key for tests, derived from its name so a worker process of its own (the
 * worker-kill test) holds the same one. A KMS key stands here in a deployment.
 */
export const testWrappingKey = (name: string): string =>
  createHash('sha256').update(`jiahe test field key ${name}`).digest('base64');

/** The field keys of tests: one current wrapping key, standing in for KMS. */
export const TEST_FIELD_KEYS: LocalFieldKeys = {
  current: 'test-a',
  keys: { 'test-a': testWrappingKey('test-a') },
};

/** Seals and opens bank accounts under the test field keys. */
export const TEST_ACCOUNTS = sealedBankAccounts(fieldEnvelope(localFieldKeyrings(TEST_FIELD_KEYS)));

/** A key for account fingerprints in tests (the `payout-fingerprint-key` secret in a deployment). */
export const TEST_FINGERPRINT_KEY = 'test-payout-fingerprint-key-0123456789abcdef';

/** The payout repositories over one province's table. */
export function payoutRepos(aws: ReturnType<typeof localAws>, table: string) {
  return {
    projection: dynamoProjectionRepository(aws.documents, table),
    enrollments: dynamoEnrollmentRepository(aws.documents, table),
    registers: dynamoClaimRegisterRepository(aws.documents, table),
    batches: dynamoBatchRepository(aws.documents, table),
    outbox: dynamoOutboxRepository(aws.documents, table),
  };
}

/** Registry facts of a rural parent aged over 60 in Hangzhou: made-up data. */
export const ruralParent = (personId: string, overrides: Partial<PersonFacts> = {}): PersonFacts => ({
  personId,
  version: 1,
  sex: 'female',
  birthDate: '1958-03-01',
  alive: true,
  hukouRegion: '330106',
  hukouType: 'rural',
  residenceRegion: '330106',
  sourceEventId: newUlid(),
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

/** A fictitious account per beneficiary: 19 digits, the index in the last ones. */
export const accountFor = (i: number): BankAccount => ({
  accountNumber: `62284800${String(i).padStart(11, '0')}`,
  holderName: '王秀英',
  bankCode: '999331000002',
});

/** An approved enrolment paying from `fromPeriod`, its account sealed under the test field key. */
export async function activeEnrollment(input: {
  personId: string;
  scheme: string;
  fromPeriod: string;
  account: BankAccount;
  region?: string;
  applicantSubject?: string;
}): Promise<Enrollment> {
  const at = '2026-01-01T00:00:00.000Z';
  const enrollmentId = newUlid();
  return {
    enrollmentId,
    scheme: input.scheme,
    personId: input.personId,
    region: input.region ?? '330106',
    hukouRegion: input.region ?? '330106',
    residenceRegion: input.region ?? '330106',
    status: 'active',
    fromPeriod: input.fromPeriod,
    bankAccount: await sealBankAccount(
      { accounts: TEST_ACCOUNTS, fingerprintKey: TEST_FINGERPRINT_KEY },
      input.account,
      enrollmentId,
    ),
    channel: 'counter',
    ...(input.applicantSubject ? { applicantSubject: input.applicantSubject } : {}),
    eligibility: { reasons: [] },
    version: 1,
    createdAt: at,
    updatedAt: at,
    actions: [{ type: 'approved', by: 'officer', at }],
  };
}

/** Household facts making a person a parent in a two-daughter family. */
export const twoDaughterHousehold = (motherId: string, version = 1) => ({
  householdId: newUlid(),
  version,
  familyType: 'two-daughters' as const,
  members: [
    { role: 'mother' as const, personId: motherId, alive: true },
    { role: 'child' as const, alive: true },
    { role: 'child' as const, alive: true },
  ],
  sourceEventId: newUlid(),
});

/** Opens an enrolment's account under the test field key. */
export const accountOf = (e: Enrollment): Promise<BankAccount> => TEST_ACCOUNTS.open(e);

/**
 * Enrols `count` rural parents of two daughters in a scheme from `fromPeriod`, each with
 * their facts, household and own account (`accountFor(i)`): a county's worth of ordinary
 * beneficiaries for a batch.
 */
export async function enrolRuralParents(
  repos: ReturnType<typeof payoutRepos>,
  count: number,
  scheme: string,
  fromPeriod = '2026-01',
): Promise<void> {
  for (let i = 0; i < count; i++) {
    const personId = newUlid();
    await repos.projection.saveIfNewer(ruralParent(personId));
    await repos.projection.saveHouseholdIfNewer(twoDaughterHousehold(personId));
    await repos.enrollments.create(
      await activeEnrollment({ personId, scheme, fromPeriod, account: accountFor(i) }),
    );
  }
}

/** The province's real `payout-planning` queue on the SQS emulator, where later batch parts are asked for. */
export const planningQueueOf = (
  aws: ReturnType<typeof localAws>,
  resources: ProvinceResources,
): PlanningQueue => sqsPlanningQueue(aws.sqs, (resources.queues['payout-planning'] as { url: string }).url);

import { dynamoBatchRepository } from '../../functions/payout/adapters/batch-repository';
import { dynamoEnrollmentRepository } from '../../functions/payout/adapters/enrollment-repository';
import { dynamoOutboxRepository } from '../../functions/payout/adapters/outbox-repository';
import { dynamoProjectionRepository } from '../../functions/payout/adapters/projection-repository';
import { sealBankAccount } from '../../functions/payout/domain/bank-account';
import type { BankAccount, Enrollment } from '../../functions/payout/domain/enrollment';
import type { PersonFacts } from '../../functions/payout/domain/person-facts';
import { aesGcmFieldCipher } from '../../shared/crypto/field-cipher';
import { newUlid } from '../../shared/domain/ids';
import type { localAws } from './local-aws';

/** A key for the payout cipher in tests (the `payout-encryption-key` secret in a deployment). */
export const TEST_CIPHER = aesGcmFieldCipher('test-payout-encryption-key-0123456789abcdef');

/** A key for account fingerprints in tests (the `payout-fingerprint-key` secret in a deployment). */
export const TEST_FINGERPRINT_KEY = 'test-payout-fingerprint-key-0123456789abcdef';

/** The payout repositories over one province's table. */
export function payoutRepos(aws: ReturnType<typeof localAws>, table: string) {
  return {
    projection: dynamoProjectionRepository(aws.documents, table),
    enrollments: dynamoEnrollmentRepository(aws.documents, table),
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

/** An approved enrolment paying from `fromPeriod`, its account encrypted with the test key. */
export function activeEnrollment(input: {
  personId: string;
  scheme: string;
  fromPeriod: string;
  account: BankAccount;
  region?: string;
  applicantSubject?: string;
}): Enrollment {
  const at = '2026-01-01T00:00:00.000Z';
  return {
    enrollmentId: newUlid(),
    scheme: input.scheme,
    personId: input.personId,
    region: input.region ?? '330106',
    hukouRegion: input.region ?? '330106',
    residenceRegion: input.region ?? '330106',
    status: 'active',
    fromPeriod: input.fromPeriod,
    bankAccount: sealBankAccount(
      { cipher: TEST_CIPHER, fingerprintKey: TEST_FINGERPRINT_KEY },
      input.account,
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

export const accountOf = (e: Enrollment): BankAccount =>
  JSON.parse(TEST_CIPHER.decrypt(e.bankAccount.encrypted)) as BankAccount;

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payoutAccessEvents } from '../../functions/payout/adapters/access-events';
import { sealedBankAccounts } from '../../functions/payout/adapters/bank-account-vault';
import { dynamoDecryptedReadLog } from '../../functions/payout/adapters/decrypted-read-log';
import { dynamoRekeyProgress } from '../../functions/payout/adapters/rekey-progress';
import { getScheme } from '../../functions/payout/config/schemes';
import { applyBatchCommand, type Batch } from '../../functions/payout/domain/batch';
import type { DecryptedReadLog } from '../../functions/payout/domain/decrypted-reads';
import { disburseBatch } from '../../functions/payout/domain/disburse';
import type { BankAccount, Enrollment } from '../../functions/payout/domain/enrollment';
import { planBatch } from '../../functions/payout/domain/plan-batch';
import type { BankAccountVault, PlanningQueue } from '../../functions/payout/domain/ports';
import { buildBatchesApi } from '../../functions/payout/handlers/batches-api';
import { buildFieldRekeyer } from '../../functions/payout/handlers/field-rekeyer';
import { type BankSimulator, startBankSimulator } from '../../local/bank/simulator';
import { xsdErrors } from '../../local/bank/xsd';
import { aesGcmFieldCipher } from '../../shared/crypto/field-cipher';
import { fieldEnvelope } from '../../shared/crypto/field-envelope';
import { type LocalFieldKeys, localFieldKeyrings } from '../../shared/crypto/field-keys';
import { fixedClock } from '../../shared/domain/clock';
import { newUlid } from '../../shared/domain/ids';
import { staffClaims } from '../support/api-event';
import { type BankCustomer, bankCustomer } from '../support/bank';
import { callApi } from '../support/call-api';
import { quietObservability } from '../support/lambda';
import { type localAws, provisionForTest } from '../support/local-aws';
import { paymentFileXml } from '../support/payment-file';
import {
  accountFor,
  payoutRepos,
  planningQueueOf,
  ruralParent,
  testWrappingKey,
  twoDaughterHousehold,
} from '../support/payout-fixtures';

const DEBTOR = {
  name: '浙江省奖励扶助资金专户',
  accountNumber: '1202000009000033001',
  bankCode: '999331000001',
};
const scheme = getScheme('rural-reward');
const officer = staffClaims('officer-hz', ['payout-officer'], '330100');
const approver = staffClaims('approver-hz', ['payout-approver'], '330100');
const outsider = staffClaims('officer-nb', ['payout-officer', 'payout-approver'], '330200');
const AT = new Date('2026-03-10T02:00:00.000Z');

/** Accounts under wrapping keys named here: the local stand-in for KMS keys A and B. */
const vault = (current: string, names: readonly string[]): BankAccountVault => {
  const keys: LocalFieldKeys = {
    current,
    keys: Object.fromEntries(names.map((name) => [name, testWrappingKey(name)])),
  };
  return sealedBankAccounts(fieldEnvelope(localFieldKeyrings(keys)));
};

/** An approved enrolment in Hangzhou whose account is sealed by `seal` (or given as is). */
const enrolment = (personId: string, encrypted: string, enrollmentId = newUlid()): Enrollment => ({
  enrollmentId,
  scheme: scheme.code,
  personId,
  region: '330106',
  hukouRegion: '330106',
  residenceRegion: '330106',
  status: 'active',
  fromPeriod: '2026-01',
  bankAccount: { encrypted, accountMasked: '****0000', holderMasked: '王**' },
  channel: 'counter',
  eligibility: { reasons: [] },
  version: 1,
  createdAt: AT.toISOString(),
  updatedAt: AT.toISOString(),
  actions: [{ type: 'approved', by: 'officer', at: AT.toISOString() }],
});

describe('payment file: every read of decrypted accounts is recorded first', () => {
  let aws: ReturnType<typeof localAws>;
  let planning: PlanningQueue;
  let table: string;
  let repos: ReturnType<typeof payoutRepos>;
  let bank: BankSimulator;
  let customer: BankCustomer;
  let batch: Batch;
  const accounts = vault('key-a', ['key-a']);
  const people = new Map<string, BankAccount>();

  const api = (reads: DecryptedReadLog) =>
    buildBatchesApi({
      province: '33',
      ...repos,
      accounts,
      reads,
      accessReads: payoutAccessEvents(repos.outbox, '33'),
      debtor: DEBTOR,
      trust: customer.trust,
      planning,
      clock: fixedClock(AT.toISOString()),
      observability: quietObservability(),
    });

  beforeAll(async () => {
    const provisioned = await provisionForTest('91');
    aws = provisioned.aws;
    planning = planningQueueOf(aws, provisioned.resources);
    table = provisioned.resources.tables.payout;
    repos = payoutRepos(aws, table);
    bank = await startBankSimulator();
    for (let i = 0; i < 3; i++) {
      const personId = newUlid();
      const enrollmentId = newUlid();
      await repos.projection.saveIfNewer(ruralParent(personId));
      await repos.projection.saveHouseholdIfNewer(twoDaughterHousehold(personId));
      const account = accountFor(100 + i);
      await repos.enrollments.create(
        enrolment(personId, await accounts.seal(account, enrollmentId), enrollmentId),
      );
      people.set(personId, account);
    }
    const planned = await planBatch(repos, {
      scheme,
      period: '2026-03',
      region: '330100',
      by: 'officer-hz',
      at: AT,
      newId: () => newUlid(),
    });
    const submitted = applyBatchCommand(planned, 'submit', { by: 'officer-hz', at: AT });
    await repos.batches.saveState(submitted, 'planned');
    const approved = applyBatchCommand(submitted, 'approve', { by: 'approver-hz', at: AT });
    await repos.batches.saveState(approved, 'submitted');
    customer = await bankCustomer(bank);
    await disburseBatch(
      { ...repos, accounts, rail: customer.rail, trust: customer.trust, debtor: DEBTOR, now: () => AT },
      approved.batchId,
    );
    batch = (await repos.batches.find(approved.batchId)) as Batch;
  });

  afterAll(async () => {
    await bank.stop();
  });

  it('records who read which persons’ accounts, in what role and region, through which route, when and why', async () => {
    const reads = dynamoDecryptedReadLog(aws.documents, table);
    const file = await callApi(api(reads), 'GET', '/v1/payout-batches/{batchId}/payment-file', {
      claims: approver,
      path: { batchId: batch.batchId },
      query: { purpose: 'audit' },
    });
    expect(file.status).toBe(200);
    const xml = paymentFileXml(file.body);
    expect(await xsdErrors('pain.001.001.09', xml)).toEqual([]);
    for (const account of people.values()) expect(xml).toContain(account.accountNumber);

    const recorded = await reads.decryptedReadsOf(batch.batchId);
    expect(recorded).toHaveLength(1);
    const [read] = recorded;
    expect(read).toMatchObject({
      at: AT.toISOString(),
      by: 'approver-hz',
      roles: ['payout-approver'],
      scopePrefix: '3301',
      route: 'GET /v1/payout-batches/{batchId}/payment-file',
      purpose: 'audit',
      batchId: batch.batchId,
    });
    expect(new Set(read?.subjects.map((s) => s.personId))).toEqual(new Set(people.keys()));
    expect(read?.subjects).toHaveLength(3);

    // Each read is its own entry; the default purpose is the bank file.
    await callApi(api(reads), 'GET', '/v1/payout-batches/{batchId}/payment-file', {
      claims: officer,
      path: { batchId: batch.batchId },
    });
    const after = await reads.decryptedReadsOf(batch.batchId);
    expect(after.map((r) => [r.by, r.purpose])).toEqual([
      ['approver-hz', 'audit'],
      ['officer-hz', 'bank-file'],
    ]);
  });

  it('hands out nothing when the read cannot be recorded, and records nothing for a refused caller', async () => {
    const reads = dynamoDecryptedReadLog(aws.documents, table);
    const before = (await reads.decryptedReadsOf(batch.batchId)).length;
    // Fault injection: a log whose store fails stands for DynamoDB refusing the write.
    const failing: DecryptedReadLog = {
      recordDecryptedRead: async () => {
        throw new Error('the store refused the write');
      },
      decryptedReadsOf: reads.decryptedReadsOf,
    };
    const refused = await callApi(api(failing), 'GET', '/v1/payout-batches/{batchId}/payment-file', {
      claims: officer,
      path: { batchId: batch.batchId },
    });
    expect(refused.status).toBe(500);
    for (const account of people.values())
      expect(JSON.stringify(refused.body)).not.toContain(account.accountNumber);

    const elsewhere = await callApi(api(reads), 'GET', '/v1/payout-batches/{batchId}/payment-file', {
      claims: outsider,
      path: { batchId: batch.batchId },
    });
    expect(elsewhere.status).toBe(403);
    const badPurpose = await callApi(api(reads), 'GET', '/v1/payout-batches/{batchId}/payment-file', {
      claims: officer,
      path: { batchId: batch.batchId },
      query: { purpose: 'curiosity' },
    });
    expect(badPurpose.status).toBe(422);
    expect(await reads.decryptedReadsOf(batch.batchId)).toHaveLength(before);
  });

  it('keeps a read with thousands of subjects whole, across several items', async () => {
    const reads = dynamoDecryptedReadLog(aws.documents, table);
    const batchId = newUlid();
    const subjects = Array.from({ length: 1_234 }, (_, i) => ({
      lineId: `L${i}`,
      enrollmentId: newUlid(),
      personId: newUlid(),
    }));
    const read = {
      readId: newUlid(),
      at: AT.toISOString(),
      by: 'officer-hz',
      roles: ['payout-officer' as const],
      scopePrefix: '3301',
      route: 'GET /v1/payout-batches/{batchId}/payment-file',
      purpose: 'bank-file' as const,
      batchId,
      subjects,
    };
    await reads.recordDecryptedRead(read);
    // Written again (a retry after a lost answer): still one entry, unchanged.
    await reads.recordDecryptedRead(read);
    expect(await reads.decryptedReadsOf(batchId)).toEqual([read]);
  });
});

describe('field key rotation: re-sealing from key A to key B on DynamoDB Local', () => {
  let aws: ReturnType<typeof localAws>;
  let table: string;
  let repos: ReturnType<typeof payoutRepos>;
  const underA = vault('key-a', ['key-a']);
  const rotating = vault('key-b', ['key-a', 'key-b']);
  const retired = vault('key-b', ['key-b']);
  const former = aesGcmFieldCipher('former-payout-encryption-key-0123456789abcdef');
  const expected = new Map<string, BankAccount>();

  /** Invocations that each have time for `pages` pages, as a function near its timeout would. */
  const invocation = (pages: number) => {
    let left = pages;
    return { getRemainingTimeInMillis: () => (left-- > 0 ? 600_000 : 0) };
  };

  const rekeyer = () =>
    buildFieldRekeyer(
      {
        enrollments: repos.enrollments,
        accounts: rotating,
        openFormer: (encrypted) => JSON.parse(former.decrypt(encrypted)) as BankAccount,
        progress: dynamoRekeyProgress(aws.documents, table),
        now: () => AT,
      },
      quietObservability(),
    );

  beforeAll(async () => {
    const provisioned = await provisionForTest('92');
    aws = provisioned.aws;
    table = provisioned.resources.tables.payout;
    repos = payoutRepos(aws, table);
    for (let i = 0; i < 25; i++) {
      const enrollmentId = newUlid();
      const account = accountFor(200 + i);
      // Two accounts still in the former format (before envelope encryption), the rest under A.
      const encrypted =
        i < 2 ? former.encrypt(JSON.stringify(account)) : await underA.seal(account, enrollmentId);
      await repos.enrollments.create(enrolment(newUlid(), encrypted, enrollmentId));
      expected.set(enrollmentId, account);
    }
  });

  it('re-seals every account under B in resumable runs; with A retired all still open', async () => {
    const run = rekeyer();
    // A page per invocation: each stops and the next goes on from the saved place.
    const first = await run({ pageSize: 10 }, invocation(1));
    expect(first.done).toBe(false);
    expect(first.cursor).toBeDefined();
    expect(first.resealed).toBeGreaterThan(0);

    // Meanwhile staff change an enrolment still under A: its re-seal must not revert the change.
    const stored = await repos.enrollments.findMany([...expected.keys()]);
    const pendingUnderA = [...stored.values()].find(
      (e) => !e.bankAccount.encrypted.startsWith('enc:') && underA.keyIdOf(e) === 'local:key-a',
    ) as Enrollment;
    const changed = accountFor(999);
    await repos.enrollments.save({
      ...pendingUnderA,
      bankAccount: {
        ...pendingUnderA.bankAccount,
        encrypted: await rotating.seal(changed, pendingUnderA.enrollmentId),
      },
      version: pendingUnderA.version + 1,
    });
    expected.set(pendingUnderA.enrollmentId, changed);

    let last = first;
    for (let n = 0; n < 50 && !last.done; n++) last = await run({ pageSize: 10 }, invocation(1));
    expect(last.done).toBe(true);
    expect(last.failedCount).toBe(0);
    // The pass that marked it done found everything under B.
    expect(Object.keys(last.byKey)).toEqual(['local:key-b']);

    const after = await repos.enrollments.findMany([...expected.keys()]);
    for (const [id, account] of expected) {
      const e = after.get(id) as Enrollment;
      expect(retired.keyIdOf(e)).toBe('local:key-b');
      // Key A retired: B alone opens every account, each as it was.
      expect(await retired.open(e)).toEqual(account);
      // And A alone opens none.
      await expect(underA.open(e)).rejects.toThrow();
    }

    // Idempotent: run again once done, nothing changes.
    const versions = new Map([...after].map(([id, e]) => [id, e.version]));
    const again = await run({}, invocation(5));
    expect(again.done).toBe(true);
    const still = await repos.enrollments.findMany([...expected.keys()]);
    for (const [id, e] of still) expect(e.version).toBe(versions.get(id));
  });
});

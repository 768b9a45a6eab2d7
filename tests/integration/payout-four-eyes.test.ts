import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disburseBatch } from '../../functions/payout/domain/disburse';
import { type BankSimulator, startBankSimulator } from '../../local/bank/simulator';
import type { Clock } from '../../shared/domain/clock';
import { newUlid } from '../../shared/domain/ids';
import { citizenClaims, staffClaims } from '../support/api-event';
import { type BankCustomer, bankCustomer } from '../support/bank';
import { callApi } from '../support/call-api';
import { provisionForTest } from '../support/local-aws';
import { payoutApis, TEST_DEBTOR } from '../support/payout-apis';
import { accountFor, activeEnrollment, TEST_ACCOUNTS } from '../support/payout-fixtures';
import { residentIdFor } from '../support/resident-ids';

const PROBLEM = 'urn:cn:gov:jiahe:problem:';
/** An officer who also holds the approver role: the one person four eyes must keep from both halves. */
const dual = staffClaims('officer-dual', ['payout-officer', 'payout-approver'], '330100');
const officer = staffClaims('officer-hz', ['payout-officer'], '330100');
const approver = staffClaims('approver-hz', ['payout-approver'], '330100');
/** The beneficiary of the app test (api.beneficiary('088')), signed in with her resident ID. */
const citizen = citizenClaims('citizen-b', residentIdFor('330106', '1958-03-01', '088'));
/** Another family's citizen, with a valid resident ID of her own. */
const stranger = citizenClaims('citizen-x', residentIdFor('330106', '1961-07-07', '099'));

describe('four eyes on money: enrolment approval, account changes, the batch approver’s flag', () => {
  let api: ReturnType<typeof payoutApis>;
  let bank: BankSimulator;
  let customer: BankCustomer;
  let now = '2026-11-10T02:00:00.000Z';
  /** The injected clock, moved on by the test (never the machine's). */
  const clock: Clock = { now: () => new Date(now) };
  let counterId = '';
  let untouchedId = '';
  let changedId = '';

  const read = async (enrollmentId: string) =>
    (
      await callApi(api.enrollments, 'GET', '/v1/enrollments/{enrollmentId}', {
        claims: officer,
        path: { enrollmentId },
      })
    ).body;

  const planSubmitApprove = async (period: string) => {
    const planned = await callApi(api.batches, 'POST', '/v1/payout-batches', {
      claims: officer,
      body: { scheme: 'rural-reward', period, region: '330100' },
    });
    expect(planned.status).toBe(201);
    const batchId = planned.body.batchId as string;
    for (const [claims, action] of [
      [officer, 'submit'],
      [approver, 'approve'],
    ] as const) {
      const r = await callApi(api.batches, 'POST', '/v1/payout-batches/{batchId}/actions/{action}', {
        claims,
        path: { batchId, action },
        body: {},
      });
      expect(r.status).toBe(200);
    }
    return batchId;
  };

  const disburse = (batchId: string) =>
    disburseBatch(
      {
        batches: api.repos.batches,
        enrollments: api.repos.enrollments,
        accounts: TEST_ACCOUNTS,
        rail: customer.rail,
        trust: customer.trust,
        debtor: TEST_DEBTOR,
        now: () => clock.now(),
      },
      batchId,
    );

  const linesOf = async (batchId: string) =>
    (
      await callApi(api.batches, 'GET', '/v1/payout-batches/{batchId}/payments', {
        claims: approver,
        path: { batchId },
      })
    ).body.items as { enrollmentId: string; accountChanged: boolean }[];

  beforeAll(async () => {
    const { aws, resources } = await provisionForTest('87');
    api = payoutApis(aws, resources, clock);
    bank = await startBankSimulator();
    customer = await bankCustomer(bank);
  });

  afterAll(async () => {
    await bank?.stop();
  });

  it('an officer who enrols at the counter cannot approve it; a second person with the approver role can', async () => {
    const { personId } = await api.beneficiary('022');
    const created = await callApi(api.enrollments, 'POST', '/v1/enrollments', {
      claims: dual,
      body: { scheme: 'rural-reward', personId, bankAccount: accountFor(1) },
    });
    expect(created.status).toBe(201);
    counterId = created.body.enrollmentId;

    const self = await api.act(dual, counterId, 'approve');
    expect(self.status).toBe(403);
    expect(self.headers['content-type']).toBe('application/problem+json');
    expect(self.body).toMatchObject({ type: `${PROBLEM}separation-of-duties`, status: 403 });
    expect(await read(counterId)).toMatchObject({ status: 'pending-review', version: 1 });
    // An officer without the checker's role is refused by role.
    const byRole = await api.act(officer, counterId, 'approve');
    expect(byRole.body).toMatchObject({ type: `${PROBLEM}forbidden`, status: 403 });

    const approved = await api.act(approver, counterId, 'approve');
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'active', fromPeriod: '2026-11' });
  });

  it('a staff account change waits for a different person, and both steps stay in the history', async () => {
    const requested = await api.requestChange(dual, counterId, {
      bankAccount: accountFor(2),
      reason: '原账户已销户',
    });
    expect(requested.status).toBe(202);
    expect(requested.body.bankAccount.accountMasked).toBe('****0001');
    expect(requested.body.pendingAccountChange).toMatchObject({
      channel: 'counter',
      requestedBy: 'officer-dual',
      reason: '原账户已销户',
      account: { accountMasked: '****0002', holderMasked: '王**' },
    });
    const text = JSON.stringify(requested.body);
    expect(text).not.toContain(accountFor(2).accountNumber);
    expect(text).not.toContain('enc:');
    const changeId = requested.body.pendingAccountChange.changeId as string;

    const self = await api.decide(dual, counterId, changeId, 'confirm');
    expect(self.body).toMatchObject({ type: `${PROBLEM}separation-of-duties`, status: 403 });
    expect((await api.decide(officer, counterId, changeId, 'confirm')).body.type).toBe(`${PROBLEM}forbidden`);
    expect((await api.decide(approver, counterId, newUlid(), 'confirm')).status).toBe(404);
    expect((await read(counterId)).bankAccount.accountMasked).toBe('****0001');

    const confirmed = await api.decide(approver, counterId, changeId, 'confirm');
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({
      bankAccount: { accountMasked: '****0002' },
      accountFromPeriod: '2026-11',
    });
    expect(confirmed.body.pendingAccountChange).toBeUndefined();
    expect(confirmed.body.actions.slice(-2)).toEqual([
      expect.objectContaining({
        type: 'account-change-requested',
        by: 'officer-dual',
        at: now,
        reason: '原账户已销户',
        previousAccountMasked: '****0001',
        accountMasked: '****0002',
      }),
      expect.objectContaining({
        type: 'account-changed',
        by: 'approver-hz',
        requestedBy: 'officer-dual',
        at: now,
        effectiveFromPeriod: '2026-11',
        previousAccountMasked: '****0001',
      }),
    ]);
  });

  it('refuses a change while a payment is in flight; afterwards the new account pays the next unplanned period and the approver sees the flag', async () => {
    const { personId: untouchedPerson } = await api.beneficiary('044');
    const { personId: changedPerson } = await api.beneficiary('066');
    const untouched = await activeEnrollment({
      personId: untouchedPerson,
      scheme: 'rural-reward',
      fromPeriod: '2026-01',
      account: accountFor(3),
    });
    const changed = await activeEnrollment({
      personId: changedPerson,
      scheme: 'rural-reward',
      fromPeriod: '2026-01',
      account: accountFor(4),
    });
    await api.repos.enrollments.create(untouched);
    await api.repos.enrollments.create(changed);
    untouchedId = untouched.enrollmentId;
    changedId = changed.enrollmentId;

    const november = await planSubmitApprove('2026-11');
    const refused = await api.requestChange(officer, changedId, {
      bankAccount: accountFor(5),
      reason: '换卡',
    });
    expect(refused.status).toBe(409);
    expect(refused.headers['content-type']).toBe('application/problem+json');
    expect(refused.body.type).toBe(`${PROBLEM}payment-in-flight`);
    expect(await read(changedId)).toMatchObject({ version: 1 });
    expect((await disburse(november))?.state).toBe('reconciled');

    const requested = await api.requestChange(officer, changedId, {
      bankAccount: accountFor(5),
      reason: '换卡',
    });
    expect(requested.status).toBe(202);
    const confirmed = await api.decide(
      approver,
      changedId,
      requested.body.pendingAccountChange.changeId,
      'confirm',
    );
    // November is planned (and paid): the new account starts in December.
    expect(confirmed.body).toMatchObject({
      accountFromPeriod: '2026-12',
      bankAccount: { accountMasked: '****0005' },
    });

    now = '2026-12-01T02:00:00.000Z';
    const december = await planSubmitApprove('2026-12');
    const flags = Object.fromEntries(
      (await linesOf(december)).map((l) => [l.enrollmentId, l.accountChanged]),
    );
    // Changed since the last paid period for one; the counter enrolment's change came before its first payment.
    expect(flags).toEqual({ [changedId]: true, [untouchedId]: false, [counterId]: false });
    const raw = JSON.stringify(await linesOf(december));
    expect(raw).not.toContain('accountFingerprint');
    await disburse(december);
    const paidTo = (period: string, id: string) =>
      bank.settlements.find(
        (s) => s.endToEndId.length > 0 && s.messageId === period && s.account.endsWith(id),
      );
    expect(paidTo(november, accountFor(4).accountNumber)).toBeDefined();
    expect(paidTo(december, accountFor(5).accountNumber)).toBeDefined();
    expect(paidTo(december, accountFor(4).accountNumber)).toBeUndefined();
    expect(paidTo(november, accountFor(2).accountNumber)).toBeDefined();
  });

  it('a citizen changes their own account in the app: re-confirmed, only theirs, never while in flight, visible to them and the officer', async () => {
    now = '2026-12-05T02:00:00.000Z';
    const { personId } = await api.beneficiary('088');
    const own = {
      ...(await activeEnrollment({
        personId,
        scheme: 'rural-reward',
        fromPeriod: '2026-12',
        account: accountFor(6),
        applicantSubject: 'citizen-b',
      })),
      channel: 'app' as const,
    };
    await api.repos.enrollments.create(own);
    const id = own.enrollmentId;
    const path = '/v1/me/enrollments/{enrollmentId}/account-changes';
    const ask = (claims: Record<string, string>, enrollmentId: string) =>
      callApi(api.enrollments, 'POST', path, {
        claims,
        path: { enrollmentId },
        body: { bankAccount: accountFor(7) },
      });
    const confirm = (claims: Record<string, string>, changeId: string, accountNumber: string) =>
      callApi(api.enrollments, 'POST', `${path}/{changeId}/confirm`, {
        claims,
        path: { enrollmentId: id, changeId },
        body: { accountNumber },
      });

    // Another family's enrolment answers exactly as one that does not exist.
    const theirs = await ask(stranger, id);
    const missing = await ask(stranger, newUlid());
    expect(theirs.status).toBe(404);
    expect({ ...theirs.body, instance: undefined }).toEqual({ ...missing.body, instance: undefined });
    expect(await read(id)).toMatchObject({ version: 1 });

    const asked = await ask(citizen, id);
    expect(asked.status).toBe(202);
    expect(asked.body.pending).toMatchObject({
      channel: 'app',
      accountMasked: '****0007',
      byYou: true,
      expiresAt: '2026-12-05T02:15:00.000Z',
    });
    const changeId = asked.body.pending.changeId as string;
    expect((await confirm(stranger, changeId, accountFor(7).accountNumber)).status).toBe(404);
    const mistyped = await confirm(citizen, changeId, accountFor(8).accountNumber);
    expect(mistyped.status).toBe(422);
    expect(JSON.stringify(mistyped.body)).not.toContain(accountFor(8).accountNumber);
    expect((await read(id)).bankAccount.accountMasked).toBe('****0006');

    const done = await confirm(citizen, changeId, accountFor(7).accountNumber);
    expect(done.status).toBe(200);
    // December is planned (without this enrolment, which came later): its own next period is December.
    expect(done.body.account).toEqual({ accountMasked: '****0007', fromPeriod: '2026-12' });
    const history = await callApi(api.enrollments, 'GET', path, {
      claims: citizen,
      path: { enrollmentId: id },
    });
    expect(history.body.history).toEqual([
      expect.objectContaining({ type: 'account-change-requested', channel: 'app', byYou: true }),
      expect.objectContaining({
        type: 'account-changed',
        channel: 'app',
        byYou: true,
        at: now,
        previousAccountMasked: '****0006',
        accountMasked: '****0007',
        effectiveFromPeriod: '2026-12',
      }),
    ]);
    expect(
      (await callApi(api.enrollments, 'GET', path, { claims: stranger, path: { enrollmentId: id } })).status,
    ).toBe(404);
    expect(
      (await read(id)).actions.slice(-2).map((a: { type: string; by: string }) => [a.type, a.by]),
    ).toEqual([
      ['account-change-requested', 'citizen-b'],
      ['account-changed', 'citizen-b'],
    ]);

    // With January submitted and approved, the next request waits until it is paid.
    now = '2027-01-01T02:00:00.000Z';
    await planSubmitApprove('2027-01');
    const inFlight = await ask(citizen, id);
    expect(inFlight.status).toBe(409);
    expect(inFlight.body.type).toBe(`${PROBLEM}payment-in-flight`);
  });
});

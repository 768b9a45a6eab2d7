import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/domain/clock';
import { staffClaims } from '../support/api-event';
import { callApi } from '../support/call-api';
import { provisionForTest } from '../support/local-aws';
import { payoutApis } from '../support/payout-apis';
import { accountFor } from '../support/payout-fixtures';
import { recordFigures } from './support/figures';

const region = '330100';
/** The same person under every role set their login may carry. */
const asOfficer = staffClaims('officer-1', ['payout-officer'], region);
const asBoth = staffClaims('officer-1', ['payout-officer', 'payout-approver'], region);
const asApprover = staffClaims('officer-1', ['payout-approver'], region);
const asCounty = staffClaims('officer-1', ['payout-officer', 'payout-approver'], '330106');
const colleague = staffClaims('approver-2', ['payout-approver'], region);

interface Attempt {
  readonly name: string;
  /** Sets up a pending enrolment this attempt's caller must not approve; answers its id. */
  readonly prepare: () => Promise<string>;
  readonly claims: Record<string, string>;
  readonly headers?: (version: number) => Record<string, string>;
  /** How many times the attempt is sent at once. */
  readonly parallel?: number;
}

describe('four eyes on money: nobody approves an enrolment they applied for or whose account they changed', () => {
  let api: ReturnType<typeof payoutApis>;
  let sequence = 100;

  const counterEnrolment = async (claims: Record<string, string>) => {
    sequence += 2;
    const { personId } = await api.beneficiary(String(sequence).padStart(3, '0'));
    const created = await callApi(api.enrollments, 'POST', '/v1/enrollments', {
      claims,
      body: { scheme: 'rural-reward', personId, bankAccount: accountFor(sequence) },
    });
    expect(created.status).toBe(201);
    return created.body.enrollmentId as string;
  };

  /** An enrolment by a colleague whose account `officer-1` then asked to change. */
  const changedBy = async (claims: Record<string, string>, confirm: boolean) => {
    const id = await counterEnrolment(staffClaims('officer-3', ['payout-officer'], region));
    const asked = await api.requestChange(claims, id, {
      bankAccount: accountFor(sequence + 1),
      reason: '换卡',
    });
    expect(asked.status).toBe(202);
    if (confirm) {
      const changeId = asked.body.pendingAccountChange.changeId as string;
      expect((await api.decide(colleague, id, changeId, 'confirm')).status).toBe(200);
    }
    return id;
  };

  beforeAll(async () => {
    const { aws, resources } = await provisionForTest('88');
    api = payoutApis(aws, resources, fixedClock('2026-11-10T02:00:00.000Z'));
  });

  it('refuses every self-approval, changing nothing', async () => {
    const attempts: Attempt[] = [
      { name: 'applicant with both roles', prepare: () => counterEnrolment(asBoth), claims: asBoth },
      {
        name: 'applicant, approver-only login',
        prepare: () => counterEnrolment(asOfficer),
        claims: asApprover,
      },
      {
        name: 'applicant, officer-only login',
        prepare: () => counterEnrolment(asOfficer),
        claims: asOfficer,
      },
      { name: 'applicant, county-scoped login', prepare: () => counterEnrolment(asBoth), claims: asCounty },
      {
        name: 'applicant with If-Match of the current version',
        prepare: () => counterEnrolment(asBoth),
        claims: asBoth,
        headers: (version) => ({ 'if-match': `"${version}"` }),
      },
      {
        name: 'applicant, ten requests at once',
        prepare: () => counterEnrolment(asBoth),
        claims: asBoth,
        parallel: 10,
      },
      {
        name: 'applicant, with an idempotency key',
        prepare: () => counterEnrolment(asBoth),
        claims: asBoth,
        headers: () => ({ 'idempotency-key': 'self-approve-1' }),
      },
      {
        name: 'requester of a pending account change',
        prepare: () => changedBy(asBoth, false),
        claims: asBoth,
      },
      {
        name: 'requester of a confirmed account change',
        prepare: () => changedBy(asBoth, true),
        claims: asApprover,
      },
    ];
    let tried = 0;
    let accepted = 0;
    for (const attempt of attempts) {
      const id = await attempt.prepare();
      const before = (await api.repos.enrollments.find(id))?.version ?? 0;
      const send = () =>
        callApi(api.enrollments, 'POST', '/v1/enrollments/{enrollmentId}/actions/{action}', {
          claims: attempt.claims,
          path: { enrollmentId: id, action: 'approve' },
          body: {},
          ...(attempt.headers ? { headers: attempt.headers(before) } : {}),
        });
      const answers = await Promise.all(Array.from({ length: attempt.parallel ?? 1 }, send));
      tried += answers.length;
      const after = await api.repos.enrollments.find(id);
      // Accepted: any answer that admitted it, or a record that changed all the same.
      accepted += answers.filter((a) => a.status < 300).length || (after?.version === before ? 0 : 1);
      for (const a of answers) expect(a.status, attempt.name).toBe(403);
      expect(after?.version, attempt.name).toBe(before);
      // A second person approves the same enrolment: the refusal was about the person, not the record.
      expect((await api.act(colleague, id, 'approve')).status, attempt.name).toBe(200);
    }
    recordFigures('four-eyes', [
      {
        suite: 'four-eyes',
        item: 'self-approved enrolment',
        counts: { tried, accepted },
        mustBeZero: ['accepted'],
      },
    ]);
    expect(accepted).toBe(0);
  });

  it('refuses every self-confirmed account change, changing nothing', async () => {
    let tried = 0;
    let accepted = 0;
    for (const claims of [asBoth, asApprover, asCounty]) {
      const id = await counterEnrolment(staffClaims('officer-3', ['payout-officer'], region));
      await api.act(colleague, id, 'approve');
      const asked = await api.requestChange(asBoth, id, {
        bankAccount: accountFor(sequence + 1),
        reason: '换卡',
      });
      const changeId = asked.body.pendingAccountChange.changeId as string;
      const before = await api.repos.enrollments.find(id);
      const answers = await Promise.all(
        Array.from({ length: 3 }, () => api.decide(claims, id, changeId, 'confirm')),
      );
      tried += answers.length;
      accepted += answers.filter((a) => a.status < 300).length;
      const after = await api.repos.enrollments.find(id);
      expect(after?.bankAccount).toEqual(before?.bankAccount);
      expect(after?.version).toBe(before?.version);
    }
    recordFigures('four-eyes', [
      {
        suite: 'four-eyes',
        item: 'self-confirmed account change',
        counts: { tried, accepted },
        mustBeZero: ['accepted'],
      },
    ]);
    expect(accepted).toBe(0);
  });
});

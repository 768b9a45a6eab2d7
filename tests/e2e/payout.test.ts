import { describe, expect, it } from 'vitest';
import { eventually } from '../support/in-process-runtime';
import { paymentFileXml } from '../support/payment-file';
import { residentIdFor } from '../support/resident-ids';
import { citizenToken, http, province, token } from './support';

describe('payout over HTTP on the local cloud', () => {
  const zj = province['33'];

  it('registry facts → counter enrolment approved → batch planned, submitted, approved by another → paid by the bank simulator → reconciled → seen by the family in the app', async () => {
    const registrar = await token(zj(), 'registrar-payout-e2e', ['registrar'], '330100');
    const officer = await token(zj(), 'officer-payout-e2e', ['payout-officer'], '330100');
    const approver = await token(zj(), 'approver-payout-e2e', ['payout-approver'], '330100');
    const officerAsApprover = await token(zj(), 'officer-payout-e2e', ['payout-approver'], '330100');

    // Registry facts: the mother is on the register; the birth of her only child is registered; the
    // family's only-child certificate is issued. Each reaches payout through payout-inbound.
    const motherId = residentIdFor('330106', '1991-07-08', '024');
    // She signs in at the real-name platform; another family's mother signs in too.
    const citizen = await citizenToken(zj(), 'citizen-payout-e2e', motherId);
    const stranger = await citizenToken(
      zj(),
      'citizen-payout-other',
      residentIdFor('330106', '1987-02-03', '046'),
    );
    const mother = { name: '陈静', residentId: motherId, birthDate: '1991-07-08', hukouRegion: '330106' };
    const recorded = await http(zj(), 'POST', '/v1/persons', {
      token: registrar,
      body: { ...mother, sex: 'female', residenceRegion: '330106' },
    });
    expect(recorded.status).toBe(201);
    const submitted = await http(zj(), 'POST', '/v1/birth-registrations', {
      token: registrar,
      body: {
        child: {
          name: '陈小禾',
          sex: 'female',
          birthDate: '2026-03-10',
          birthRegion: '330106',
          residentId: residentIdFor('330106', '2026-03-10', '028'),
        },
        mother,
        residenceRegion: '330106',
        birthOrder: 1,
      },
    });
    expect(submitted.status).toBe(201);
    const registration = submitted.body.registrationId;
    for (const [action, version] of [
      ['validate', 1],
      ['register', 2],
    ] as const) {
      const reply = await http(zj(), 'POST', `/v1/birth-registrations/${registration}/actions/${action}`, {
        token: registrar,
        body: {},
        headers: { 'if-match': `"${version}"` },
      });
      expect(reply.status).toBe(200);
    }
    const households = await http(zj(), 'GET', `/v1/households?personId=${recorded.body.personId}`, {
      token: registrar,
    });
    expect(households.body.items[0].familyType).toBe('only-child');
    const certificate = await http(zj(), 'POST', '/v1/certificates', {
      token: registrar,
      body: { householdId: households.body.items[0].householdId, kind: 'only-child-parents' },
    });
    expect(certificate.status).toBe(201);

    // Another family cannot apply for her: the same answer as for a person nobody recorded.
    const application = {
      scheme: 'only-child-reward',
      residentId: motherId,
      bankAccount: { accountNumber: '6228480000330106024', holderName: '陈静', bankCode: '999331000002' },
    };
    const notTheirs = await http(zj(), 'POST', '/v1/me/enrollments', { token: stranger, body: application });
    expect(notTheirs.status).toBe(404);
    expect(notTheirs.text).not.toMatch(/only-child|familyType|eligib/);
    // She enrols at the counter: the officer names her by resident ID. Until the facts have
    // flowed to payout the enrolment is refused (and nothing is stored), so it is retried.
    const applied = await eventually(async () => {
      const reply = await http(zj(), 'POST', '/v1/enrollments', { token: officer, body: application });
      return reply.status === 201 ? reply : undefined;
    }, 30_000);
    expect(applied.body).toMatchObject({
      scheme: 'only-child-reward',
      status: 'pending-review',
      channel: 'counter',
      bankAccount: { accountMasked: '****6024', holderMasked: '陈*' },
    });
    expect(applied.text).not.toContain(motherId);
    expect(applied.text).not.toContain('6228480000330106024');
    const enrollmentId = applied.body.enrollmentId;

    const approved = await http(zj(), 'POST', `/v1/enrollments/${enrollmentId}/actions/approve`, {
      token: approver,
      body: {},
    });
    expect(approved.status).toBe(200);
    // Paid from the year of approval: the local cloud runs on the wall clock, so the test
    // takes the period from the answer instead of naming a year.
    expect(approved.body).toMatchObject({ status: 'active', fromPeriod: expect.stringMatching(/^\d{4}$/) });
    const period: string = approved.body.fromPeriod;

    // The officer plans the county's batch (the schedule does the same for the province).
    const planned = await http(zj(), 'POST', '/v1/payout-batches', {
      token: officer,
      body: { scheme: 'only-child-reward', period, region: '330106' },
      headers: { 'idempotency-key': 'payout-e2e-plan-1' },
    });
    expect(planned.status).toBe(201);
    expect(planned.body).toMatchObject({
      state: 'planned',
      ruleVersion: 1,
      control: { count: 1, sumFen: 12_000 },
    });
    const batchId = planned.body.batchId;
    const act = (who: string, action: string) =>
      http(zj(), 'POST', `/v1/payout-batches/${batchId}/actions/${action}`, { token: who, body: {} });
    expect((await act(officer, 'submit')).status).toBe(200);
    // The maker cannot be the checker, whatever roles they hold.
    expect((await act(officerAsApprover, 'approve')).status).toBe(403);
    expect((await act(approver, 'approve')).status).toBe(200);

    const reconciled = await eventually(async () => {
      const reply = await http(zj(), 'GET', `/v1/payout-batches/${batchId}`, { token: officer });
      return reply.body.state === 'reconciled' ? reply.body : undefined;
    }, 45_000);
    expect(reconciled.ledger).toEqual({
      planned: { count: 1, sumFen: 12_000 },
      paid: { count: 1, sumFen: 12_000 },
      failed: { count: 0, sumFen: 0 },
      held: { count: 0, sumFen: 0 },
      pending: { count: 0, sumFen: 0 },
    });

    const file = await http(zj(), 'GET', `/v1/payout-batches/${batchId}/payment-file`, { token: officer });
    expect(file.status).toBe(200);
    expect(file.body).toMatchObject({ messageId: batchId, numberOfTransactions: 1, controlSumFen: 12_000 });
    expect(file.body.contentEncoding).toBe('gzip');
    expect(paymentFileXml(file.body)).toContain('<CtrlSum>120.00</CtrlSum>');

    const payments = await http(zj(), 'GET', `/v1/payout-batches/${batchId}/payments`, { token: approver });
    expect(payments.body.items).toEqual([
      expect.objectContaining({
        enrollmentId,
        period,
        amountFen: 12_000,
        state: 'paid',
        ruleVersion: 1,
      }),
    ]);

    // The family sees the counter enrolment and its payment in the app: matched by her person,
    // not by the login that enrolled her. Another family sees nothing of it.
    const benefits = await http(zj(), 'GET', '/v1/me/benefits', { token: citizen });
    expect(benefits.status).toBe(200);
    expect(benefits.body.items).toEqual([
      expect.objectContaining({
        enrollmentId,
        relation: 'self',
        channel: 'counter',
        scheme: 'only-child-reward',
        status: 'active',
        payments: [{ period, amountFen: 12_000, status: 'paid' }],
      }),
    ]);
    expect(benefits.text).not.toContain(motherId);
    expect((await http(zj(), 'GET', '/v1/me/benefits', { token: stranger })).body.items).toEqual([]);

    const report = await http(zj(), 'GET', '/v1/reports/payouts?scheme=only-child-reward', {
      token: approver,
    });
    expect(report.body.items).toEqual([
      expect.objectContaining({
        scheme: 'only-child-reward',
        period,
        paid: { count: 1, sumFen: 12_000 },
      }),
    ]);
  });
});

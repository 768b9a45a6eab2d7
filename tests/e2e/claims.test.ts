import { describe, expect, it } from 'vitest';
import { eventually } from '../support/in-process-runtime';
import { residentIdFor } from '../support/resident-ids';
import { http, province, token } from './support';

/**
 * One authority against paying twice, over the real exchange of three provinces: a mother
 * whose hukou is in Hangzhou (33) is paid in Chengdu (51), then moves to Guangzhou (44).
 * Every claim and answer travels signed between the provinces' inboxes.
 */
const SCHEME = 'only-child-reward';
const HUKOU = '330106';
const motherBirth = '1986-05-14';
const mother = {
  name: '林秀芳',
  residentId: residentIdFor(HUKOU, motherBirth, '084'),
  birthDate: motherBirth,
  hukouRegion: HUKOU,
};
const child = {
  name: '林小满',
  sex: 'female',
  birthDate: '2021-09-03',
  birthRegion: '510107',
  residentId: residentIdFor(HUKOU, '2021-09-03', '086'),
};

type Code = '33' | '51' | '44';

/** Province-wide staff of one province. */
async function staffOf(code: Code) {
  const base = province[code]();
  const as = (role: string) => token(base, `claims-e2e-${role}-${code}`, [role], `${code}0000`);
  return {
    base,
    registrar: await as('registrar'),
    officer: await as('payout-officer'),
    approver: await as('payout-approver'),
  };
}
type Staff = Awaited<ReturnType<typeof staffOf>>;

/**
 * The family's papers where she lives (person, the birth, the only-child certificate), then
 * her enrolment at the counter, approved by a second person: the approved enrolment.
 */
async function enrolWhereSheLives(staff: Staff, residenceRegion: string, account: string) {
  const { base, registrar } = staff;
  const person = await http(base, 'POST', '/v1/persons', {
    token: registrar,
    body: { ...mother, sex: 'female', residenceRegion },
  });
  expect(person.status).toBe(201);
  const submitted = await http(base, 'POST', '/v1/birth-registrations', {
    token: registrar,
    body: { child, mother, residenceRegion, birthOrder: 1 },
  });
  expect(submitted.status, submitted.text).toBe(201);
  for (const [action, version] of [
    ['validate', 1],
    ['register', 2],
  ] as const) {
    const reply = await http(
      base,
      'POST',
      `/v1/birth-registrations/${submitted.body.registrationId}/actions/${action}`,
      {
        token: registrar,
        body: {},
        headers: { 'if-match': `"${version}"` },
      },
    );
    expect(reply.status, reply.text).toBe(200);
  }
  const household = await eventually(async () => {
    const reply = await http(base, 'GET', `/v1/households?personId=${person.body.personId}`, {
      token: registrar,
    });
    return reply.body.items?.[0]?.familyType === 'only-child' ? reply.body.items[0] : undefined;
  }, 30_000);
  const certificate = await http(base, 'POST', '/v1/certificates', {
    token: registrar,
    body: { householdId: household.householdId, kind: 'only-child-parents' },
  });
  expect(certificate.status).toBe(201);
  const application = {
    scheme: SCHEME,
    personId: person.body.personId,
    bankAccount: { accountNumber: account, holderName: mother.name, bankCode: '999651000002' },
  };
  // Until the registry's facts reach payout, enrolment is refused and nothing is stored.
  const applied = await eventually(async () => {
    const reply = await http(base, 'POST', '/v1/enrollments', { token: staff.officer, body: application });
    return reply.status === 201 ? reply : undefined;
  }, 30_000);
  const approved = await http(base, 'POST', `/v1/enrollments/${applied.body.enrollmentId}/actions/approve`, {
    token: staff.approver,
    body: {},
  });
  expect(approved.status).toBe(200);
  return approved.body;
}

/** The enrolment once its claim stands at `status` (answers travel through the exchange). */
const claimOf = (staff: Staff, enrollmentId: string, status: string) =>
  eventually(async () => {
    const reply = await http(staff.base, 'GET', `/v1/enrollments/${enrollmentId}`, { token: staff.officer });
    return reply.body.crossProvince?.status === status ? reply.body : undefined;
  }, 45_000);

/** Plans, submits and approves the county's batch of a period; the batch once settled. */
async function payBatch(staff: Staff, region: string, period: string) {
  const planned = await http(staff.base, 'POST', '/v1/payout-batches', {
    token: staff.officer,
    body: { scheme: SCHEME, period, region },
    headers: { 'idempotency-key': `claims-e2e-${region}-${period}` },
  });
  expect(planned.status, planned.text).toBe(201);
  const batchId = planned.body.batchId;
  if (planned.body.control.count > 0) {
    for (const [who, action] of [
      [staff.officer, 'submit'],
      [staff.approver, 'approve'],
    ] as const) {
      const reply = await http(staff.base, 'POST', `/v1/payout-batches/${batchId}/actions/${action}`, {
        token: who,
        body: {},
      });
      expect(reply.status, reply.text).toBe(200);
    }
  }
  const payments = await http(staff.base, 'GET', `/v1/payout-batches/${batchId}/payments`, {
    token: staff.officer,
  });
  return {
    batch: planned.body,
    payments: payments.body.items as { period: string; state: string; holdReason?: string }[],
  };
}

describe('claims across three provinces over the real exchange', { timeout: 240_000 }, () => {
  it('hukou in 33, paid in 51, moved to 44: 44 waits while 51 pays, and is granted after 51’s last period', async () => {
    const [chengdu, guangzhou] = [await staffOf('51'), await staffOf('44')];

    // Chengdu enrols her; its claim goes to Hangzhou, which registers it and clears it.
    const inChengdu = await enrolWhereSheLives(chengdu, '510107', '6228480000510107084');
    expect(inChengdu.crossProvince).toEqual({ province: '33', status: 'awaiting' });
    await claimOf(chengdu, inChengdu.enrollmentId, 'clear');
    const year: string = inChengdu.fromPeriod;
    const paidIn51 = await payBatch(chengdu, '510107', year);
    expect(paidIn51.batch.control.count).toBe(1);

    // She moves to Guangzhou and applies there before Chengdu has ended its enrolment:
    // Hangzhou pays nobody itself, but its register holds Chengdu's claim, so 44 waits.
    const inGuangzhou = await enrolWhereSheLives(guangzhou, '440104', '6228480000440104084');
    expect(inGuangzhou.crossProvince).toEqual({ province: '33', status: 'awaiting' });
    await claimOf(guangzhou, inGuangzhou.enrollmentId, 'conflict');
    const heldIn44 = await payBatch(guangzhou, '440104', year);
    expect(heldIn44.batch.control).toEqual({ count: 0, sumFen: 0 });
    expect(heldIn44.payments).toEqual([
      expect.objectContaining({ period: year, state: 'held', holdReason: 'cross-province-conflict' }),
    ]);

    // Chengdu ends her enrolment: its withdrawal says it pays through this year; Hangzhou
    // grants Guangzhou's claim from the year after.
    const ended = await http(chengdu.base, 'POST', `/v1/enrollments/${inChengdu.enrollmentId}/actions/end`, {
      token: chengdu.officer,
      body: { reason: '已迁往广东' },
    });
    expect(ended.status).toBe(200);
    const granted = await claimOf(guangzhou, inGuangzhou.enrollmentId, 'clear');
    expect(granted.crossProvince).toEqual({ province: '33', status: 'clear', paidElsewhereThrough: year });
    const nextYear = String(Number(year) + 1);
    const paidIn44 = await payBatch(guangzhou, '440104', nextYear);
    expect(paidIn44.payments.map((p) => [p.period, p.state, p.holdReason]).sort()).toEqual([
      [year, 'held', 'paid-by-other-province'],
      [nextYear, 'pending', undefined],
    ]);
    expect(paidIn44.batch.control.count).toBe(1);
  });
});

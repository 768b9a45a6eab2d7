import { expect } from 'vitest';
import { eventually } from '../support/in-process-runtime';
import { residentIdFor } from '../support/resident-ids';
import { http, token } from './support';

/** A family enrolled for a scheme, ready to be paid in its county's batch. */
export interface EnrolledFamily {
  readonly region: string;
  readonly scheme: string;
  /** The first period the enrolment is paid for, as the approval answered it. */
  readonly period: string;
  readonly enrollmentId: string;
}

/**
 * Through the API, as the console's scenario needs it before the payout screens: a mother on
 * the register in a county no other e2e file pays or reports on (Wenzhou Lucheng), the birth of her only child
 * registered, the family's certificate issued, and her counter enrolment approved by a
 * second person. The period comes from the approval, so the test follows the local cloud's
 * clock instead of naming a year.
 */
export async function enrolledFamily(base: string, region = '330302'): Promise<EnrolledFamily> {
  const registrar = await token(base, 'registrar-e2e-console-payout', ['registrar'], '330000');
  const officer = await token(base, 'officer-e2e-console-payout', ['payout-officer'], '330000');
  const approver = await token(base, 'approver-e2e-console-payout', ['payout-approver'], '330000');
  const mother = {
    name: '周敏',
    residentId: residentIdFor(region, '1990-04-12', '062'),
    birthDate: '1990-04-12',
    hukouRegion: region,
  };
  const person = await http(base, 'POST', '/v1/persons', {
    token: registrar,
    body: { ...mother, sex: 'female', residenceRegion: region },
  });
  expect(person.status).toBe(201);
  const submitted = await http(base, 'POST', '/v1/birth-registrations', {
    token: registrar,
    body: {
      child: {
        name: '周晓岚',
        sex: 'female',
        birthDate: '2025-08-20',
        birthRegion: region,
        residentId: residentIdFor(region, '2025-08-20', '064'),
      },
      mother,
      residenceRegion: region,
      birthOrder: 1,
    },
  });
  expect(submitted.status).toBe(201);
  for (const [action, version] of [
    ['validate', 1],
    ['register', 2],
  ] as const) {
    const reply = await http(
      base,
      'POST',
      `/v1/birth-registrations/${submitted.body.registrationId}/actions/${action}`,
      { token: registrar, body: {}, headers: { 'if-match': `"${version}"` } },
    );
    expect(reply.status).toBe(200);
  }
  const households = await http(base, 'GET', `/v1/households?personId=${person.body.personId}`, {
    token: registrar,
  });
  const certificate = await http(base, 'POST', '/v1/certificates', {
    token: registrar,
    body: { householdId: households.body.items[0].householdId, kind: 'only-child-parents' },
  });
  expect(certificate.status).toBe(201);

  const scheme = 'only-child-reward';
  const application = {
    scheme,
    residentId: mother.residentId,
    bankAccount: { accountNumber: '6228480000330302062', holderName: mother.name, bankCode: '999331000002' },
  };
  // Refused until the registry's facts have reached payout; nothing is stored meanwhile.
  const applied = await eventually(async () => {
    const reply = await http(base, 'POST', '/v1/enrollments', { token: officer, body: application });
    return reply.status === 201 ? reply : undefined;
  }, 30_000);
  const approved = await http(base, 'POST', `/v1/enrollments/${applied.body.enrollmentId}/actions/approve`, {
    token: approver,
    body: {},
  });
  expect(approved.status).toBe(200);
  return { region, scheme, period: approved.body.fromPeriod, enrollmentId: applied.body.enrollmentId };
}

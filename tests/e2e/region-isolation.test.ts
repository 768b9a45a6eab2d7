import { beforeAll, describe, expect, it } from 'vitest';
import { manifests } from '../../functions/manifests';
import { routesOf } from '../../shared/manifest';
import { eventually } from '../support/in-process-runtime';
import { residentIdFor } from '../support/resident-ids';
import { citizenToken, http, province, token } from './support';

/** A Hangzhou family's records, and the ids the routes below need. */
interface Family {
  personId: string;
  childResidentId: string;
  registrationId: string;
  householdId: string;
  certificateId: string;
  motherId: string;
  enrollmentId: string;
  batchId: string;
  verificationRequestId: string;
}

type Request = {
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** `own`: the route serves the caller's own request (202), holding nothing of the family. */
  /** `absent`: answered as for a record that does not exist (404), which tells nothing. */
  expect: 'forbidden' | 'empty' | 'own' | 'absent';
};

/**
 * What a staff member of another region sends to each staff route, with what they must
 * get: 403 with no data, or for searches an empty answer. Every staff route must be here.
 */
const requests = (f: Family): Record<string, Request> => {
  const person = {
    residentId: residentIdFor('330106', '1979-09-09', '093'),
    name: '冯一',
    sex: 'male',
    birthDate: '1979-09-09',
    hukouRegion: '330106',
    residenceRegion: '330106',
  };
  const ifMatch = { 'if-match': '"1"' };
  return {
    'POST /v1/persons': { path: '/v1/persons', body: person, expect: 'forbidden' },
    'GET /v1/persons': { path: `/v1/persons?residentId=${f.childResidentId}`, expect: 'empty' },
    'GET /v1/persons/{personId}': { path: `/v1/persons/${f.personId}`, expect: 'forbidden' },
    'PATCH /v1/persons/{personId}': {
      path: `/v1/persons/${f.personId}`,
      body: { reason: 'x', name: '冯二' },
      headers: ifMatch,
      expect: 'forbidden',
    },
    'GET /v1/persons/{personId}/history': { path: `/v1/persons/${f.personId}/history`, expect: 'forbidden' },
    'POST /v1/persons/{personId}/mandates': {
      path: `/v1/persons/${f.personId}/mandates`,
      body: { kind: 'guardian', holderResidentId: person.residentId, reason: '冯一监护' },
      expect: 'forbidden',
    },
    'GET /v1/persons/{personId}/mandates': {
      path: `/v1/persons/${f.personId}/mandates`,
      expect: 'forbidden',
    },
    'POST /v1/persons/{personId}/mandates/{mandateId}/actions/revoke': {
      path: `/v1/persons/${f.personId}/mandates/${f.registrationId}/actions/revoke`,
      body: { reason: 'x' },
      expect: 'forbidden',
    },
    'POST /v1/persons/{personId}/actions/{action}': {
      path: `/v1/persons/${f.personId}/actions/record-death`,
      body: { deathDate: '2026-01-01' },
      headers: ifMatch,
      expect: 'forbidden',
    },
    'POST /v1/birth-registrations': {
      path: '/v1/birth-registrations',
      body: familyRegistration('2026-01-20', '095'),
      expect: 'forbidden',
    },
    'GET /v1/birth-registrations': {
      path: '/v1/birth-registrations?status=registered&region=3301',
      expect: 'forbidden',
    },
    'GET /v1/birth-registrations/{registrationId}': {
      path: `/v1/birth-registrations/${f.registrationId}`,
      expect: 'forbidden',
    },
    'POST /v1/birth-registrations/{registrationId}/actions/{action}': {
      path: `/v1/birth-registrations/${f.registrationId}/actions/request-correction`,
      body: { reason: 'x', changes: { 'child.name': '冯三' } },
      headers: { 'if-match': '"3"' },
      expect: 'forbidden',
    },
    'GET /v1/households': { path: `/v1/households?personId=${f.personId}`, expect: 'forbidden' },
    'GET /v1/households/{householdId}': { path: `/v1/households/${f.householdId}`, expect: 'forbidden' },
    'POST /v1/certificates': {
      path: '/v1/certificates',
      body: { householdId: f.householdId, kind: 'only-child-parents' },
      expect: 'forbidden',
    },
    'GET /v1/certificates': { path: `/v1/certificates?householdId=${f.householdId}`, expect: 'forbidden' },
    'POST /v1/certificates/{certificateId}/actions/revoke': {
      path: `/v1/certificates/${f.certificateId}/actions/revoke`,
      body: { reason: 'x' },
      headers: ifMatch,
      expect: 'forbidden',
    },
    'POST /v1/certificates/remote-verifications': {
      path: '/v1/certificates/remote-verifications',
      body: { province: '51', verificationCode: 'ABCD-EFGH-2345-6789' },
      expect: 'own',
    },
    'GET /v1/certificates/remote-verifications/{requestId}': {
      path: `/v1/certificates/remote-verifications/${f.verificationRequestId}`,
      expect: 'forbidden',
    },
    'GET /v1/person-facts/{personId}': { path: `/v1/person-facts/${f.personId}`, expect: 'forbidden' },
    'GET /v1/reports/births': {
      path: '/v1/reports/births?region=3301&from=2026-01&to=2026-12',
      expect: 'forbidden',
    },
    'GET /v1/access-log': { path: `/v1/access-log?personId=${f.personId}`, expect: 'forbidden' },
    'GET /v1/held-death-notices': { path: '/v1/held-death-notices?region=3301', expect: 'forbidden' },
    'POST /v1/held-death-notices/{noticeId}/actions/{action}': {
      path: '/v1/held-death-notices/01J00000000000000000000000/actions/reject',
      body: { reason: 'x' },
      expect: 'absent',
    },
    ...payoutRequests(f),
  };
};

/** The payout routes, on the family's enrolment and a Hangzhou batch. */
const payoutRequests = (f: Family): Record<string, Request> => {
  const batch = `/v1/payout-batches/${f.batchId}`;
  return {
    'POST /v1/enrollments': {
      path: '/v1/enrollments',
      body: {
        scheme: 'only-child-reward',
        personId: f.motherId,
        bankAccount: { accountNumber: '6228480000330106084', holderName: '蒋红', bankCode: '999331000002' },
      },
      expect: 'forbidden',
    },
    'GET /v1/enrollments': {
      path: '/v1/enrollments?scheme=only-child-reward&region=330100',
      expect: 'forbidden',
    },
    'GET /v1/enrollments/{enrollmentId}': { path: `/v1/enrollments/${f.enrollmentId}`, expect: 'forbidden' },
    'POST /v1/enrollments/{enrollmentId}/actions/{action}': {
      path: `/v1/enrollments/${f.enrollmentId}/actions/reject`,
      body: { reason: 'x' },
      expect: 'forbidden',
    },
    'POST /v1/enrollments/{enrollmentId}/death-notice-reversal': {
      path: `/v1/enrollments/${f.enrollmentId}/death-notice-reversal`,
      body: { reason: 'x' },
      expect: 'forbidden',
    },
    'POST /v1/enrollments/{enrollmentId}/account-changes': {
      path: `/v1/enrollments/${f.enrollmentId}/account-changes`,
      body: {
        bankAccount: { accountNumber: '6228480000330200084', holderName: '蒋红', bankCode: '999331000002' },
        reason: 'x',
      },
      expect: 'forbidden',
    },
    'POST /v1/enrollments/{enrollmentId}/account-changes/{changeId}/{decision}': {
      path: `/v1/enrollments/${f.enrollmentId}/account-changes/01J00000000000000000000000/confirm`,
      body: {},
      expect: 'forbidden',
    },
    'GET /v1/payout-batches': { path: '/v1/payout-batches?region=330100', expect: 'forbidden' },
    'POST /v1/payout-batches': {
      path: '/v1/payout-batches',
      body: { scheme: 'rural-reward', period: '2026-10', region: '330100' },
      expect: 'forbidden',
    },
    'GET /v1/payout-batches/{batchId}': { path: batch, expect: 'forbidden' },
    'GET /v1/payout-batches/{batchId}/payments': { path: `${batch}/payments`, expect: 'forbidden' },
    'POST /v1/payout-batches/{batchId}/actions/{action}': {
      path: `${batch}/actions/cancel`,
      body: { reason: 'x' },
      expect: 'forbidden',
    },
    'GET /v1/payout-batches/{batchId}/payment-file': { path: `${batch}/payment-file`, expect: 'forbidden' },
    'POST /v1/payout-batches/{batchId}/status-reports': {
      path: `${batch}/status-reports`,
      body: { document: '<Document/>', signature: { signature: 'AAAA', certificate: 'AAAA' } },
      expect: 'forbidden',
    },
    'GET /v1/reports/payouts': { path: '/v1/reports/payouts?region=330100', expect: 'forbidden' },
  };
};

function familyRegistration(childBirth: string, sequence: string) {
  return {
    child: {
      name: '冯乐',
      sex: 'male',
      birthDate: childBirth,
      birthRegion: '330106',
      residentId: residentIdFor('330106', childBirth, sequence),
    },
    mother: {
      name: '蒋红',
      residentId: residentIdFor('330106', '1990-10-10', '084'),
      birthDate: '1990-10-10',
      hukouRegion: '330106',
    },
    residenceRegion: '330106',
    birthOrder: 1,
  };
}

describe('staff of another region get nothing of a Hangzhou family', () => {
  const zj = province['33'];
  let family: Family;
  let outsider: string;

  beforeAll(async () => {
    const registrar = await token(zj(), 'registrar-hz', ['registrar'], '330100');
    outsider = await token(
      zj(),
      'staff-nb',
      ['registrar', 'auditor', 'payout-officer', 'payout-approver'],
      '330200',
    );
    const body = familyRegistration('2026-01-10', '091');
    // The mother is on the register, so the household names her and payout can enrol her.
    const mother = await http(zj(), 'POST', '/v1/persons', {
      token: registrar,
      body: { ...body.mother, sex: 'female', residenceRegion: '330106' },
    });
    const submitted = await http(zj(), 'POST', '/v1/birth-registrations', { token: registrar, body });
    const registrationId = submitted.body.registrationId;
    for (const [action, version] of [
      ['validate', 1],
      ['register', 2],
    ] as const) {
      const reply = await http(zj(), 'POST', `/v1/birth-registrations/${registrationId}/actions/${action}`, {
        token: registrar,
        body: {},
        headers: { 'if-match': `"${version}"` },
      });
      expect(reply.status).toBe(200);
    }
    const found = await http(zj(), 'GET', `/v1/persons?residentId=${body.child.residentId}`, {
      token: registrar,
    });
    const personId = found.body.items[0].personId;
    const households = await http(zj(), 'GET', `/v1/households?personId=${personId}`, { token: registrar });
    const householdId = households.body.items[0].householdId;
    const certificate = await http(zj(), 'POST', '/v1/certificates', {
      token: registrar,
      body: { householdId, kind: 'only-child-parents' },
    });
    const verification = await http(zj(), 'POST', '/v1/certificates/remote-verifications', {
      token: registrar,
      body: { province: '51', verificationCode: 'ABCD-EFGH-2345-6789' },
    });
    expect(verification.status).toBe(202);
    // Payout's projection of the child, so person-facts has something to refuse.
    const officer = await token(zj(), 'officer-hz', ['payout-officer'], '330100');
    await eventually(async () =>
      (await http(zj(), 'GET', `/v1/person-facts/${personId}`, { token: officer })).status === 200
        ? true
        : undefined,
    );
    // An enrolment and a batch in Hangzhou, for the payout routes to refuse.
    const enrolled = await eventually(async () => {
      const reply = await http(zj(), 'POST', '/v1/enrollments', {
        token: officer,
        body: {
          scheme: 'only-child-reward',
          personId: mother.body.personId,
          bankAccount: { accountNumber: '6228480000330106084', holderName: '蒋红', bankCode: '999331000002' },
        },
      });
      return reply.status === 201 ? reply.body : undefined;
    }, 30_000);
    const batch = await http(zj(), 'POST', '/v1/payout-batches', {
      token: officer,
      body: { scheme: 'rural-reward', period: '2026-10', region: '330100' },
    });
    expect(batch.status).toBe(201);
    family = {
      personId,
      childResidentId: body.child.residentId,
      registrationId,
      householdId,
      certificateId: certificate.body.certificateId,
      motherId: mother.body.personId,
      enrollmentId: enrolled.enrollmentId,
      batchId: batch.body.batchId,
      verificationRequestId: verification.body.requestId,
    };
  });

  it('covers every staff route', () => {
    const staffRoutes = routesOf(manifests)
      .filter(({ route }) => !route.public && route.roles.some((r) => r !== 'citizen'))
      // Exchange operations are province-wide, not region-scoped; route-permissions covers their roles.
      .filter(({ fn }) => !fn.name.startsWith('exchange-'))
      .map(({ route }) => `${route.method} ${route.path}`);
    expect(Object.keys(requests(family)).sort()).toEqual(staffRoutes.sort());
  });

  it('refuses each staff route, or finds nothing, and leaks no data', async () => {
    for (const [key, request] of Object.entries(requests(family))) {
      const method = key.split(' ')[0] as string;
      const reply = await http(zj(), method, request.path, {
        token: outsider,
        ...(request.body !== undefined ? { body: request.body } : {}),
        ...(request.headers ? { headers: request.headers } : {}),
      });
      if (request.expect === 'forbidden') {
        expect(reply.status, key).toBe(403);
        expect(Object.keys(reply.body).sort(), key).toEqual([
          'detail',
          'instance',
          'status',
          'title',
          'type',
        ]);
      } else if (request.expect === 'absent') {
        expect(reply.status, key).toBe(404);
        expect(Object.keys(reply.body).sort(), key).toEqual([
          'detail',
          'instance',
          'status',
          'title',
          'type',
        ]);
      } else if (request.expect === 'own') {
        expect(reply.status, key).toBe(202);
      } else {
        expect(reply.status, key).toBe(200);
        expect(reply.body.items, key).toEqual([]);
      }
      expect(reply.text, key).not.toMatch(/冯|蒋/);
    }
  });

  it('shows a citizen only the registrations and certificates of their own family', async () => {
    const stranger = await citizenToken(
      zj(),
      'citizen-stranger',
      residentIdFor('330106', '1979-11-11', '082'),
    );
    for (const path of ['/v1/me/birth-registrations', '/v1/me/certificates']) {
      const reply = await http(zj(), 'GET', path, { token: stranger });
      expect(reply.status).toBe(200);
      expect(reply.body.items).toEqual([]);
    }
    expect(
      (await http(zj(), 'GET', `/v1/birth-registrations/${family.registrationId}`, { token: stranger }))
        .status,
    ).toBe(401);
  });
});

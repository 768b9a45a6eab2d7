import { newUlid } from '../../../shared/domain/ids';
import { personRefOf } from '../../../shared/domain/person-ref';
import { accountFor, activeEnrollment, payoutRepos, ruralParent } from '../../support/payout-fixtures';
import { residentIdFor } from '../../support/resident-ids';
import type { FamilyCell } from '../authorization-matrix';
import type { startApiProvince } from './api-province';

type Api = Awaited<ReturnType<typeof startApiProvince>>;

/** The citizen every family cell signs in as: a mother in Hangzhou (made-up data). */
export const SIGNED_IN = residentIdFor('330106', '1992-04-05', '022');

/** Resident IDs of the people around her, by family cell (and two outsiders). */
const ID = {
  self: SIGNED_IN,
  'own-child': residentIdFor('330106', '2020-06-01', '024'),
  spouse: residentIdFor('330106', '1990-01-01', '015'),
  'other-family': residentIdFor('330106', '1985-03-03', '042'),
  'unknown-resident-id': residentIdFor('330106', '1988-08-08', '072'),
} as const satisfies Record<FamilyCell, string>;
const OTHER_CHILD = residentIdFor('330106', '2019-02-02', '013');
/** A guardian of other people, and a ward of the signed-in mother: neither is her family by blood. */
const GUARDIAN = residentIdFor('330106', '1960-05-05', '031');
const WARD = residentIdFor('330106', '1970-07-07', '053');
/** The spouse's child with a woman the register does not know. */
const UNRECORDED_MOTHER = residentIdFor('330106', '1993-09-09', '062');

const birthDateOf = (residentId: string) =>
  `${residentId.slice(6, 10)}-${residentId.slice(10, 12)}-${residentId.slice(12, 14)}`;
const sexOf = (residentId: string) => (Number(residentId[16]) % 2 === 1 ? 'male' : 'female');
const parent = (name: string, residentId: string) => ({
  name,
  residentId,
  birthDate: birthDateOf(residentId),
  hukouRegion: '330106',
});

/**
 * A running province holding two families, built through the API as staff would (persons,
 * registered births, certificates, mandates) and, for payout, its projection and enrolments
 * written as the registry's events and the counter would leave them. `ask` sends one citizen
 * route's request for one family cell as the signed-in mother and tells whether her family
 * scope admitted it.
 */
export async function familyWorld(api: Api) {
  const registrar = await api.token({ sub: 'registrar-fam', roles: ['registrar'], region: '330106' });
  const mother = await api.token({ sub: 'citizen-mother', roles: ['citizen'], residentId: SIGNED_IN });
  const call = async (method: string, path: string, token: string, body?: unknown, ifMatch?: string) => {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(ifMatch ? { 'if-match': ifMatch } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, text, body: (text ? JSON.parse(text) : {}) as unknown };
  };
  const ok = <T extends { status: number; text: string }>(answer: T, what: string): T => {
    if (answer.status >= 300) throw new Error(`${what}: ${answer.status} ${answer.text.slice(0, 300)}`);
    return answer;
  };
  const record = async (residentId: string, name: string): Promise<string> =>
    (
      ok(
        await call('POST', '/v1/persons', registrar, {
          residentId,
          name,
          sex: sexOf(residentId),
          birthDate: birthDateOf(residentId),
          hukouRegion: '330106',
          residenceRegion: '330106',
        }),
        `record ${name}`,
      ).body as { personId: string }
    ).personId;
  const registerBirth = async (details: Record<string, unknown>, complete: boolean): Promise<string> => {
    const submitted = ok(await call('POST', '/v1/birth-registrations', registrar, details), 'submit birth');
    const id = (submitted.body as { registrationId: string }).registrationId;
    if (complete) {
      ok(
        await call('POST', `/v1/birth-registrations/${id}/actions/validate`, registrar, {}, '"1"'),
        'validate',
      );
      ok(
        await call('POST', `/v1/birth-registrations/${id}/actions/register`, registrar, {}, '"2"'),
        'register',
      );
    }
    return id;
  };
  const child = (name: string, residentId: string) => ({
    name,
    sex: sexOf(residentId),
    birthDate: birthDateOf(residentId),
    birthRegion: '330106',
    residentId,
  });

  const ids = {
    self: await record(ID.self, '李芳'),
    spouse: await record(ID.spouse, '王强'),
    'other-family': await record(ID['other-family'], '陈敏'),
  };
  await record(GUARDIAN, '赵刚');
  const ward = await record(WARD, '孙伟');
  const registrations = {
    family: await registerBirth(
      {
        child: child('王小宝', ID['own-child']),
        mother: parent('李芳', ID.self),
        father: parent('王强', ID.spouse),
        residenceRegion: '330106',
        birthOrder: 1,
      },
      true,
    ),
    // Filed at the counter naming the spouse as father: the family sees it all the same.
    spouse: await registerBirth(
      {
        child: { name: '王小明', sex: 'male', birthDate: '2021-01-01', birthRegion: '330106' },
        mother: parent('周丽', UNRECORDED_MOTHER),
        father: parent('王强', ID.spouse),
        residenceRegion: '330106',
        birthOrder: 1,
      },
      false,
    ),
    other: await registerBirth(
      {
        child: child('陈小雨', OTHER_CHILD),
        mother: parent('陈敏', ID['other-family']),
        residenceRegion: '330106',
        birthOrder: 1,
      },
      true,
    ),
  };
  const householdOf = async (personId: string) =>
    (
      ok(await call('GET', `/v1/households?personId=${personId}`, registrar), 'household').body as {
        items: { householdId: string; members: { role: string; personId?: string }[] }[];
      }
    ).items[0];
  const family = await householdOf(ids.self);
  const other = await householdOf(ids['other-family']);
  if (!family || !other) throw new Error('the registered births made no households');
  const childId = family.members.find((m) => m.role === 'child')?.personId;
  const otherChildId = other.members.find((m) => m.role === 'child')?.personId;
  if (!childId || !otherChildId) throw new Error('the registered children have no person records');
  const personIds: Record<FamilyCell, string | undefined> = {
    ...ids,
    'own-child': childId,
    'unknown-resident-id': undefined,
  };
  // A registrar reads each person once: the reads the family's access log must list.
  for (const personId of Object.values(personIds)) {
    if (personId) ok(await call('GET', `/v1/persons/${personId}`, registrar), 'staff read');
  }
  const issue = async (householdId: string) =>
    (
      ok(
        await call('POST', '/v1/certificates', registrar, { householdId, kind: 'only-child-parents' }),
        'certificate',
      ).body as { certificateId: string }
    ).certificateId;
  const certificates = { family: await issue(family.householdId), other: await issue(other.householdId) };
  const mandate = async (personId: string, holder: string) =>
    (
      ok(
        await call('POST', `/v1/persons/${personId}/mandates`, registrar, {
          kind: 'guardian',
          holderResidentId: holder,
          reason: '监护人指定决定书',
        }),
        'mandate',
      ).body as { mandateId: string }
    ).mandateId;
  const mandates: Record<FamilyCell, string> = {
    self: await mandate(ward, SIGNED_IN),
    'own-child': await mandate(childId, GUARDIAN),
    spouse: await mandate(ids.spouse, GUARDIAN),
    'other-family': await mandate(ids['other-family'], GUARDIAN),
    'unknown-resident-id': newUlid(),
  };

  // Payout holds what the registry's events and the counter gave it.
  const payout = payoutRepos(api.aws, api.resources.tables.payout);
  const ref = (residentId: string) => personRefOf(api.secrets['person-ref-key'], residentId);
  for (const [cell, personId] of Object.entries(personIds) as [FamilyCell, string | undefined][]) {
    if (!personId) continue;
    await payout.projection.saveIfNewer(
      ruralParent(personId, {
        personRef: ref(ID[cell]),
        birthDate: birthDateOf(ID[cell]),
        sex: sexOf(ID[cell]),
      }),
    );
  }
  await payout.projection.saveHouseholdIfNewer({
    householdId: family.householdId,
    version: 1,
    familyType: 'only-child',
    members: [
      { role: 'mother', personId: ids.self, alive: true },
      { role: 'father', personId: ids.spouse, alive: true },
      { role: 'child', personId: childId, alive: true },
    ],
    sourceEventId: newUlid(),
  });
  await payout.projection.saveHouseholdIfNewer({
    householdId: other.householdId,
    version: 1,
    familyType: 'only-child',
    members: [
      { role: 'mother', personId: ids['other-family'], alive: true },
      { role: 'child', personId: otherChildId, alive: true },
    ],
    sourceEventId: newUlid(),
  });
  const enrollments: Partial<Record<FamilyCell, string>> = {};
  let n = 0;
  for (const [cell, personId] of Object.entries(personIds) as [FamilyCell, string | undefined][]) {
    if (!personId) continue;
    const enrollment = await activeEnrollment({
      personId,
      scheme: 'rural-reward',
      fromPeriod: '2026-01',
      account: accountFor(++n),
    });
    // It pays the person, as an enrolment made from the registry's facts does.
    await payout.enrollments.create({ ...enrollment, personRef: ref(ID[cell]) });
    enrollments[cell] = enrollment.enrollmentId;
  }

  /** What a list answer must show for a cell to count as admitted. */
  const markers: Record<string, Record<FamilyCell, string | undefined>> = {
    'GET /v1/me': personIds,
    'GET /v1/me/household': personIds,
    'GET /v1/me/birth-registrations': {
      self: registrations.family,
      'own-child': registrations.family,
      spouse: registrations.spouse,
      'other-family': registrations.other,
      'unknown-resident-id': undefined,
    },
    'GET /v1/me/certificates': {
      self: certificates.family,
      'own-child': certificates.family,
      spouse: certificates.family,
      'other-family': certificates.other,
      'unknown-resident-id': undefined,
    },
    'GET /v1/me/benefits': { ...enrollments, 'unknown-resident-id': undefined } as Record<
      FamilyCell,
      string | undefined
    >,
    'GET /v1/me/mandates': { ...mandates, 'unknown-resident-id': undefined },
    'GET /v1/me/access-log': personIds,
  };
  let births = 0;
  let changes = 0;
  const account = { accountNumber: '6228480000330106999', holderName: '李芳', bankCode: '999331000002' };
  /** The account of the latest change asked for: the app has it typed again to confirm. */
  let lastAccount = account.accountNumber;
  /** A request naming the cell's person, for the routes that name one. */
  type Request = { method: string; path: string; body: unknown };
  const requests: Record<string, (cell: FamilyCell) => Request | Promise<Request>> = {
    'POST /v1/me/birth-registrations': (cell) => {
      const id = ID[cell];
      const day = String(++births).padStart(2, '0');
      const named = parent('张某', id);
      return {
        method: 'POST',
        path: '/v1/me/birth-registrations',
        body: {
          child: { name: '张小某', sex: 'female', birthDate: `2025-03-${day}`, birthRegion: '330106' },
          ...(sexOf(id) === 'male'
            ? { mother: parent('周丽', UNRECORDED_MOTHER), father: named }
            : { mother: named }),
          residenceRegion: '330106',
          birthOrder: 1,
        },
      };
    },
    'POST /v1/me/enrollments': (cell) => ({
      method: 'POST',
      path: '/v1/me/enrollments',
      body: { scheme: 'rural-reward', residentId: ID[cell], bankAccount: account },
    }),
    'POST /v1/me/mandates': (cell) => ({
      method: 'POST',
      path: '/v1/me/mandates',
      body: { holderResidentId: ID[cell] },
    }),
    'GET /v1/me/enrollments/{enrollmentId}/account-changes': (cell) => ({
      method: 'GET',
      path: `/v1/me/enrollments/${enrollments[cell] ?? newUlid()}/account-changes`,
      body: undefined,
    }),
    'POST /v1/me/enrollments/{enrollmentId}/account-changes': async (cell) => {
      lastAccount = `62284800330106${String(++changes).padStart(5, '0')}`;
      return {
        method: 'POST',
        path: `/v1/me/enrollments/${enrollments[cell] ?? newUlid()}/account-changes`,
        body: { bankAccount: { ...account, accountNumber: lastAccount } },
      };
    },
    // The change waiting on the cell's enrolment, where the mother may see one.
    'POST /v1/me/enrollments/{enrollmentId}/account-changes/{changeId}/confirm': async (cell) => {
      const enrollmentId = enrollments[cell] ?? newUlid();
      const history = await call('GET', `/v1/me/enrollments/${enrollmentId}/account-changes`, mother);
      const pending = (history.body as { pending?: { changeId: string } }).pending?.changeId;
      return {
        method: 'POST',
        path: `/v1/me/enrollments/${enrollmentId}/account-changes/${pending ?? newUlid()}/confirm`,
        body: { accountNumber: lastAccount },
      };
    },
    'POST /v1/me/mandates/{mandateId}/actions/revoke': (cell) => ({
      method: 'POST',
      path: `/v1/me/mandates/${mandates[cell]}/actions/revoke`,
      body: {},
    }),
  };

  return {
    async ask(key: string, cell: FamilyCell) {
      const request = requests[key];
      if (request) {
        const { method, path, body } = await request(cell);
        const answer = await call(method, path, mother, body);
        // Admitted: the request reached the family's own rules, whatever they answered.
        return { status: answer.status, text: answer.text, admitted: answer.status !== 404 };
      }
      const path = key.slice(key.indexOf(' ') + 1);
      const answer = await call('GET', path, mother);
      const marker = markers[key]?.[cell];
      return {
        status: answer.status,
        text: answer.text,
        admitted: answer.status === 200 && marker !== undefined && answer.text.includes(marker),
      };
    },
  };
}

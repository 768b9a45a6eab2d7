import { describe, expect, it } from 'vitest';
import {
  ACCESS_LOG_RETENTION_YEARS,
  accessEntriesOf,
  accessEntriesOfPayoutEvent,
  accessEntryExpiry,
  ForeignAccessEventError,
} from '../../functions/registry/domain/access-log';
import { registryFamilyDirectory } from '../../functions/registry/domain/family-directory';
import type { Household, HouseholdMember } from '../../functions/registry/domain/household';
import type { StoredPerson } from '../../functions/registry/domain/ports';
import { fixedClock } from '../../shared/domain/clock';
import { ValidationError } from '../../shared/domain/errors';
import { newUlid } from '../../shared/domain/ids';
import { eventSource } from '../../shared/events/envelope';
import type { StaffRead } from '../../shared/events/person-data-read';
import { accessPurposeOf, readRecorder, staffReadOf } from '../../shared/http/access-read';
import type { Principal } from '../../shared/http/auth';
import { familyOfCitizen } from '../../shared/http/family-scope';
import type { ApiRequest } from '../../shared/http/request';
import type { RouteSpec } from '../../shared/manifest';

const route: RouteSpec = { method: 'GET', path: '/v1/persons/{personId}', roles: ['registrar', 'auditor'] };
/** Just the parts of a request the access rules read. */
const requestOf = (
  principal: Principal,
  headers: Record<string, string> = {},
  claims: Record<string, string> = {},
): ApiRequest =>
  ({
    principal,
    route,
    headers,
    event: { requestContext: { authorizer: { jwt: { claims, scopes: [] } } } },
  }) as unknown as ApiRequest;
const registrar: Principal = { subject: 'reg-1', roles: ['registrar'], scopePrefix: '3301' };
const auditor: Principal = { subject: 'aud-1', roles: ['auditor'], scopePrefix: '33' };
const citizen: Principal = { subject: 'cit-1', roles: ['citizen'] };

const read: StaffRead = {
  readId: newUlid(),
  at: '2026-11-20T02:00:00.000Z',
  subject: 'reg-1',
  role: 'registrar',
  region: '3301',
  route: 'GET /v1/persons',
  purpose: 'counter-service',
};

describe('the purpose of a staff read', () => {
  it("takes the header, else audit for an auditor, else the route's default", () => {
    expect(
      accessPurposeOf(requestOf(registrar, { 'access-purpose': 'data-quality' }), 'counter-service'),
    ).toBe('data-quality');
    expect(accessPurposeOf(requestOf(registrar), 'counter-service')).toBe('counter-service');
    expect(accessPurposeOf(requestOf(auditor), 'counter-service')).toBe('audit');
  });

  it('refuses a value that is not documented', () => {
    expect(() => accessPurposeOf(requestOf(registrar, { 'access-purpose': 'curiosity' }), 'audit')).toThrow(
      ValidationError,
    );
  });

  it('describes who read in which role and region, through which route', () => {
    const at = new Date('2026-11-20T02:00:00Z');
    expect(staffReadOf(requestOf(registrar), 'counter-service', { readId: 'R', at })).toEqual({
      readId: 'R',
      at: '2026-11-20T02:00:00.000Z',
      subject: 'reg-1',
      role: 'registrar',
      region: '3301',
      route: 'GET /v1/persons/{personId}',
      purpose: 'counter-service',
    });
    expect(staffReadOf(requestOf(citizen), 'counter-service', { readId: 'R', at })).toBeUndefined();
  });

  it('records nothing for a citizen or a read that exposed nobody', async () => {
    const recorded: unknown[] = [];
    const record = readRecorder(
      { record: async (r, reads) => void recorded.push([r, reads]) },
      fixedClock('2026-11-20T02:00:00Z'),
      () => 'R',
    );
    const one = [{ personId: newUlid(), record: 'person/x', regions: ['330106'] }];
    await record(requestOf(citizen), 'counter-service', one);
    await record(requestOf(registrar), 'counter-service', []);
    expect(recorded).toEqual([]);
    await record(requestOf(registrar), 'counter-service', one);
    expect(recorded).toHaveLength(1);
  });
});

describe('access entries', () => {
  it('are one per person a read exposed, with distinct regions', () => {
    const a = newUlid();
    const b = newUlid();
    const entries = accessEntriesOf(read, [
      { personId: a, record: 'person/a', regions: ['330106', '330106'] },
      { personId: b, record: 'person/b', regions: ['330106', '330108'] },
      { personId: a, record: 'household/h', regions: ['330106'] },
    ]);
    expect(entries).toEqual([
      { ...read, personId: a, record: 'person/a', regions: ['330106'] },
      { ...read, personId: b, record: 'person/b', regions: ['330106', '330108'] },
    ]);
  });

  it(`expire ${ACCESS_LOG_RETENTION_YEARS} years after the read`, () => {
    expect(accessEntryExpiry('2026-11-20T02:00:00.000Z')).toBe(Date.parse('2031-11-20T02:00:00.000Z') / 1000);
  });

  it("are taken from payout's events of this province only", () => {
    const data = { ...read, reads: [{ personId: newUlid(), record: 'enrollment/e', regions: ['330106'] }] };
    expect(accessEntriesOfPayoutEvent({ source: eventSource('33', 'payout'), data }, '33')).toHaveLength(1);
    for (const source of [
      eventSource('51', 'payout'),
      eventSource('33', 'registry'),
      'urn:cn:gov:510000:jiahe',
    ]) {
      expect(() => accessEntriesOfPayoutEvent({ source, data }, '33')).toThrow(ForeignAccessEventError);
    }
  });
});

describe("a citizen's family", () => {
  const mother = newUlid();
  const father = newUlid();
  const minor = newUlid();
  const adult = newUlid();
  const member = (role: HouseholdMember['role'], personId: string | undefined, birthDate: string) => ({
    role,
    ...(personId ? { personId } : {}),
    birthDate,
    alive: true,
    disabled: false,
  });
  const household: Household = {
    householdId: newUlid(),
    members: [
      member('mother', mother, '1980-01-01'),
      member('father', father, '1979-01-01'),
      member('child', minor, '2010-06-01'),
      member('child', adult, '2008-11-19'),
      member('child', undefined, '2026-01-01'),
    ],
    version: 1,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    eventId: newUlid(),
  };
  const personIdOfRef: Record<string, string> = {
    'ref-mother': mother,
    'ref-minor': minor,
    'ref-alone': 'P-ALONE',
  };
  // In-memory ports: the family rule is pure once the register's answers are given. The log
  // covers the family the one shared check gives (shared/http/family-scope.ts).
  const directory = registryFamilyDirectory({
    persons: {
      findByPersonRef: async (ref) => {
        const personId = personIdOfRef[ref];
        return personId ? ({ person: { personId } } as StoredPerson) : undefined;
      },
    },
    households: {
      findByMember: async (personId) => (personId === 'P-ALONE' ? undefined : household),
    },
    mandates: { heldBy: async () => [] },
  });
  const clock = fixedClock('2026-11-20T02:00:00Z');
  const family = {
    of: async (personRef: string) => {
      const found = await familyOfCitizen({ ...citizen, personRef }, directory, clock);
      return [...found.members.keys()];
    },
  };

  it('is a parent with the other parent and the minor children on the register', async () => {
    expect(await family.of('ref-mother')).toEqual([mother, father, minor]);
  });

  it('is only themselves for a child, a person without a household, or nobody for a stranger', async () => {
    expect(await family.of('ref-minor')).toEqual([minor]);
    expect(await family.of('ref-alone')).toEqual(['P-ALONE']);
    expect(await family.of('ref-unknown')).toEqual([]);
  });
});

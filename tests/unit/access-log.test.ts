import { describe, expect, it } from 'vitest';
import {
  ACCESS_LOG_RETENTION_YEARS,
  AccessEntry,
  accessEntriesOf,
  accessEntriesOfPayoutEvent,
  accessEntryExpiry,
  ForeignAccessEventError,
  mandateAccessEntries,
  partyOf,
} from '../../functions/registry/domain/access-log';
import { registryFamilyDirectory } from '../../functions/registry/domain/family-directory';
import type { Household, HouseholdMember } from '../../functions/registry/domain/household';
import { recordMandate, revokeMandate } from '../../functions/registry/domain/mandate';
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
      { ...read, actor: 'staff', action: 'read', personId: a, record: 'person/a', regions: ['330106'] },
      {
        ...read,
        actor: 'staff',
        action: 'read',
        personId: b,
        record: 'person/b',
        regions: ['330106', '330108'],
      },
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

describe('the entries of a mandate change', () => {
  const parent = newUlid();
  const child = newUlid();
  const mandate = recordMandate({
    mandateId: newUlid(),
    kind: 'authorised-relative',
    personId: parent,
    holderPersonId: child,
    channel: 'app',
    recordedBy: 'cit-1',
    recordedAt: '2026-11-20T02:00:00.000Z',
    eventId: newUlid(),
  });
  const regions = { person: ['330106', '330106'], holder: ['330108'] };
  const inApp = { actor: 'person', route: 'POST /v1/me/mandates' } as const;
  // A staff read's own id and time are the request's: the entries take the mandate's.
  const counterRead: StaffRead = {
    ...read,
    readId: 'REQUEST',
    at: '2026-11-20T09:59:59.000Z',
    route: 'POST /v1/persons/{personId}/mandates',
  };
  const atCounter = { actor: 'staff', staff: counterRead } as const;

  it('are one for the person acted for and one for the holder, naming the mandate', () => {
    const entries = mandateAccessEntries(mandate, atCounter, regions);
    expect(entries.map((e) => [e.personId, e.regions])).toEqual([
      [parent, ['330106']],
      [child, ['330108']],
    ]);
    for (const entry of entries) {
      expect(entry).toMatchObject({
        action: 'mandate-recorded',
        actor: 'staff',
        subject: 'reg-1',
        role: 'registrar',
        region: '3301',
        purpose: 'counter-service',
        route: 'POST /v1/persons/{personId}/mandates',
        record: `mandate/${mandate.mandateId}`,
        at: mandate.recordedAt,
        readId: mandate.eventId,
      });
      expect(AccessEntry.parse(entry)).toEqual(entry);
    }
  });

  it('say which of the two people acted in the app, and nothing of their login or resident ID', () => {
    const entries = mandateAccessEntries(mandate, inApp, regions);
    expect(entries).toEqual([
      {
        actor: 'person',
        action: 'mandate-recorded',
        readId: mandate.eventId,
        at: mandate.recordedAt,
        route: 'POST /v1/me/mandates',
        personId: parent,
        record: `mandate/${mandate.mandateId}`,
        regions: ['330106'],
      },
      expect.objectContaining({ actor: 'person', personId: child, regions: ['330108'] }),
    ]);
    expect(JSON.stringify(entries)).not.toContain('cit-1');
    for (const entry of entries) expect(entry).not.toHaveProperty('subject');
    expect(partyOf(mandate, parent)).toBe('person');
    expect(partyOf(mandate, child)).toBe('holder');
    expect(partyOf(mandate, newUlid())).toBeUndefined();
    expect(partyOf(mandate, undefined)).toBeUndefined();
  });

  it('list a revocation at its own time and key, by whichever party revoked', () => {
    const revoked = revokeMandate(mandate, 'cit-2', '2026-11-21T03:00:00.000Z', newUlid());
    const entries = mandateAccessEntries(
      revoked,
      { actor: 'holder', route: 'POST /v1/me/mandates/{mandateId}/actions/revoke' },
      regions,
    );
    expect(entries.map((e) => [e.action, e.actor, e.at, e.readId])).toEqual([
      ['mandate-revoked', 'holder', '2026-11-21T03:00:00.000Z', revoked.eventId],
      ['mandate-revoked', 'holder', '2026-11-21T03:00:00.000Z', revoked.eventId],
    ]);
    expect(revoked.eventId).not.toBe(mandate.eventId);
  });

  it('have the same keys when the same change is written again, so the log keeps one of each', () => {
    // The log keys an entry by person, time and id (adapters/access-log-repository.ts) and
    // keeps the first of a key: a retried write of one change appends nothing.
    const log = new Map<string, AccessEntry>();
    const append = (entries: readonly AccessEntry[]) => {
      for (const e of entries) {
        const key = `${e.personId}#${e.at}#${e.readId}`;
        if (!log.has(key)) log.set(key, e);
      }
    };
    const retryRead: StaffRead = { ...counterRead, readId: 'RETRY', at: '2026-11-20T10:00:05.000Z' };
    append(mandateAccessEntries(mandate, atCounter, regions));
    append(mandateAccessEntries(mandate, { actor: 'staff', staff: retryRead }, regions));
    expect(log.size).toBe(2);
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

import { describe, expect, it } from 'vitest';
import { birthNotices, personNotices } from '../../functions/registry/domain/cross-province';
import type { Person } from '../../functions/registry/domain/person';
import { newUlid } from '../../shared/domain/ids';
import {
  BIRTH_REGISTERED,
  type BirthRegistered,
  eventCatalog,
  PERSON_DECEASED,
  PERSON_RESIDENCE_ENDED,
  PERSON_RESIDENCE_REGISTERED,
} from '../../shared/events/catalog';
import { testPersonRefOf } from '../support/person-refs';
import { residentIdFor } from '../support/resident-ids';

const OWN = '33';
const REF = testPersonRefOf(residentIdFor('510104', '1990-02-02', '021'));

/** A person whose hukou is in Sichuan (51), as stored here in Zhejiang (33). */
const person = (overrides: Partial<Person> = {}): Person => ({
  personId: newUlid(),
  residentIdMasked: '510104********021*',
  name: '张三',
  sex: 'male',
  birthDate: '1990-02-02',
  hukouRegion: '510104',
  residenceRegion: '330106',
  alive: true,
  personRef: REF,
  version: 1,
  recordedAt: '2026-05-01T02:00:00.000Z',
  recordedBy: 'registrar-1',
  updatedAt: '2026-05-01T02:00:00.000Z',
  eventId: newUlid(),
  lastChange: 'recorded',
  ...overrides,
});

/** Each notice's data must be what the catalog accepts for its type. */
const valid = (notices: ReturnType<typeof personNotices>) => {
  for (const n of notices) eventCatalog[n.type].parse(n.data);
  return notices;
};

describe('personNotices', () => {
  it('tells the hukou province when one of its people is recorded as living here', () => {
    const p = person();
    const [notice, ...rest] = valid(personNotices(undefined, p, OWN));
    expect(rest).toEqual([]);
    expect(notice).toMatchObject({
      messageId: p.eventId,
      recipient: '51',
      type: PERSON_RESIDENCE_REGISTERED,
      subject: p.eventId,
      data: { personRef: REF, hukouRegion: '510104', residenceRegion: '330106', on: '2026-05-01' },
    });
    // The subject is opaque: neither the reference nor the person id.
    expect(notice?.subject).not.toBe(p.personId);
  });

  it('tells nobody about people whose hukou is here, or who cannot be named', () => {
    expect(personNotices(undefined, person({ hukouRegion: '330106' }), OWN)).toEqual([]);
    expect(personNotices(undefined, person({ personRef: undefined }), OWN)).toEqual([]);
    // Recorded here but living in a third province: not ours to report.
    expect(personNotices(undefined, person({ residenceRegion: '610102' }), OWN)).toEqual([]);
  });

  it('tells the hukou province of a move here and of a move away, with the residence that ended', () => {
    const away = person({ residenceRegion: '610102' });
    const here = person({
      lastChange: 'residence-changed',
      residenceRegion: '330106',
      residenceSince: '2026-04-01',
      version: 2,
    });
    expect(valid(personNotices(away, here, OWN))).toMatchObject([
      {
        type: PERSON_RESIDENCE_REGISTERED,
        recipient: '51',
        data: { residenceRegion: '330106', on: '2026-04-01' },
      },
    ]);
    const gone = person({
      lastChange: 'residence-changed',
      residenceRegion: '610102',
      residenceSince: '2026-05-10',
      version: 3,
    });
    expect(valid(personNotices(here, gone, OWN))).toMatchObject([
      {
        type: PERSON_RESIDENCE_ENDED,
        recipient: '51',
        data: { residenceRegion: '330106', on: '2026-05-10' },
      },
    ]);
    // A move inside this province changes nothing for the hukou province.
    const moved = person({
      lastChange: 'residence-changed',
      residenceRegion: '330102',
      residenceSince: '2026-05-10',
    });
    expect(personNotices(here, moved, OWN)).toEqual([]);
  });

  it('tells the hukou province of a death, with the person facts but never the record id', () => {
    const died = person({ lastChange: 'deceased', alive: false, deathDate: '2026-05-20', version: 2 });
    const notices = valid(personNotices(person(), died, OWN));
    expect(notices).toMatchObject([
      {
        type: PERSON_DECEASED,
        recipient: '51',
        data: { personRef: REF, alive: false, deathDate: '2026-05-20', personId: died.eventId },
      },
    ]);
    expect(JSON.stringify(notices)).not.toContain(died.personId);
  });

  it('never sends a change back to the province it came from', () => {
    const died = person({
      lastChange: 'deceased',
      alive: false,
      deathDate: '2026-05-20',
      lastChangeOrigin: '51',
    });
    expect(personNotices(person(), died, OWN)).toEqual([]);
    // From a third province: the hukou province still hears of it.
    expect(personNotices(person(), { ...died, lastChangeOrigin: '61' }, OWN)).toHaveLength(1);
  });

  it('sends nothing for corrections and disabilities', () => {
    expect(personNotices(person(), person({ lastChange: 'corrected', version: 2 }), OWN)).toEqual([]);
    expect(personNotices(person(), person({ lastChange: 'disability-recorded', version: 2 }), OWN)).toEqual(
      [],
    );
  });
});

const birth = (overrides: Partial<BirthRegistered> = {}): BirthRegistered => ({
  registrationId: newUlid(),
  registrationNumber: '330106-2026-000007',
  registeredAt: '2026-05-02T03:00:00.000Z',
  childBirthDate: '2026-04-20',
  childSex: 'female',
  birthRegion: '330106',
  residenceRegion: '330106',
  motherHukouRegion: '510104',
  fatherHukouRegion: '610102',
  motherRef: REF,
  birthOrder: 1,
  channel: 'counter',
  daysToRegister: 12,
  ...overrides,
});

describe('birthNotices', () => {
  it('go to the mother’s and the father’s hukou provinces under one id, with the registration number', () => {
    const id = newUlid();
    const notices = birthNotices(id, birth(), OWN);
    expect(notices.map((n) => n.recipient).sort()).toEqual(['51', '61']);
    for (const n of notices) {
      expect(n).toMatchObject({ messageId: id, type: BIRTH_REGISTERED, subject: '330106-2026-000007' });
    }
  });

  it('go once to a province both parents share, and never to this province', () => {
    expect(
      birthNotices(newUlid(), birth({ fatherHukouRegion: '510107' }), OWN).map((n) => n.recipient),
    ).toEqual(['51']);
    expect(
      birthNotices(newUlid(), birth({ motherHukouRegion: '330102', fatherHukouRegion: undefined }), OWN),
    ).toEqual([]);
    expect(
      birthNotices(newUlid(), birth({ motherHukouRegion: '330102' }), OWN).map((n) => n.recipient),
    ).toEqual(['61']);
  });
});

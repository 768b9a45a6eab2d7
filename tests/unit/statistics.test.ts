import { describe, expect, it } from 'vitest';
import {
  type Actor,
  applyRegistrationAction,
  type BirthDetails,
  type BirthRegistration,
  type RegistrationCommand,
  submitRegistration,
} from '../../functions/registry/domain/birth-registration';
import type { Person } from '../../functions/registry/domain/person';
import {
  addCounters,
  type BirthFacts,
  birthCorrectionUpdates,
  birthCounterUpdate,
  birthOrderCounter,
  birthStatisticsChange,
  birthsReport,
  type Counters,
  emptyCounters,
  figuresOf,
  isMigrantBirth,
  mergeUpdates,
  migrationUpdates,
  monthOfInstant,
  monthSpan,
  monthsBetween,
  residenceChangeStatistics,
  sexRatio,
  timelinessCounter,
} from '../../functions/registry/domain/statistics';
import { ReportsBirthsQuery } from '../../functions/registry/schemas';
import { fixedClock } from '../../shared/domain/clock';
import { residentIdFor } from '../support/resident-ids';

const facts = (overrides: Partial<BirthFacts> = {}): BirthFacts => ({
  childBirthDate: '2026-03-15',
  childSex: 'female',
  birthRegion: '330106',
  residenceRegion: '330106',
  motherHukouRegion: '330102',
  birthOrder: 1,
  daysToRegister: 10,
  ...overrides,
});

const counters = (values: Partial<Counters>): Counters => addCounters(emptyCounters(), values);

describe('counters of a registered birth', () => {
  it('counts the birth in its birth region and birth month, by sex, order and timeliness', () => {
    expect(birthCounterUpdate(facts())).toEqual({
      set: 'BIRTHS',
      region: '330106',
      month: '2026-03',
      add: { births: 1, female: 1, birthOrder1: 1, registeredWithin30Days: 1 },
    });
    expect(
      birthCounterUpdate(
        facts({ childSex: 'male', birthOrder: 2, daysToRegister: 40, birthRegion: '330108' }),
      ),
    ).toEqual({
      set: 'BIRTHS',
      region: '330108',
      month: '2026-03',
      add: { births: 1, male: 1, birthOrder2: 1, registeredWithin1Year: 1 },
    });
  });

  it('keys by the birth region, not where the family lives', () => {
    expect(birthCounterUpdate(facts({ birthRegion: '330102', residenceRegion: '330108' })).region).toBe(
      '330102',
    );
  });

  it('puts timeliness into buckets at 30 and 365 days, both included in the earlier bucket', () => {
    expect(timelinessCounter(0)).toBe('registeredWithin30Days');
    expect(timelinessCounter(30)).toBe('registeredWithin30Days');
    expect(timelinessCounter(31)).toBe('registeredWithin1Year');
    expect(timelinessCounter(365)).toBe('registeredWithin1Year');
    expect(timelinessCounter(366)).toBe('registeredLater');
    expect(timelinessCounter(4000)).toBe('registeredLater');
    // Registered on the day of birth in Beijing, the day before in UTC.
    expect(timelinessCounter(-1)).toBe('registeredWithin30Days');
  });

  it('puts birth order into first, second, third or later', () => {
    expect(birthOrderCounter(1)).toBe('birthOrder1');
    expect(birthOrderCounter(2)).toBe('birthOrder2');
    expect(birthOrderCounter(3)).toBe('birthOrder3plus');
    expect(birthOrderCounter(7)).toBe('birthOrder3plus');
  });

  it("counts a migrant birth when the mother's hukou province differs from the residence province", () => {
    expect(isMigrantBirth({ motherHukouRegion: '510104', residenceRegion: '330106' })).toBe(true);
    expect(isMigrantBirth({ motherHukouRegion: '330102', residenceRegion: '330106' })).toBe(false);
    // Another prefecture of the same province is not migration.
    expect(isMigrantBirth({ motherHukouRegion: '330502', residenceRegion: '330106' })).toBe(false);
    expect(birthCounterUpdate(facts({ motherHukouRegion: '510104' })).add).toMatchObject({
      migrantBirths: 1,
    });
    expect(birthCounterUpdate(facts()).add).not.toHaveProperty('migrantBirths');
  });
});

describe('corrections of a counted birth', () => {
  it('moves the count to the corrected sex', () => {
    expect(birthCorrectionUpdates(facts(), facts({ childSex: 'male' }))).toEqual([
      { set: 'BIRTHS', region: '330106', month: '2026-03', add: { female: -1, male: 1 } },
    ]);
  });

  it('moves a birth to another month when its birth date is corrected', () => {
    const updates = birthCorrectionUpdates(
      facts(),
      facts({ childBirthDate: '2026-02-27', daysToRegister: 26 }),
    );
    expect(updates).toEqual([
      {
        set: 'BIRTHS',
        region: '330106',
        month: '2026-03',
        add: { births: -1, female: -1, birthOrder1: -1, registeredWithin30Days: -1 },
      },
      {
        set: 'BIRTHS',
        region: '330106',
        month: '2026-02',
        add: { births: 1, female: 1, birthOrder1: 1, registeredWithin30Days: 1 },
      },
    ]);
  });

  it('changes nothing when the correction touches nothing counted', () => {
    expect(birthCorrectionUpdates(facts(), facts({ residenceRegion: '330108' }))).toEqual([]);
  });

  it('merges updates of one item and drops amounts that cancel out', () => {
    const a = { set: 'BIRTHS' as const, region: '330106', month: '2026-03', add: { births: 1, male: 1 } };
    const b = { set: 'BIRTHS' as const, region: '330106', month: '2026-03', add: { births: -1, female: 1 } };
    expect(mergeUpdates([a, b])).toEqual([{ ...a, add: { male: 1, female: 1 } }]);
  });
});

describe('statistics of a birth registration as stored', () => {
  const clock = fixedClock('2026-03-20T02:00:00.000Z');
  const registrar: Actor = { subject: 'registrar-a', role: 'registrar' };
  const approver: Actor = { subject: 'registrar-b', role: 'registrar' };
  const details: BirthDetails = {
    child: { sex: 'female', birthDate: '2026-03-10', birthRegion: '330106' },
    mother: {
      name: '王芳',
      residentId: residentIdFor('510104', '1995-03-08', '002'),
      birthDate: '1995-03-08',
      hukouRegion: '510104',
    },
    residenceRegion: '330106',
    birthOrder: 2,
  };
  let n = 0;
  const newId = () => `act-${++n}`;
  const apply = (registration: BirthRegistration, command: RegistrationCommand, actor = registrar) =>
    applyRegistrationAction(registration, command, actor, clock, newId);
  const submitted = submitRegistration(
    {
      registrationId: 'reg-1',
      details,
      submittedBy: 'citizen-1',
      role: 'citizen',
      channel: 'app',
      findings: [],
    },
    clock,
    newId,
  );
  const validated = apply(submitted, { type: 'validate', findings: [] });
  const registered = apply(validated, {
    type: 'register',
    registrationNumber: '330106-2026-000001',
    findings: [],
  });
  const requested = apply(registered, {
    type: 'request-correction',
    reason: '性别填错',
    changes: { 'child.sex': 'male' },
  });
  const corrected = apply(requested, { type: 'approve-correction' }, approver);

  it('counts nothing before the registration', () => {
    expect(birthStatisticsChange(submitted)).toBeUndefined();
    expect(birthStatisticsChange(validated)).toBeUndefined();
  });

  it('counts the registration once, by the registered action id', () => {
    const registeredAction = registered.actions.at(-1);
    expect(birthStatisticsChange(registered)).toEqual({
      eventId: registeredAction?.actionId,
      updates: [
        {
          set: 'BIRTHS',
          region: '330106',
          month: '2026-03',
          add: { births: 1, female: 1, birthOrder2: 1, registeredWithin30Days: 1, migrantBirths: 1 },
        },
      ],
    });
  });

  it('moves the count on an approved correction, requiring the registration to have been counted', () => {
    expect(birthStatisticsChange(requested)).toBeUndefined();
    expect(birthStatisticsChange(corrected)).toEqual({
      eventId: corrected.actions.at(-1)?.actionId,
      requires: registered.actions.at(-1)?.actionId,
      updates: [{ set: 'BIRTHS', region: '330106', month: '2026-03', add: { female: -1, male: 1 } }],
    });
  });
});

describe('moves of residence', () => {
  it('counts a move out of the old region and into the new, in the Beijing month of the change', () => {
    // 2026-02-28T17:30Z is 1 March 01:30 in Beijing.
    expect(migrationUpdates({ from: '510104', to: '330106', at: '2026-02-28T17:30:00.000Z' })).toEqual([
      { set: 'MIGRATION', region: '510104', month: '2026-03', add: { movedOut: 1 } },
      { set: 'MIGRATION', region: '330106', month: '2026-03', add: { movedIn: 1 } },
    ]);
  });

  it('marks moves inside a prefecture or a province', () => {
    const [out, into] = migrationUpdates({ from: '330102', to: '330106', at: '2026-03-05T00:00:00.000Z' });
    expect(out?.add).toEqual({ movedOut: 1, movedOutSamePrefecture: 1, movedOutSameProvince: 1 });
    expect(into?.add).toEqual({ movedIn: 1, movedInSamePrefecture: 1, movedInSameProvince: 1 });
    const [, other] = migrationUpdates({ from: '330502', to: '330106', at: '2026-03-05T00:00:00.000Z' });
    expect(other?.add).toEqual({ movedIn: 1, movedInSameProvince: 1 });
  });

  it('counts only a change of residence of a person, by its event id', () => {
    const after: Pick<Person, 'residenceRegion' | 'updatedAt' | 'eventId' | 'lastChange'> = {
      residenceRegion: '330106',
      updatedAt: '2026-03-05T00:00:00.000Z',
      eventId: 'event-1',
      lastChange: 'residence-changed',
    };
    expect(residenceChangeStatistics({ residenceRegion: '510104' }, after)).toMatchObject({
      eventId: 'event-1',
      updates: [{ region: '510104' }, { region: '330106' }],
    });
    expect(
      residenceChangeStatistics({ residenceRegion: '510104' }, { ...after, lastChange: 'corrected' }),
    ).toBeUndefined();
    expect(residenceChangeStatistics({ residenceRegion: '330106' }, after)).toBeUndefined();
  });

  it('leaves moves between its own counties out of a prefecture or province report', () => {
    const held = counters({
      movedIn: 5,
      movedInSamePrefecture: 2,
      movedInSameProvince: 3,
      movedOut: 4,
      movedOutSamePrefecture: 1,
      movedOutSameProvince: 2,
    });
    expect(figuresOf(held, '330106')).toMatchObject({ movedIn: 5, movedOut: 4 });
    expect(figuresOf(held, '3301')).toMatchObject({ movedIn: 3, movedOut: 3 });
    expect(figuresOf(held, '33')).toMatchObject({ movedIn: 2, movedOut: 2 });
  });
});

describe('sex ratio at birth', () => {
  it('is boys per 100 girls to one decimal place', () => {
    expect(sexRatio(105, 100)).toBe(105);
    expect(sexRatio(2, 1)).toBe(200);
    expect(sexRatio(1, 3)).toBe(33.3);
    expect(sexRatio(112, 97)).toBe(115.5);
    expect(sexRatio(0, 4)).toBe(0);
  });

  it('is null when no girls were counted', () => {
    expect(sexRatio(3, 0)).toBeNull();
    expect(sexRatio(0, 0)).toBeNull();
  });
});

describe('months', () => {
  it('iterates every month of a period, both ends included, across year ends', () => {
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBetween('2026-03', '2026-03')).toEqual(['2026-03']);
    expect(monthsBetween('2026-03', '2026-02')).toEqual([]);
    expect(monthsBetween('2024-01', '2026-12')).toHaveLength(36);
    expect(monthSpan('2023-12', '2026-11')).toBe(36);
  });

  it('takes the month of an instant in Beijing time', () => {
    expect(monthOfInstant('2026-01-31T15:59:59.000Z')).toBe('2026-01');
    expect(monthOfInstant('2026-01-31T16:00:00.000Z')).toBe('2026-02');
    expect(monthOfInstant('2025-12-31T16:00:00.000Z')).toBe('2026-01');
  });

  it('refuses what is not a month', () => {
    expect(() => monthsBetween('2026-13', '2026-12')).toThrow(/YYYY-MM/);
  });
});

describe('births report', () => {
  it('lists every month of the period, zeros where nothing was counted, and totals them', () => {
    const report = birthsReport(
      '3301',
      '2025-12',
      '2026-02',
      new Map([
        ['2025-12', counters({ births: 3, male: 2, female: 1, birthOrder1: 3, registeredWithin30Days: 3 })],
        ['2026-02', counters({ births: 2, male: 1, female: 1, birthOrder2: 2, registeredLater: 2 })],
      ]),
    );
    expect(report.months.map((m) => [m.month, m.births, m.sexRatio])).toEqual([
      ['2025-12', 3, 200],
      ['2026-01', 0, null],
      ['2026-02', 2, 100],
    ]);
    expect(report.total).toMatchObject({
      births: 5,
      male: 3,
      female: 2,
      sexRatio: 150,
      birthOrder: { first: 3, second: 2, thirdOrLater: 0 },
      timeliness: { within30Days: 3, within1Year: 0, later: 2 },
    });
  });
});

describe('report query', () => {
  const parse = (query: Record<string, string>) => ReportsBirthsQuery.safeParse(query);

  it('accepts a region code or prefix and a period of up to 36 months', () => {
    expect(parse({ region: '33', from: '2024-01', to: '2026-12' }).success).toBe(true);
    expect(parse({ region: '3301', from: '2026-01', to: '2026-01' }).success).toBe(true);
    expect(parse({ region: '330106', from: '2025-06', to: '2026-05' }).success).toBe(true);
    expect(parse({ from: '2025-06', to: '2026-05' }).success).toBe(true);
  });

  it('refuses a period that is backwards or longer than 36 months, and malformed values', () => {
    expect(parse({ from: '2026-02', to: '2026-01' }).success).toBe(false);
    expect(parse({ from: '2023-12', to: '2026-12' }).success).toBe(false);
    expect(parse({ from: '2026-1', to: '2026-02' }).success).toBe(false);
    expect(parse({ from: '2026-00', to: '2026-02' }).success).toBe(false);
    expect(parse({ region: '330', from: '2026-01', to: '2026-02' }).success).toBe(false);
    expect(parse({ region: '01', from: '2026-01', to: '2026-02' }).success).toBe(false);
    expect(parse({ region: '33', from: '2026-01', to: '2026-02', personId: 'x' }).success).toBe(false);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSchedule, type Schedule, type WallClock, wallClock } from '../../local/schedule-expression';

const HOUR_MS = 3_600_000;

/** The wall clock in UTC at an ISO instant, so weekday and month length are always consistent. */
const utc = (iso: string): WallClock => wallClock(new Date(iso), 'UTC');

const cron = (expression: string): ((wall: WallClock) => boolean) => {
  const schedule: Schedule = parseSchedule(expression);
  if (schedule.kind !== 'cron') throw new Error(`${expression} is not a cron schedule`);
  return schedule.matches;
};

describe('rate expressions', () => {
  it.each([
    ['rate(1 minute)', 60_000],
    ['rate(5 minutes)', 300_000],
    ['rate(1 hour)', HOUR_MS],
    ['rate(12 hours)', 12 * HOUR_MS],
    ['rate(1 day)', 24 * HOUR_MS],
    ['rate(2 days)', 48 * HOUR_MS],
  ])('%s fires every %i ms', (expression, everyMs) => {
    expect(parseSchedule(expression)).toEqual({ kind: 'rate', everyMs });
  });

  it.each([
    'rate(1 minutes)',
    'rate(5 minute)',
    'rate(1 hours)',
    'rate(2 day)',
    'rate(0 minutes)',
    'rate(0 minute)',
    'rate(-1 minutes)',
    'rate(1.5 hours)',
    'rate(5 seconds)',
    'rate(1 week)',
    'rate(5  minutes)',
    'rate(5 Minutes)',
    'rate(5minutes)',
    'rate 5 minutes',
  ])('refuses %s', (expression) => {
    expect(() => parseSchedule(expression)).toThrow();
  });

  it('is singular exactly for an amount of one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.constantFrom('minute', 'hour', 'day'),
        fc.boolean(),
        (amount, unit, plural) => {
          const expression = `rate(${amount} ${unit}${plural ? 's' : ''})`;
          if ((amount === 1) === !plural) expect(parseSchedule(expression).kind).toBe('rate');
          else expect(() => parseSchedule(expression)).toThrow(/bad rate/);
        },
      ),
    );
  });
});

describe('cron expressions', () => {
  it('matches a fixed minute, hour and day of month', () => {
    const m = cron('cron(0 8 1 * ? *)');
    expect(m(utc('2026-03-01T08:00:00Z'))).toBe(true);
    expect(m(utc('2026-12-01T08:00:00Z'))).toBe(true);
    expect(m(utc('2026-03-01T08:01:00Z'))).toBe(false);
    expect(m(utc('2026-03-01T09:00:00Z'))).toBe(false);
    expect(m(utc('2026-03-02T08:00:00Z'))).toBe(false);
  });

  it('matches lists', () => {
    const m = cron('cron(0,30 8,20 * * ? *)');
    for (const t of ['08:00', '08:30', '20:00', '20:30']) expect(m(utc(`2026-03-05T${t}:00Z`)), t).toBe(true);
    for (const t of ['08:15', '09:00', '20:31']) expect(m(utc(`2026-03-05T${t}:00Z`)), t).toBe(false);
  });

  it('matches ranges, including weekday names (1 = Sunday)', () => {
    const m = cron('cron(0 9-17 ? * MON-FRI *)');
    // 2026-03-01 is a Sunday.
    expect(m(utc('2026-03-02T09:00:00Z'))).toBe(true);
    expect(m(utc('2026-03-06T17:00:00Z'))).toBe(true);
    expect(m(utc('2026-03-02T08:00:00Z'))).toBe(false);
    expect(m(utc('2026-03-02T18:00:00Z'))).toBe(false);
    expect(m(utc('2026-03-01T12:00:00Z'))).toBe(false);
    expect(m(utc('2026-03-07T12:00:00Z'))).toBe(false);
    expect(cron('cron(0 9-17 ? * 2-6 *)')(utc('2026-03-02T09:00:00Z'))).toBe(true);
  });

  it('numbers Sunday 1 and Saturday 7', () => {
    for (const dow of ['SUN', '1', 'sun']) {
      const m = cron(`cron(0 0 ? * ${dow} *)`);
      expect(m(utc('2026-03-01T00:00:00Z')), dow).toBe(true);
      expect(m(utc('2026-03-02T00:00:00Z')), dow).toBe(false);
    }
    expect(cron('cron(0 0 ? * SAT *)')(utc('2026-03-07T00:00:00Z'))).toBe(true);
    expect(cron('cron(0 0 ? * 7 *)')(utc('2026-03-07T00:00:00Z'))).toBe(true);
  });

  it('matches steps from a start or over a range', () => {
    const quarter = cron('cron(0/15 * * * ? *)');
    const every20 = cron('cron(*/20 * * * ? *)');
    const from5 = cron('cron(5/20 * * * ? *)');
    const inRange = cron('cron(10-40/10 * * * ? *)');
    const at = (minute: number) => utc(`2026-03-05T10:${String(minute).padStart(2, '0')}:00Z`);
    const minutes = Array.from({ length: 60 }, (_, i) => i);
    expect(minutes.filter((mi) => quarter(at(mi)))).toEqual([0, 15, 30, 45]);
    expect(minutes.filter((mi) => every20(at(mi)))).toEqual([0, 20, 40]);
    expect(minutes.filter((mi) => from5(at(mi)))).toEqual([5, 25, 45]);
    expect(minutes.filter((mi) => inRange(at(mi)))).toEqual([10, 20, 30, 40]);
  });

  it('matches month names and numbers alike', () => {
    const byName = cron('cron(0 0 1 JAN,JUL ? *)');
    const byNumber = cron('cron(0 0 1 1,7 ? *)');
    for (const m of [byName, byNumber]) {
      expect(m(utc('2026-01-01T00:00:00Z'))).toBe(true);
      expect(m(utc('2026-07-01T00:00:00Z'))).toBe(true);
      expect(m(utc('2026-02-01T00:00:00Z'))).toBe(false);
    }
    expect(cron('cron(0 0 1 dec ? *)')(utc('2026-12-01T00:00:00Z'))).toBe(true);
  });

  it('matches L on the last day of each month, February of leap and common years included', () => {
    const last = cron('cron(0 0 L * ? *)');
    const yes = [
      '2024-02-29',
      '2026-02-28',
      '2000-02-29',
      '2100-02-28',
      '2026-04-30',
      '2026-01-31',
      '2026-12-31',
    ];
    const no = ['2024-02-28', '2026-02-27', '2026-04-29', '2026-01-30', '2026-03-01'];
    for (const day of yes) expect(last(utc(`${day}T00:00:00Z`)), day).toBe(true);
    for (const day of no) expect(last(utc(`${day}T00:00:00Z`)), day).toBe(false);
  });

  it('matches L alongside other days of the month', () => {
    const m = cron('cron(0 0 1,15,L * ? *)');
    const days = Array.from({ length: 29 }, (_, i) => i + 1).filter((d) =>
      m(utc(`2024-02-${String(d).padStart(2, '0')}T00:00:00Z`)),
    );
    expect(days).toEqual([1, 15, 29]);
  });

  it('matches the year field', () => {
    const m = cron('cron(0 0 1 1 ? 2027)');
    expect(m(utc('2027-01-01T00:00:00Z'))).toBe(true);
    expect(m(utc('2026-01-01T00:00:00Z'))).toBe(false);
    expect(cron('cron(0 0 1 1 ? 2026-2028)')(utc('2028-01-01T00:00:00Z'))).toBe(true);
  });

  it.each([
    ['cron(0 0 * * * *)', 'neither day field is ?'],
    ['cron(0 0 ? * ? *)', 'both day fields are ?'],
    ['cron(0 0 1 * MON *)', 'both day fields are set'],
  ])('refuses %s (%s)', (expression) => {
    expect(() => parseSchedule(expression)).toThrow(/exactly one of day-of-month and day-of-week/);
  });

  it.each([
    'cron(60 0 1 * ? *)',
    'cron(0 24 1 * ? *)',
    'cron(0 0 0 * ? *)',
    'cron(0 0 32 * ? *)',
    'cron(0 0 1 13 ? *)',
    'cron(0 0 1 0 ? *)',
    'cron(0 0 ? * 8 *)',
    'cron(0 0 ? * 0 *)',
    'cron(0 0 1 FOO ? *)',
    'cron(0 0 ? * FUN *)',
    'cron(0/0 0 1 * ? *)',
    'cron(0/x 0 1 * ? *)',
    'cron(0 0 1 * ? 1969)',
    'cron(0 0 1 * ?)',
    'cron(0 0 1 * ? * *)',
    'cron(a 0 1 * ? *)',
    'at(2026-01-01T00:00:00)',
  ])('refuses %s', (expression) => {
    expect(() => parseSchedule(expression)).toThrow();
  });

  it('fires a monthly schedule at midnight Shanghai time, which is 16:00 UTC the day before', () => {
    const monthly = cron('cron(0 0 1 * ? *)');
    const instant = new Date('2026-01-31T16:00:00Z');
    expect(monthly(wallClock(instant, 'Asia/Shanghai'))).toBe(true);
    expect(monthly(wallClock(instant, 'UTC'))).toBe(false);
  });
});

describe('wallClock', () => {
  it('reads the same instant in Asia/Shanghai and in UTC', () => {
    const at = new Date('2026-01-31T16:30:00Z');
    expect(wallClock(at, 'Asia/Shanghai')).toEqual({
      year: 2026,
      month: 2,
      day: 1,
      hour: 0,
      minute: 30,
      weekday: 1,
      daysInMonth: 28,
    });
    expect(wallClock(at, 'UTC')).toEqual({
      year: 2026,
      month: 1,
      day: 31,
      hour: 16,
      minute: 30,
      weekday: 7,
      daysInMonth: 31,
    });
  });

  it('reads midnight as hour 0, not 24', () => {
    expect(wallClock(new Date('2026-01-31T16:00:00Z'), 'Asia/Shanghai')).toMatchObject({
      hour: 0,
      minute: 0,
    });
    expect(utc('2026-03-01T00:00:00Z')).toMatchObject({ hour: 0, day: 1, month: 3 });
  });

  it('knows February has 29 days in a leap year', () => {
    expect(utc('2024-02-10T12:00:00Z').daysInMonth).toBe(29);
    expect(utc('2100-02-10T12:00:00Z').daysInMonth).toBe(28);
  });

  it('in UTC agrees with the Date UTC getters', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1970-01-01T00:00:00Z'),
          max: new Date('2199-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const wall = wallClock(date, 'UTC');
          expect(wall).toEqual({
            year: date.getUTCFullYear(),
            month: date.getUTCMonth() + 1,
            day: date.getUTCDate(),
            hour: date.getUTCHours(),
            minute: date.getUTCMinutes(),
            weekday: date.getUTCDay() + 1,
            daysInMonth: new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate(),
          });
        },
      ),
    );
  });

  it('in Asia/Shanghai is UTC plus eight hours (no daylight saving since 1991)', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1992-01-01T00:00:00Z'),
          max: new Date('2199-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        (date) => {
          expect(wallClock(date, 'Asia/Shanghai')).toEqual(
            wallClock(new Date(date.getTime() + 8 * HOUR_MS), 'UTC'),
          );
        },
      ),
    );
  });
});

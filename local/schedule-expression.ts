/**
 * EventBridge Scheduler expressions, evaluated locally so the local cloud fires the same
 * schedules the cloud would: `rate(5 minutes)` and
 * `cron(minutes hours day-of-month month day-of-week year)` with `*`, `?`, lists, ranges,
 * steps, month and weekday names, and `L` (last day of the month) in day-of-month.
 */

export type Schedule =
  | { readonly kind: 'rate'; readonly everyMs: number }
  | { readonly kind: 'cron'; readonly matches: (wall: WallClock) => boolean };

/** A moment as read on the wall clock of the schedule's time zone. */
export interface WallClock {
  readonly minute: number;
  readonly hour: number;
  readonly day: number;
  readonly month: number;
  /** 1 = Sunday … 7 = Saturday, as EventBridge counts. */
  readonly weekday: number;
  readonly year: number;
  readonly daysInMonth: number;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

type FieldMatcher = (value: number, wall: WallClock) => boolean;

function field(spec: string, min: number, max: number, names: string[] = [], nameBase = min): FieldMatcher {
  if (spec === '*' || spec === '?') return () => true;
  const toNumber = (token: string): number => {
    const named = names.indexOf(token.toUpperCase());
    const n = named >= 0 ? named + nameBase : Number(token);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`value ${token} outside ${min}-${max}`);
    return n;
  };
  const parts = spec.split(',').map((part): FieldMatcher => {
    if (part === 'L') return (value, wall) => value === wall.daysInMonth;
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`bad step in ${part}`);
    let from: number;
    let to: number;
    if (range === '*') [from, to] = [min, max];
    else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      [from, to] = [toNumber(a), toNumber(b)];
    } else {
      from = toNumber(range);
      to = stepText === undefined ? from : max;
    }
    return (value) => value >= from && value <= to && (value - from) % step === 0;
  });
  return (value, wall) => parts.some((p) => p(value, wall));
}

/** Parses a Scheduler expression; throws on syntax the cloud would refuse. */
export function parseSchedule(expression: string): Schedule {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const amount = Number(rate[1]);
    const unit = (rate[2] ?? '').replace(/s$/, '');
    if (amount < 1 || (amount === 1) !== !(rate[2] ?? '').endsWith('s'))
      throw new Error(`bad rate: ${expression}`);
    return { kind: 'rate', everyMs: amount * (UNIT_MS[unit] ?? 0) };
  }
  const cron = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/.exec(expression);
  if (!cron) throw new Error(`not a rate() or cron() expression: ${expression}`);
  const [, mi = '', h = '', dom = '', mon = '', dow = '', yr = ''] = cron;
  if ((dom === '?') === (dow === '?'))
    throw new Error(`exactly one of day-of-month and day-of-week must be ?: ${expression}`);
  const matchers = {
    minute: field(mi, 0, 59),
    hour: field(h, 0, 23),
    day: field(dom, 1, 31),
    month: field(mon, 1, 12, MONTHS, 1),
    weekday: field(dow, 1, 7, WEEKDAYS, 1),
    year: field(yr, 1970, 2199),
  };
  return {
    kind: 'cron',
    matches: (w) =>
      matchers.minute(w.minute, w) &&
      matchers.hour(w.hour, w) &&
      matchers.day(w.day, w) &&
      matchers.month(w.month, w) &&
      matchers.weekday(w.weekday, w) &&
      matchers.year(w.year, w),
  };
}

/** Reads `at` on the wall clock of an IANA time zone (e.g. Asia/Shanghai). */
export function wallClock(at: Date, timeZone: string): WallClock {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    weekday: 'short',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const year = Number(get('year'));
  const month = Number(get('month'));
  return {
    minute: Number(get('minute')),
    hour: Number(get('hour')),
    day: Number(get('day')),
    month,
    year,
    weekday: WEEKDAYS.indexOf(get('weekday').toUpperCase()) + 1,
    daysInMonth: new Date(Date.UTC(year, month, 0)).getUTCDate(),
  };
}

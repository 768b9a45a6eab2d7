import { finding, PARTY_LABEL, type Party, parentsOf } from './parties';
import type { AuditFinding, BirthRegistrationFacts, BirthRegistrationRule } from './types';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** The same lower bound the resident-ID check uses: earlier years are typos (`0199` for `1990`). */
const EARLIEST_YEAR = 1800;

const daysInMonth = (year: number, month: number): number =>
  month === 2
    ? (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31;

/**
 * True when `value` is a real calendar date written `YYYY-MM-DD` (so `2023-02-29` and
 * `2024-04-31` are not), from the year 1800 on. Plain arithmetic rather than `Date`,
 * which maps the years 0–99 to 1900–1999 and would accept a mistyped year.
 */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE.exec(value);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return year >= EARLIEST_YEAR && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/**
 * Completed years from `from` to `to` (both valid `YYYY-MM-DD`), the way ages are counted:
 * someone born 2000-06-15 is 23 on 2024-06-14 and 24 on 2024-06-15. Negative when `to` is
 * the earlier date.
 */
export function completedYears(from: string, to: string): number {
  const years = Number(to.slice(0, 4)) - Number(from.slice(0, 4));
  return to.slice(5) < from.slice(5) ? years - 1 : years;
}

/**
 * The Beijing date (UTC+8, no daylight saving) of an instant, `YYYY-MM-DD`: what a
 * handler passes as {@link AuditContext.today}, since a birth just after midnight in
 * China is still "yesterday" in UTC.
 */
export function beijingDateOf(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** Every date field of the registration, with how messages name it. */
function datesOf(facts: BirthRegistrationFacts): { field: string; party: Party; value: string }[] {
  return [
    { field: 'child.birthDate', party: 'child' as Party, value: facts.child.birthDate },
    ...parentsOf(facts).map(([party, parent]) => ({
      field: `${party}.birthDate`,
      party,
      value: parent.birthDate,
    })),
  ];
}

/** DATE_INVALID (error): a date that is not a real calendar date. */
export const checkDatesAreReal: BirthRegistrationRule = (facts) =>
  datesOf(facts)
    .filter(({ value }) => !isCalendarDate(value))
    .map(({ field, party }) =>
      finding(
        'DATE_INVALID',
        'error',
        field,
        `${PARTY_LABEL[party].zh}的出生日期不是有效日期，请按“年-月-日”填写真实存在的日期，例如 2024-03-15。`,
        `${PARTY_LABEL[party].enPossessive} date of birth is not a real date; enter it as year-month-day, for example 2024-03-15.`,
      ),
    );

/** DATE_IN_FUTURE (error): a date of birth later than today (Beijing date). */
export const checkDatesNotInFuture: BirthRegistrationRule = (facts, context) =>
  datesOf(facts)
    .filter(({ value }) => isCalendarDate(value) && value > context.today)
    .map(({ field, party, value }) =>
      finding(
        'DATE_IN_FUTURE',
        'error',
        field,
        `${PARTY_LABEL[party].zh}的出生日期（${value}）晚于今天（${context.today}），请核对。`,
        `${PARTY_LABEL[party].enPossessive} date of birth (${value}) is later than today (${context.today}); please check it.`,
      ),
    );

/*
 * Parents' ages at the child's birth. These are plausibility checks that catch typing
 * mistakes in a date (a wrong year, day and year swapped); they say nothing about whether
 * anyone "should" have had a child at that age, and no rule here concerns policy. Outside
 * 12–70 the dates are almost surely wrong, so the record is blocked until they are fixed;
 * 12–15 and 56–70 happen but are rare enough that a second look at the date is worth asking for.
 */
const IMPLAUSIBLE_BELOW = 12;
const IMPLAUSIBLE_ABOVE = 70;
const UNUSUAL_BELOW = 16;
const UNUSUAL_ABOVE = 55;

/**
 * PARENT_BORN_AFTER_CHILD (error), PARENT_AGE_IMPLAUSIBLE (error), PARENT_AGE_UNUSUAL
 * (warning): each parent's age at the child's birth, on the parent's date-of-birth field.
 * Skipped when either date is not a real date: DATE_INVALID already says so.
 */
export const checkParentAges: BirthRegistrationRule = (facts) => {
  const childBirth = facts.child.birthDate;
  if (!isCalendarDate(childBirth)) return [];
  const findings: AuditFinding[] = [];
  for (const [party, parent] of parentsOf(facts)) {
    if (!isCalendarDate(parent.birthDate)) continue;
    const field = `${party}.birthDate`;
    const { zh: who, en: whoEn, enPossessive: whose } = PARTY_LABEL[party];
    if (parent.birthDate >= childBirth) {
      findings.push(
        finding(
          'PARENT_BORN_AFTER_CHILD',
          'error',
          field,
          `${who}的出生日期（${parent.birthDate}）不早于孩子的出生日期（${childBirth}），请核对这两个日期。`,
          `${whose} date of birth (${parent.birthDate}) is not before the child's (${childBirth}); please check both dates.`,
        ),
      );
      continue;
    }
    const age = completedYears(parent.birthDate, childBirth);
    if (age < IMPLAUSIBLE_BELOW || age > IMPLAUSIBLE_ABOVE) {
      findings.push(
        finding(
          'PARENT_AGE_IMPLAUSIBLE',
          'error',
          field,
          `按填写的日期，孩子出生时${who}${age}岁，很可能是日期输入有误，请核对${who}和孩子的出生日期。`,
          `by the dates entered, ${whoEn} was ${age} when the child was born, which points to a mistyped date; please check ${whose} and the child's dates of birth.`,
        ),
      );
    } else if (age < UNUSUAL_BELOW || age > UNUSUAL_ABOVE) {
      findings.push(
        finding(
          'PARENT_AGE_UNUSUAL',
          'warning',
          field,
          `按填写的日期，孩子出生时${who}${age}岁，请再次核对${who}和孩子的出生日期是否填写正确。`,
          `by the dates entered, ${whoEn} was ${age} when the child was born; please double-check ${whose} and the child's dates of birth.`,
        ),
      );
    }
  }
  return findings;
};

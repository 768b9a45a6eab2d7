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
    // An expected date of birth lies ahead by nature; checkExpectedBirth bounds it instead.
    .filter(({ party }) => !(party === 'child' && facts.child.expected))
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

/** An expected birth is at most this far ahead: a pregnancy lasts about 280 days. */
const EXPECTED_WITHIN_DAYS = 300;
/** After this many days past the expected date, the family is asked to record the birth. */
const EXPECTED_OVERDUE_DAYS = 60;

const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * For a registration made before the birth: EXPECTED_BIRTH_DETAILS (error) when a sex or a
 * resident ID is given (neither exists or may be asked before the birth),
 * EXPECTED_DATE_TOO_FAR (error) past 300 days ahead, EXPECTED_DATE_PASSED (warning) when
 * the expected date is long gone and the birth should be recorded.
 */
export const checkExpectedBirth: BirthRegistrationRule = (facts, context) => {
  if (!facts.child.expected) return [];
  const findings: AuditFinding[] = [];
  if (facts.child.sex !== undefined) {
    findings.push(
      finding(
        'EXPECTED_BIRTH_DETAILS',
        'error',
        'child.sex',
        '孩子出生前登记时不填写性别。',
        'the sex is not given when a birth is registered before it happens.',
      ),
    );
  }
  if (facts.child.residentId !== undefined) {
    findings.push(
      finding(
        'EXPECTED_BIRTH_DETAILS',
        'error',
        'child.residentId',
        '孩子出生前没有公民身份号码，请出生后再补充。',
        'a child has no resident ID before the birth; add it once the child is born.',
      ),
    );
  }
  const date = facts.child.birthDate;
  if (isCalendarDate(date) && date > addDays(context.today, EXPECTED_WITHIN_DAYS)) {
    findings.push(
      finding(
        'EXPECTED_DATE_TOO_FAR',
        'error',
        'child.birthDate',
        `预产期（${date}）距今超过${EXPECTED_WITHIN_DAYS}天，请核对。`,
        `the expected date of birth (${date}) is more than ${EXPECTED_WITHIN_DAYS} days away; please check it.`,
      ),
    );
  }
  if (isCalendarDate(date) && addDays(date, EXPECTED_OVERDUE_DAYS) < context.today) {
    findings.push(
      finding(
        'EXPECTED_DATE_PASSED',
        'warning',
        'child.birthDate',
        `预产期（${date}）已过${EXPECTED_OVERDUE_DAYS}天以上，孩子出生后请登记出生信息。`,
        `the expected date of birth (${date}) passed more than ${EXPECTED_OVERDUE_DAYS} days ago; record the birth once the child is born.`,
      ),
    );
  }
  return findings;
};

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AUDIT_CODES,
  type AuditCode,
  type AuditContext,
  type AuditFinding,
  auditBirthRegistration,
  type BirthRegistrationFacts,
  hasBlockingFindings,
  type ParentFacts,
  type Severity,
  sortFindings,
} from '../../functions/registry/domain/audit/birth-registration';
import { completedYears, isCalendarDate } from '../../functions/registry/domain/audit/dates';
import { beijingDate } from '../../shared/domain/clock';
import { normaliseResidentId } from '../../shared/domain/resident-id';
import { residentIdFor as residentId } from '../support/resident-ids';

const TODAY = '2025-06-30';
/** A small stand-in for the GB/T 2260 table. */
const REGIONS = ['330106', '330102', '330100', '510104', '510107', '110101'] as const;
const context: AuditContext = {
  today: TODAY,
  regionExists: (code) => (REGIONS as readonly string[]).includes(code),
};

const CHILD_ID = residentId('330106', '2025-03-10', '011'); // odd sequence: male
const MOTHER_ID = residentId('510104', '1995-08-20', '042'); // even: female
const FATHER_ID = residentId('330102', '1993-11-02', '135'); // odd: male

/** A registration with nothing wrong in it. */
const VALID: BirthRegistrationFacts = {
  child: {
    name: '王小明',
    sex: 'male',
    birthDate: '2025-03-10',
    birthRegion: '330106',
    residentId: CHILD_ID,
  },
  mother: { name: '李红', residentId: MOTHER_ID, birthDate: '1995-08-20', hukouRegion: '510104' },
  father: { name: '王强', residentId: FATHER_ID, birthDate: '1993-11-02', hukouRegion: '330106' },
  residenceRegion: '330106',
  birthOrder: 1,
};

const withChild = (child: Partial<BirthRegistrationFacts['child']>): BirthRegistrationFacts => ({
  ...VALID,
  child: { ...VALID.child, ...child },
});
const withMother = (mother: Partial<ParentFacts>): BirthRegistrationFacts => ({
  ...VALID,
  mother: { ...VALID.mother, ...mother },
});
const withFather = (father: Partial<ParentFacts>): BirthRegistrationFacts => ({
  ...VALID,
  father: { ...(VALID.father as ParentFacts), ...father },
});
/** A parent with a consistent ID for a given date of birth. */
const motherBorn = (birthDate: string) =>
  withMother({ birthDate, residentId: residentId('510104', birthDate, '042') });
const fatherBorn = (birthDate: string) =>
  withFather({ birthDate, residentId: residentId('330102', birthDate, '135') });

const audit = (facts: BirthRegistrationFacts): AuditFinding[] => auditBirthRegistration(facts, context);

interface Case {
  readonly title: string;
  readonly facts: BirthRegistrationFacts;
  readonly code: AuditCode;
  readonly severity: Severity;
  readonly field: string;
  /** Other codes the same input rightly gives. */
  readonly also?: readonly AuditCode[];
}

/** One input per rule and way of breaking it; also the corpus for the wording checks below. */
const CASES: readonly Case[] = [
  // Resident IDs
  {
    title: "mother's ID empty",
    facts: withMother({ residentId: '' }),
    code: 'RID_REQUIRED',
    severity: 'error',
    field: 'mother.residentId',
  },
  {
    title: "father's ID blank",
    facts: withFather({ residentId: '   ' }),
    code: 'RID_REQUIRED',
    severity: 'error',
    field: 'father.residentId',
  },
  {
    title: "mother's ID one character short",
    facts: withMother({ residentId: MOTHER_ID.slice(0, 17) }),
    code: 'RID_SHAPE',
    severity: 'error',
    field: 'mother.residentId',
  },
  {
    title: "child's ID with a letter inside",
    facts: withChild({ residentId: `${CHILD_ID.slice(0, 10)}A${CHILD_ID.slice(11)}` }),
    code: 'RID_SHAPE',
    severity: 'error',
    field: 'child.residentId',
  },
  {
    title: "father's ID with February 30",
    facts: withFather({ residentId: residentId('330102', '19930230', '135') }),
    code: 'RID_BIRTHDATE_INVALID',
    severity: 'error',
    field: 'father.residentId',
  },
  {
    title: "mother's ID with a wrong check character",
    facts: withMother({ residentId: `${MOTHER_ID.slice(0, 17)}${MOTHER_ID.endsWith('0') ? '1' : '0'}` }),
    code: 'RID_CHECKSUM',
    severity: 'error',
    field: 'mother.residentId',
  },
  {
    title: "child's ID dated a day later than the birth",
    facts: withChild({ residentId: residentId('330106', '2025-03-11', '011') }),
    code: 'RID_BIRTHDATE_MISMATCH',
    severity: 'error',
    field: 'child.residentId',
  },
  {
    title: "mother's date of birth differs from her ID",
    facts: withMother({ birthDate: '1995-08-21' }),
    code: 'RID_BIRTHDATE_MISMATCH',
    severity: 'error',
    field: 'mother.residentId',
  },
  {
    title: "child's ID encodes the other sex",
    facts: withChild({ sex: 'female' }),
    code: 'RID_SEX_MISMATCH',
    severity: 'error',
    field: 'child.residentId',
  },
  {
    title: "mother's ID encodes male",
    facts: withMother({ residentId: residentId('510104', '1995-08-20', '043') }),
    code: 'RID_SEX_MISMATCH',
    severity: 'error',
    field: 'mother.residentId',
  },
  {
    title: "father's ID encodes female",
    facts: withFather({ residentId: residentId('330102', '1993-11-02', '134') }),
    code: 'RID_SEX_MISMATCH',
    severity: 'error',
    field: 'father.residentId',
  },
  {
    title: "child's ID is the mother's",
    facts: withChild({ residentId: MOTHER_ID }),
    code: 'SAME_PERSON_AS_PARENT',
    severity: 'error',
    field: 'child.residentId',
    also: ['RID_BIRTHDATE_MISMATCH', 'RID_SEX_MISMATCH'],
  },
  {
    title: "child's ID is the father's (typed in lower case)",
    facts: withChild({ residentId: ` ${FATHER_ID.toLowerCase()}` }),
    code: 'SAME_PERSON_AS_PARENT',
    severity: 'error',
    field: 'child.residentId',
    also: ['RID_BIRTHDATE_MISMATCH'],
  },
  {
    title: "father's ID is the mother's",
    facts: withFather({ residentId: MOTHER_ID, birthDate: '1995-08-20' }),
    code: 'PARENTS_SAME_ID',
    severity: 'error',
    field: 'father.residentId',
    also: ['RID_SEX_MISMATCH'],
  },
  // Regions
  {
    title: 'birth region not in the table',
    facts: withChild({ birthRegion: '330199' }),
    code: 'REGION_UNKNOWN',
    severity: 'error',
    field: 'child.birthRegion',
  },
  {
    title: "mother's hukou region with five digits",
    facts: withMother({ hukouRegion: '51010' }),
    code: 'REGION_UNKNOWN',
    severity: 'error',
    field: 'mother.hukouRegion',
  },
  {
    title: "father's hukou region all zeros",
    facts: withFather({ hukouRegion: '000000' }),
    code: 'REGION_UNKNOWN',
    severity: 'error',
    field: 'father.hukouRegion',
  },
  {
    title: 'residence region not in the table',
    facts: { ...VALID, residenceRegion: '990000' },
    code: 'REGION_UNKNOWN',
    severity: 'error',
    field: 'residenceRegion',
  },
  // Dates
  {
    title: "child's birth on February 29 of a common year",
    facts: withChild({ birthDate: '2023-02-29' }),
    code: 'DATE_INVALID',
    severity: 'error',
    field: 'child.birthDate',
  },
  {
    title: "mother's birth in month 13",
    facts: withMother({ birthDate: '1995-13-01' }),
    code: 'DATE_INVALID',
    severity: 'error',
    field: 'mother.birthDate',
  },
  {
    title: "father's birth with a two-digit year",
    facts: withFather({ birthDate: '93-11-02' }),
    code: 'DATE_INVALID',
    severity: 'error',
    field: 'father.birthDate',
  },
  {
    title: "father's birth in the year 0199",
    facts: withFather({ birthDate: '0199-11-02' }),
    code: 'DATE_INVALID',
    severity: 'error',
    field: 'father.birthDate',
  },
  {
    title: "child's birth tomorrow",
    facts: withChild({ birthDate: '2025-07-01', residentId: residentId('330106', '2025-07-01', '011') }),
    code: 'DATE_IN_FUTURE',
    severity: 'error',
    field: 'child.birthDate',
  },
  {
    title: 'an expected birth with a sex given',
    facts: {
      ...VALID,
      child: { expected: true, birthDate: '2025-09-01', birthRegion: '330106', sex: 'female' },
    },
    code: 'EXPECTED_BIRTH_DETAILS',
    severity: 'error',
    field: 'child.sex',
  },
  {
    title: 'an expected birth more than 300 days away',
    facts: { ...VALID, child: { expected: true, birthDate: '2026-06-01', birthRegion: '330106' } },
    code: 'EXPECTED_DATE_TOO_FAR',
    severity: 'error',
    field: 'child.birthDate',
  },
  {
    title: 'an expected date long past',
    facts: { ...VALID, child: { expected: true, birthDate: '2025-03-01', birthRegion: '330106' } },
    code: 'EXPECTED_DATE_PASSED',
    severity: 'warning',
    field: 'child.birthDate',
  },
  {
    title: 'mother born after the child',
    facts: motherBorn('2025-04-01'),
    code: 'PARENT_BORN_AFTER_CHILD',
    severity: 'error',
    field: 'mother.birthDate',
  },
  {
    title: 'father born on the same day as the child',
    facts: fatherBorn('2025-03-10'),
    code: 'PARENT_BORN_AFTER_CHILD',
    severity: 'error',
    field: 'father.birthDate',
  },
  {
    title: 'mother 9 at the birth',
    facts: motherBorn('2015-06-01'),
    code: 'PARENT_AGE_IMPLAUSIBLE',
    severity: 'error',
    field: 'mother.birthDate',
  },
  {
    title: 'father 75 at the birth',
    facts: fatherBorn('1950-01-01'),
    code: 'PARENT_AGE_IMPLAUSIBLE',
    severity: 'error',
    field: 'father.birthDate',
  },
  {
    title: 'mother 15 at the birth',
    facts: motherBorn('2010-01-01'),
    code: 'PARENT_AGE_UNUSUAL',
    severity: 'warning',
    field: 'mother.birthDate',
  },
  {
    title: 'father 65 at the birth',
    facts: fatherBorn('1960-01-01'),
    code: 'PARENT_AGE_UNUSUAL',
    severity: 'warning',
    field: 'father.birthDate',
  },
  // Names
  {
    title: "mother's name blank",
    facts: withMother({ name: '  ' }),
    code: 'NAME_REQUIRED',
    severity: 'error',
    field: 'mother.name',
  },
  {
    title: "father's name empty",
    facts: withFather({ name: '' }),
    code: 'NAME_REQUIRED',
    severity: 'error',
    field: 'father.name',
  },
  {
    title: "child's name not chosen yet",
    facts: withChild({ name: undefined }),
    code: 'NAME_MISSING',
    severity: 'warning',
    field: 'child.name',
  },
  {
    title: "child's name empty",
    facts: withChild({ name: '' }),
    code: 'NAME_MISSING',
    severity: 'warning',
    field: 'child.name',
  },
  {
    title: "mother's name of 51 characters",
    facts: withMother({ name: '李'.repeat(51) }),
    code: 'NAME_TOO_LONG',
    severity: 'error',
    field: 'mother.name',
  },
  {
    title: "child's name with a digit",
    facts: withChild({ name: '王小2' }),
    code: 'NAME_INVALID',
    severity: 'error',
    field: 'child.name',
  },
  {
    title: "father's name with a full-width digit",
    facts: withFather({ name: '王强２' }),
    code: 'NAME_INVALID',
    severity: 'error',
    field: 'father.name',
  },
  {
    title: "mother's name with a bullet for the middle dot",
    facts: withMother({ name: '阿依古丽•买买提' }),
    code: 'NAME_INVALID',
    severity: 'error',
    field: 'mother.name',
  },
  {
    title: "mother's name with a full stop for the middle dot",
    facts: withMother({ name: '阿依古丽.买买提' }),
    code: 'NAME_INVALID',
    severity: 'error',
    field: 'mother.name',
  },
  {
    title: "child's name with a symbol",
    facts: withChild({ name: '王@明' }),
    code: 'NAME_INVALID',
    severity: 'error',
    field: 'child.name',
  },
  {
    title: "father's name with a zero-width space",
    facts: withFather({ name: '王\u200b强' }),
    code: 'NAME_INVALID',
    severity: 'error',
    field: 'father.name',
  },
  {
    title: "mother's name starting with the middle dot",
    facts: withMother({ name: '·买买提' }),
    code: 'NAME_INVALID',
    severity: 'error',
    field: 'mother.name',
  },
  {
    title: "mother's name with two middle dots in a row",
    facts: withMother({ name: '阿依古丽··买买提' }),
    code: 'NAME_INVALID',
    severity: 'error',
    field: 'mother.name',
  },
  {
    title: "father's name with two spaces in a row",
    facts: withFather({ name: 'Anna  Müller' }),
    code: 'NAME_INVALID',
    severity: 'error',
    field: 'father.name',
  },
  // Birth order
  {
    title: 'birth order 0',
    facts: { ...VALID, birthOrder: 0 },
    code: 'BIRTH_ORDER_INVALID',
    severity: 'error',
    field: 'birthOrder',
  },
  {
    title: 'birth order -1',
    facts: { ...VALID, birthOrder: -1 },
    code: 'BIRTH_ORDER_INVALID',
    severity: 'error',
    field: 'birthOrder',
  },
  {
    title: 'birth order 1.5',
    facts: { ...VALID, birthOrder: 1.5 },
    code: 'BIRTH_ORDER_INVALID',
    severity: 'error',
    field: 'birthOrder',
  },
  {
    title: 'birth order NaN',
    facts: { ...VALID, birthOrder: Number.NaN },
    code: 'BIRTH_ORDER_INVALID',
    severity: 'error',
    field: 'birthOrder',
  },
  {
    title: 'birth order 11',
    facts: { ...VALID, birthOrder: 11 },
    code: 'BIRTH_ORDER_UNUSUAL',
    severity: 'warning',
    field: 'birthOrder',
  },
];

describe('auditBirthRegistration', () => {
  it('finds nothing wrong with a consistent registration', () => {
    expect(audit(VALID)).toEqual([]);
  });

  it('finds nothing wrong without a father or a child ID', () => {
    expect(audit({ ...VALID, father: undefined })).toEqual([]);
    expect(audit(withChild({ residentId: undefined }))).toEqual([]);
    expect(audit(withChild({ residentId: '  ' }))).toEqual([]);
  });

  it.each(CASES)('$title → $code ($severity) on $field', ({ facts, code, severity, field, also = [] }) => {
    const findings = audit(facts);
    expect(findings).toContainEqual(expect.objectContaining({ code, severity, field }));
    expect(findings.map((f) => f.code).sort()).toEqual([code, ...also].sort());
    for (const { message } of findings) {
      expect(message.zh.trim()).not.toBe('');
      expect(message.en.trim()).not.toBe('');
      expect(message.en[0]).toBe(message.en[0]?.toUpperCase());
    }
    expect(hasBlockingFindings(findings)).toBe(findings.some((f) => f.severity === 'error'));
  });

  it('covers every code with at least one case', () => {
    expect(new Set(CASES.map((c) => c.code))).toEqual(new Set(AUDIT_CODES));
  });

  it('accepts an ID typed in lower case with spaces around it', () => {
    const withX = residentId('330106', '1990-01-01', '123');
    expect(withX.endsWith('X')).toBe(true);
    const facts = withFather({ residentId: `  ${withX.toLowerCase()} `, birthDate: '1990-01-01' });
    expect(audit(facts)).toEqual([]);
  });

  it.each([
    [11, 'PARENT_AGE_IMPLAUSIBLE'],
    [12, 'PARENT_AGE_UNUSUAL'],
    [15, 'PARENT_AGE_UNUSUAL'],
    [16, undefined],
    [55, undefined],
    [56, 'PARENT_AGE_UNUSUAL'],
    [70, 'PARENT_AGE_UNUSUAL'],
    [71, 'PARENT_AGE_IMPLAUSIBLE'],
  ] as const)("a parent aged %i at the child's birth gives %s", (age, code) => {
    // Born on the child's birthday `age` years earlier: exactly `age` completed years.
    const birthDate = `${2025 - age}-03-10`;
    for (const facts of [motherBorn(birthDate), fatherBorn(birthDate)]) {
      expect(audit(facts).map((f) => f.code)).toEqual(code === undefined ? [] : [code]);
    }
    // One day later and the parent is a year younger at the birth.
    const dayLater = `${2025 - age}-03-11`;
    expect(completedYears(dayLater, '2025-03-10')).toBe(age - 1);
  });

  it('sorts errors first, then by field, then by code', () => {
    const facts: BirthRegistrationFacts = {
      ...VALID,
      child: { ...VALID.child, name: undefined, birthRegion: '330199' },
      mother: {
        ...VALID.mother,
        name: '',
        birthDate: '2012-01-01',
        residentId: residentId('510104', '2012-01-01', '042'),
      },
      residenceRegion: '1',
      birthOrder: 12,
    };
    const findings = audit(facts);
    expect(findings.map((f) => [f.severity, f.field, f.code])).toEqual([
      ['error', 'child.birthRegion', 'REGION_UNKNOWN'],
      ['error', 'mother.name', 'NAME_REQUIRED'],
      ['error', 'residenceRegion', 'REGION_UNKNOWN'],
      ['warning', 'birthOrder', 'BIRTH_ORDER_UNUSUAL'],
      ['warning', 'child.name', 'NAME_MISSING'],
      ['warning', 'mother.birthDate', 'PARENT_AGE_UNUSUAL'],
    ]);
    expect(sortFindings([...findings].reverse())).toEqual(findings);
  });

  it('is deterministic: the same input gives the same findings', () => {
    for (const { facts } of CASES) expect(audit(facts)).toEqual(audit(facts));
  });

  it('refuses a context without a valid today', () => {
    expect(() => auditBirthRegistration(VALID, { ...context, today: '2025-6-30' })).toThrow(RangeError);
  });

  it('never repeats a resident ID number in a message', () => {
    for (const { facts } of CASES) {
      const ids = [facts.child.residentId, facts.mother.residentId, facts.father?.residentId]
        .filter((id): id is string => id !== undefined && id.trim().length >= 17)
        .map(normaliseResidentId);
      for (const { message } of audit(facts)) {
        for (const id of ids) {
          expect(message.zh).not.toContain(id);
          expect(message.en).not.toContain(id);
          expect(message.zh).not.toContain(id.slice(0, 17));
        }
      }
    }
  });
});

describe('names', () => {
  it.each([
    '阿依古丽·买买提',
    '扎西·顿珠',
    '欧阳娜娜',
    '𠮷田', // a character outside the Basic Multilingual Plane
    '王〇',
    'བཀྲ་ཤིས', // Tibetan script with tsheg
    'Anna Müller',
    'Ó Briain'.normalize('NFD'), // combining marks
    '  李红  ',
  ])('accepts %s', (name) => {
    expect(audit(withMother({ name }))).toEqual([]);
  });

  it('counts characters, not UTF-16 units: fifty rare characters are not too long', () => {
    expect(audit(withMother({ name: '𠮷'.repeat(50) }))).toEqual([]);
    expect(audit(withMother({ name: '𠮷'.repeat(51) })).map((f) => f.code)).toEqual(['NAME_TOO_LONG']);
  });

  it('names the stray characters, invisible ones by code point', () => {
    const [found] = audit(withFather({ name: '王\u200b强' }));
    expect(found?.message.en).toContain('U+200B');
    const [symbol] = audit(withChild({ name: '王@明' }));
    expect(symbol?.message.zh).toContain('“@”');
  });
});

describe('hasBlockingFindings', () => {
  const warning: AuditFinding = {
    code: 'NAME_MISSING',
    severity: 'warning',
    field: 'child.name',
    message: { zh: '…', en: '…' },
  };
  it('is false for no findings or warnings only, true with any error', () => {
    expect(hasBlockingFindings([])).toBe(false);
    expect(hasBlockingFindings([warning])).toBe(false);
    expect(hasBlockingFindings([warning, { ...warning, code: 'NAME_REQUIRED', severity: 'error' }])).toBe(
      true,
    );
  });
});

describe('date helpers', () => {
  it.each(['2024-02-29', '2000-02-29', '1800-01-01', '2025-12-31'])('%s is a calendar date', (date) => {
    expect(isCalendarDate(date)).toBe(true);
  });

  it.each([
    '2023-02-29',
    '1900-02-29',
    '2025-04-31',
    '2025-00-10',
    '2025-01-00',
    '1799-12-31',
    '2025-1-01',
    ' 2025-01-01',
    '2025/01/01',
    '',
  ])('%j is not', (date) => {
    expect(isCalendarDate(date)).toBe(false);
  });

  it('counts completed years the way ages are counted', () => {
    expect(completedYears('2000-06-15', '2024-06-14')).toBe(23);
    expect(completedYears('2000-06-15', '2024-06-15')).toBe(24);
    expect(completedYears('2000-02-29', '2021-02-28')).toBe(20);
    expect(completedYears('2000-02-29', '2021-03-01')).toBe(21);
  });
});

describe('beijingDate', () => {
  it('gives the date in UTC+8', () => {
    expect(beijingDate(new Date('2025-06-30T15:59:59Z'))).toBe('2025-06-30');
    expect(beijingDate(new Date('2025-06-30T16:00:00Z'))).toBe('2025-07-01');
  });
});

// ── Properties ───────────────────────────────────────────────────────────────────────

const DAY_MS = 86_400_000;
const dayOf = (iso: string): number =>
  Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / DAY_MS;
const isoOf = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

const region = fc.constantFrom(...REGIONS);
const hanName = fc
  .array(fc.integer({ min: 0x4e00, max: 0x9fa5 }), { minLength: 1, maxLength: 4 })
  .map((codes) => String.fromCodePoint(...codes));
const name = fc.oneof(
  hanName,
  fc.tuple(hanName, hanName).map(([a, b]) => `${a}·${b}`),
  fc.constantFrom('阿依古丽·买买提', '𠮷田', 'Anna Müller', 'བཀྲ་ཤིས'),
);
/** Sometimes typed in lower case and with stray spaces, as people do. */
const typed = (id: string) => fc.constantFrom(id, id.toLowerCase(), ` ${id} `);

/** A parent aged 20 to 44 at the birth, with an ID consistent with the record. */
const parent = (childDay: number, sex: 'female' | 'male') =>
  fc
    .record({
      name,
      daysBefore: fc.integer({ min: 20 * 366, max: 45 * 365 }),
      idRegion: region,
      hukouRegion: region,
      half: fc.integer({ min: 0, max: 499 }),
    })
    .chain(({ name, daysBefore, idRegion, hukouRegion, half }) => {
      const birthDate = isoOf(childDay - daysBefore);
      const sequence = String(half * 2 + (sex === 'male' ? 1 : 0)).padStart(3, '0');
      return typed(residentId(idRegion, birthDate, sequence)).map(
        (id): ParentFacts => ({ name, residentId: id, birthDate, hukouRegion }),
      );
    });

const validFacts: fc.Arbitrary<BirthRegistrationFacts> = fc
  .integer({ min: dayOf('1980-01-01'), max: dayOf(TODAY) })
  .chain((childDay) =>
    fc.record({
      child: fc
        .record({
          name: fc.option(name, { nil: undefined }),
          sequence: fc.integer({ min: 0, max: 999 }),
          birthRegion: region,
          hasId: fc.boolean(),
        })
        .map(({ name, sequence, birthRegion, hasId }) => {
          const birthDate = isoOf(childDay);
          return {
            name,
            sex: sequence % 2 === 1 ? ('male' as const) : ('female' as const),
            birthDate,
            birthRegion,
            residentId: hasId
              ? residentId(birthRegion, birthDate, String(sequence).padStart(3, '0'))
              : undefined,
          };
        }),
      mother: parent(childDay, 'female'),
      father: fc.option(parent(childDay, 'male'), { nil: undefined }),
      residenceRegion: region,
      birthOrder: fc.integer({ min: 1, max: 10 }),
    }),
  );

describe('properties', () => {
  it('a consistent registration has no errors, and no warning beyond a missing child name', () => {
    fc.assert(
      fc.property(validFacts, (facts) => {
        const findings = audit(facts);
        expect(hasBlockingFindings(findings)).toBe(false);
        expect(findings).toEqual(
          facts.child.name === undefined ? [expect.objectContaining({ code: 'NAME_MISSING' })] : [],
        );
      }),
      { numRuns: 500 },
    );
  });

  it('changing one character of a valid ID always gives an error on that ID field', () => {
    const whose = fc.constantFrom('child', 'mother', 'father');
    fc.assert(
      fc.property(
        validFacts,
        whose,
        fc.nat(),
        fc.constantFrom(...'0123456789XAx -'),
        (facts, party, at, replacement) => {
          const current =
            party === 'child'
              ? facts.child.residentId
              : party === 'mother'
                ? facts.mother.residentId
                : facts.father?.residentId;
          if (current === undefined) return;
          const original = normaliseResidentId(current);
          const position = at % original.length;
          const changed = original.slice(0, position) + replacement + original.slice(position + 1);
          fc.pre(normaliseResidentId(changed) !== original);
          const mutated: BirthRegistrationFacts =
            party === 'child'
              ? { ...facts, child: { ...facts.child, residentId: changed } }
              : party === 'mother'
                ? { ...facts, mother: { ...facts.mother, residentId: changed } }
                : { ...facts, father: { ...(facts.father as ParentFacts), residentId: changed } };
          const findings = audit(mutated);
          expect(findings).toContainEqual(
            expect.objectContaining({ severity: 'error', field: `${party}.residentId` }),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });

  /** Anything at all in any field: the audit answers, never throws, and keeps its own promises. */
  const junkParent = fc.record({
    name: fc.string({ maxLength: 60 }),
    residentId: fc.oneof(fc.string({ maxLength: 20 }), fc.stringMatching(/^\d{17}[\dXx]$/)),
    birthDate: fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
    ),
    hukouRegion: fc.oneof(fc.string({ maxLength: 8 }), region),
  });
  const junkFacts: fc.Arbitrary<BirthRegistrationFacts> = fc.record({
    child: fc.record({
      name: fc.option(fc.string({ maxLength: 60 }), { nil: undefined }),
      sex: fc.constantFrom('male' as const, 'female' as const),
      birthDate: fc.oneof(
        fc.string({ maxLength: 12 }),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      ),
      birthRegion: fc.oneof(fc.string({ maxLength: 8 }), region),
      residentId: fc.option(fc.oneof(fc.string({ maxLength: 20 }), fc.stringMatching(/^\d{17}[\dX]$/)), {
        nil: undefined,
      }),
    }),
    mother: junkParent,
    father: fc.option(junkParent, { nil: undefined }),
    residenceRegion: fc.oneof(fc.string({ maxLength: 8 }), region),
    birthOrder: fc.oneof(fc.integer(), fc.double()),
  });

  it('any input gives sorted findings, at most one per code and field, each with both messages', () => {
    fc.assert(
      fc.property(junkFacts, (facts) => {
        const findings = audit(facts);
        expect(sortFindings(findings)).toEqual(findings);
        const keys = findings.map((f) => `${f.code} ${f.field}`);
        expect(new Set(keys).size).toBe(keys.length);
        for (const f of findings) {
          expect(AUDIT_CODES).toContain(f.code);
          expect(f.message.zh.length).toBeGreaterThan(0);
          expect(f.message.en.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('no message speaks of policy: the audit checks data, never compliance', () => {
    const zhTerms = [
      '超生',
      '计划外',
      '政策',
      '违法',
      '非法',
      '罚',
      '抚养费',
      '指标',
      '准生',
      '节育',
      '避孕',
      '结扎',
      '上环',
      '计划生育',
      '违规',
      '超标',
    ];
    const enTerms =
      /illegal|unlawful|quota|unplanned|out-of-plan|penalt|\bfine[sd]?\b|contracep|sterili[sz]|violat|permit|excess|polic(y|ies)|complian|allowance|limit/i;
    const messages = CASES.flatMap(({ facts }) => audit(facts)).map((f) => f.message);
    fc.assert(
      fc.property(junkFacts, (facts) => {
        messages.push(...audit(facts).map((f) => f.message));
      }),
      { numRuns: 300 },
    );
    expect(new Set(messages.map((m) => m.en)).size).toBeGreaterThan(30);
    for (const { zh, en } of messages) {
      for (const term of zhTerms) expect(zh, zh).not.toContain(term);
      expect(en, en).not.toMatch(enTerms);
    }
  });
});

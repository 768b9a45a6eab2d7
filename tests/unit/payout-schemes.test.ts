import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_SCHEMES } from '../../functions/payout/config/schemes.example';
import {
  ageOn,
  type BeneficiaryFacts,
  CertificateKind,
  Condition,
  entitlement,
  evaluate,
  type FactValues,
  FamilyType,
  factsAt,
  HukouType,
  Money,
  paymentKey,
  paymentKeyFor,
  periodFor,
  periodsOf,
  RuleSet,
  ruleSetFor,
  Scheme,
  Sex,
  validateScheme,
} from '../../functions/payout/domain/schemes';

function scheme(code: string): Scheme {
  const found = EXAMPLE_SCHEMES.find((s) => s.code === code);
  if (!found) throw new Error(`no example scheme ${code}`);
  return found;
}

const month = (id: string) => ({ id, start: `${id}-01` });

/** A rural only-child parent in Chengdu, 60 on 1 March 2026. */
const ruralParent: BeneficiaryFacts = {
  sex: 'female',
  birthDate: '1966-03-01',
  alive: true,
  hukouRegion: '510104',
  residenceRegion: '510104',
  hukouType: 'rural',
  familyType: 'only-child',
  certificates: ['only-child-certificate'],
};

describe('example schemes', () => {
  it('are marked as example configuration and pass validateScheme', () => {
    expect(EXAMPLE_SCHEMES.map((s) => s.code)).toEqual([
      'rural-reward',
      'special-assistance',
      'only-child-reward',
      'one-time-reward',
    ]);
    for (const s of EXAMPLE_SCHEMES) expect(validateScheme(s)).toEqual([]);
  });

  it('mention no policing concepts: the system serves families', () => {
    const text = JSON.stringify(EXAMPLE_SCHEMES).toLowerCase();
    for (const word of [
      'violation',
      'illegal',
      'fine',
      'penalty',
      'sanction',
      'pregnan',
      'contracept',
      'sterili',
      'informant',
      '违法',
      '违反',
      '超生',
      '社会抚养费',
      '罚',
    ]) {
      expect(text).not.toContain(word);
    }
  });
});

describe('rural reward (奖励扶助)', () => {
  const rural = scheme('rural-reward');

  it('becomes eligible at 60 on the period’s first day, not at 59', () => {
    const feb = entitlement(rural, ruralParent, month('2026-02'));
    expect(feb.eligible).toBe(false);
    expect(feb.reasons.some((r) => r.includes('fail: ageYears gte 60 (is 59)'))).toBe(true);
    const mar = entitlement(rural, ruralParent, month('2026-03'));
    expect(mar).toMatchObject({ eligible: true, amountFen: 9_000, ruleVersion: 2 });
    expect(mar.reasons.some((r) => r.includes('pass: ageYears gte 60 (is 60)'))).toBe(true);
  });

  it('turns 60 on a birthday that is not the first of the month only in the next period', () => {
    const born2nd = { ...ruralParent, birthDate: '1966-03-02' };
    expect(entitlement(rural, born2nd, month('2026-03')).eligible).toBe(false);
    expect(entitlement(rural, born2nd, month('2026-04')).eligible).toBe(true);
  });

  it('does not pay urban hukou or other family types, and says why', () => {
    const urban = entitlement(rural, { ...ruralParent, hukouType: 'urban' }, month('2026-06'));
    expect(urban.eligible).toBe(false);
    expect(urban.reasons).toContain('  fail: hukouType eq rural (is urban)');
    const other = entitlement(rural, { ...ruralParent, familyType: 'other' }, month('2026-06'));
    expect(other.eligible).toBe(false);
  });

  it('pays the month of death and nothing after', () => {
    const died = { ...ruralParent, alive: false, deathDate: '2026-05-17' };
    expect(entitlement(rural, died, month('2026-05')).eligible).toBe(true);
    const june = entitlement(rural, died, month('2026-06'));
    expect(june.eligible).toBe(false);
    expect(june.reasons).toContain('  fail: alive eq true (is false)');
    // Died on the first day of a month: that month is not paid.
    expect(entitlement(rural, { ...died, deathDate: '2026-06-01' }, month('2026-06')).eligible).toBe(false);
    // Dead without a recorded date: never paid.
    expect(entitlement(rural, { ...ruralParent, alive: false }, month('2026-05')).eligible).toBe(false);
  });

  it('switches rule set, and amount, on the effective date', () => {
    const hangzhou = { ...ruralParent, birthDate: '1950-01-01', hukouRegion: '330106' };
    expect(ruleSetFor(rural, '2025-12-31')?.version).toBe(1);
    expect(ruleSetFor(rural, '2026-01-01')?.version).toBe(2);
    expect(ruleSetFor(rural, '2023-12-31')).toBeUndefined();
    expect(entitlement(rural, hangzhou, month('2025-12'))).toMatchObject({
      amountFen: 10_000,
      ruleVersion: 1,
    });
    expect(entitlement(rural, hangzhou, month('2026-01'))).toMatchObject({
      amountFen: 12_000,
      ruleVersion: 2,
    });
    const before = entitlement(rural, hangzhou, month('2023-12'));
    expect(before.eligible).toBe(false);
    expect(before.reasons[0]).toContain('no rule set');
  });

  it('uses the longest matching region prefix', () => {
    const old = { ...ruralParent, birthDate: '1950-01-01' };
    expect(entitlement(rural, { ...old, hukouRegion: '330106' }, month('2026-01'))).toMatchObject({
      amountFen: 12_000,
    });
    expect(entitlement(rural, { ...old, hukouRegion: '330206' }, month('2026-01'))).toMatchObject({
      amountFen: 10_000,
    });
    const elsewhere = entitlement(rural, { ...old, hukouRegion: '440106' }, month('2026-01'));
    expect(elsewhere.eligible).toBe(false);
    expect(elsewhere.reasons.at(-1)).toBe('amount: none configured for hukou region 440106');
  });

  it('picks the longest prefix regardless of listing order', () => {
    const reversed: Scheme = {
      ...rural,
      ruleSets: rural.ruleSets.map((rs) => ({ ...rs, amounts: [...rs.amounts].reverse() })),
    };
    const old = { ...ruralParent, birthDate: '1950-01-01', hukouRegion: '330106' };
    expect(entitlement(reversed, old, month('2026-01'))).toMatchObject({ amountFen: 12_000 });
  });
});

describe('special assistance (特别扶助)', () => {
  const special = scheme('special-assistance');
  const parent: BeneficiaryFacts = {
    ...ruralParent,
    birthDate: '1977-01-01',
    hukouType: 'urban',
    familyType: 'bereaved',
    certificates: ['special-assistance-certificate'],
    hukouRegion: '330502',
  };

  it('pays by category from 49', () => {
    expect(entitlement(special, parent, month('2026-01'))).toMatchObject({
      eligible: true,
      amountFen: 80_000,
    });
    expect(
      entitlement(special, { ...parent, familyType: 'disabled-only-child' }, month('2026-01')),
    ).toMatchObject({
      eligible: true,
      amountFen: 60_000,
    });
    expect(entitlement(special, { ...parent, hukouRegion: '330106' }, month('2026-01'))).toMatchObject({
      amountFen: 100_000,
    });
    expect(entitlement(special, { ...parent, hukouRegion: '510104' }, month('2026-01'))).toMatchObject({
      amountFen: 59_000,
    });
  });

  it('is not for 48-year-olds nor for families with a living, non-disabled only child', () => {
    const young = entitlement(special, parent, month('2025-12'));
    expect(young.eligible).toBe(false);
    expect(young.reasons).toContain('  fail: ageYears gte 49 (is 48)');
    const onlyChild = entitlement(special, { ...parent, familyType: 'only-child' }, month('2026-01'));
    expect(onlyChild.eligible).toBe(false);
    expect(onlyChild.reasons).toContain('  fail: any (0 of 2 passed)');
  });
});

describe("only-child parents' reward (独生子女父母奖励费)", () => {
  const reward = scheme('only-child-reward');
  const parent: BeneficiaryFacts = {
    ...ruralParent,
    birthDate: '1985-06-01',
    hukouType: 'urban',
    hukouRegion: '330106',
    childBirthDate: '2009-01-15',
  };

  it('pays in December while the child is under 18', () => {
    expect(periodsOf(reward, 2026)).toEqual([{ id: '2026', start: '2026-12-01' }]);
    const [y2026] = periodsOf(reward, 2026);
    const [y2027] = periodsOf(reward, 2027);
    if (!y2026 || !y2027) throw new Error('no period');
    expect(entitlement(reward, parent, y2026)).toMatchObject({ eligible: true, amountFen: 12_000 });
    const adult = entitlement(reward, parent, y2027);
    expect(adult.eligible).toBe(false);
    expect(adult.reasons).toContain('  fail: childAgeYears lte 17 (is 18)');
  });

  it('needs the certificate and a known child', () => {
    const [period] = periodsOf(reward, 2026);
    if (!period) throw new Error('no period');
    const noCert = entitlement(reward, { ...parent, certificates: [] }, period);
    expect(noCert.eligible).toBe(false);
    expect(noCert.reasons).toContain('  fail: certificate has only-child-certificate (is {})');
    const { childBirthDate: _, ...noChild } = parent;
    const unknown = entitlement(reward, noChild, period);
    expect(unknown.eligible).toBe(false);
    expect(unknown.reasons).toContain('  fail: childAgeYears lte 17 (is unknown)');
  });
});

describe('one-time reward', () => {
  const once = scheme('one-time-reward');

  it('has one period a year and one payment key for life', () => {
    const periods = periodsOf(once, 2026);
    expect(periods).toEqual([{ id: '2026', start: '2026-01-01' }]);
    const [p2026] = periods;
    const [p2027] = periodsOf(once, 2027);
    if (!p2026 || !p2027) throw new Error('no period');
    const old = { ...ruralParent, birthDate: '1960-01-01' };
    expect(entitlement(once, old, p2026)).toMatchObject({ eligible: true, amountFen: 200_000 });
    expect(paymentKeyFor(once, p2026, 'B1')).toBe('one-time-reward#once#B1');
    expect(paymentKeyFor(once, p2027, 'B1')).toBe(paymentKeyFor(once, p2026, 'B1'));
  });
});

describe('periods and payment keys', () => {
  it('lists twelve months for a monthly scheme', () => {
    const periods = periodsOf(scheme('rural-reward'), 2026);
    expect(periods).toHaveLength(12);
    expect(periods[0]).toEqual({ id: '2026-01', start: '2026-01-01' });
    expect(periods[11]).toEqual({ id: '2026-12', start: '2026-12-01' });
  });

  it('parses period ids', () => {
    expect(periodFor(scheme('rural-reward'), '2026-03')).toEqual({ id: '2026-03', start: '2026-03-01' });
    expect(periodFor(scheme('rural-reward'), '2026-13')).toBeUndefined();
    expect(periodFor(scheme('only-child-reward'), '2026')).toEqual({ id: '2026', start: '2026-12-01' });
    expect(periodFor(scheme('only-child-reward'), '2026-12')).toBeUndefined();
  });

  it('builds the deterministic key', () => {
    expect(paymentKey('rural-reward', '2026-03', 'B1')).toBe('rural-reward#2026-03#B1');
    expect(paymentKeyFor(scheme('rural-reward'), month('2026-03'), 'B1')).toBe('rural-reward#2026-03#B1');
  });
});

describe('validateScheme', () => {
  const base = scheme('rural-reward');
  const [v1, v2] = base.ruleSets;
  if (!v1 || !v2) throw new Error('example needs two rule sets');
  const codes = (s: Scheme) => validateScheme(s).map((p) => p.code);

  it('reports overlapping and empty ranges and duplicate versions', () => {
    expect(codes({ ...base, ruleSets: [{ ...v1, effectiveTo: '2026-02-01' }, v2] })).toEqual([
      'overlapping-rule-sets',
    ]);
    expect(codes({ ...base, ruleSets: [{ ...v1, effectiveTo: undefined }, v2] })).toEqual([
      'overlapping-rule-sets',
    ]);
    expect(codes({ ...base, ruleSets: [{ ...v1, effectiveTo: '2024-01-01' }, v2] })).toEqual(['empty-range']);
    expect(codes({ ...base, ruleSets: [v1, { ...v2, version: 1 }] })).toEqual(['duplicate-version']);
    // Touching half-open ranges do not overlap.
    expect(codes(base)).toEqual([]);
  });

  it('checks the pay month', () => {
    expect(codes({ ...base, frequency: 'annual' })).toEqual(['annual-without-pay-month']);
    expect(codes({ ...base, payMonth: 3 })).toEqual(['pay-month-not-annual']);
  });

  it('warns about a province without a province-wide amount', () => {
    const noDefault = { ...v2, amounts: v2.amounts.filter((a) => a.regionPrefix !== '33') };
    expect(validateScheme({ ...base, ruleSets: [v1, noDefault] })).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'no-province-default' }),
    ]);
  });
});

describe('zod validation', () => {
  const rs = scheme('rural-reward').ruleSets[0];

  it('rejects a float amount', () => {
    expect(Money.safeParse(12.5).success).toBe(false);
    expect(Money.safeParse(-1).success).toBe(false);
    expect(RuleSet.safeParse({ ...rs, amounts: [{ regionPrefix: '33', amountFen: 80.5 }] }).success).toBe(
      false,
    );
  });

  it('rejects unknown facts, unknown ops and wrong value types', () => {
    const bad = [
      { fact: 'income', op: 'gte', value: 1 },
      { fact: 'ageYears', op: 'gt', value: 60 },
      { fact: 'ageYears', op: 'startsWith', value: '6' },
      { fact: 'ageYears', op: 'gte', value: '60' },
      { fact: 'ageYears', op: 'gte', value: 60.5 },
      { fact: 'alive', op: 'eq', value: 'yes' },
      { fact: 'familyType', op: 'eq', value: 'two-child' },
      { fact: 'certificate', op: 'eq', value: 'only-child-certificate' },
      { fact: 'hukouRegion', op: 'startsWith', value: '3' },
      { fact: 'ageYears', op: 'gte', value: 60, extra: true },
      { all: [] },
      { all: [{ fact: 'alive', op: 'eq', value: true }], any: [{ fact: 'alive', op: 'eq', value: true }] },
      { not: { fact: 'unknown', op: 'eq', value: 1 } },
    ];
    for (const condition of bad)
      expect(Condition.safeParse(condition).success, JSON.stringify(condition)).toBe(false);
  });

  it('accepts the whole expression language', () => {
    const good: Condition = {
      all: [
        {
          any: [
            { fact: 'sex', op: 'eq', value: 'female' },
            { fact: 'ageYears', op: 'in', value: [60, 61] },
          ],
        },
        { not: { fact: 'residenceRegion', op: 'startsWith', value: '3301' } },
        { fact: 'certificate', op: 'has', value: 'special-assistance-certificate' },
        { fact: 'hukouType', op: 'ne', value: 'urban' },
      ],
    };
    expect(Condition.parse(JSON.parse(JSON.stringify(good)))).toEqual(good);
  });

  it('rejects a scheme with an unknown frequency or a bad region prefix', () => {
    const s = scheme('rural-reward');
    expect(Scheme.safeParse({ ...s, frequency: 'weekly' }).success).toBe(false);
    expect(
      Scheme.safeParse({ ...s, ruleSets: [{ ...rs, amounts: [{ regionPrefix: '331', amountFen: 1 }] }] })
        .success,
    ).toBe(false);
  });
});

const region = fc.constantFrom('330106', '330206', '510104', '511002', '440106');
const isoDay = fc
  .date({ min: new Date('1920-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

const beneficiary: fc.Arbitrary<BeneficiaryFacts> = fc
  .record({
    sex: fc.constantFrom(...Sex.options),
    birthDate: isoDay,
    alive: fc.boolean(),
    deathDate: fc.option(isoDay, { nil: undefined }),
    hukouRegion: region,
    residenceRegion: region,
    hukouType: fc.constantFrom(...HukouType.options),
    familyType: fc.constantFrom(...FamilyType.options),
    certificates: fc.subarray([...CertificateKind.options]),
    childBirthDate: fc.option(isoDay, { nil: undefined }),
  })
  .map(({ deathDate, childBirthDate, ...rest }) => ({
    ...rest,
    ...(deathDate === undefined ? {} : { deathDate }),
    ...(childBirthDate === undefined ? {} : { childBirthDate }),
  }));

const factValues: fc.Arbitrary<FactValues> = beneficiary.chain((b) => isoDay.map((on) => factsAt(b, on)));

const leaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({
    fact: fc.constant('ageYears' as const),
    op: fc.constantFrom('gte' as const, 'lte' as const),
    value: fc.nat(100),
  }),
  fc.record({
    fact: fc.constant('alive' as const),
    op: fc.constantFrom('eq' as const, 'ne' as const),
    value: fc.boolean(),
  }),
  fc.record({
    fact: fc.constant('familyType' as const),
    op: fc.constant('in' as const),
    value: fc.subarray([...FamilyType.options], { minLength: 1 }),
  }),
  fc.record({
    fact: fc.constant('hukouRegion' as const),
    op: fc.constant('startsWith' as const),
    value: fc.constantFrom('33', '3301', '51'),
  }),
  fc.record({
    fact: fc.constant('certificate' as const),
    op: fc.constant('has' as const),
    value: fc.constantFrom(...CertificateKind.options),
  }),
  fc.record({
    fact: fc.constant('childAgeYears' as const),
    op: fc.constant('lte' as const),
    value: fc.nat(30),
  }),
);

const { condition } = fc.letrec<{ condition: Condition }>((tie) => ({
  condition: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ all: fc.array(tie('condition'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('condition'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: tie('condition') }),
  ),
}));

describe('evaluate (properties)', () => {
  it('generated conditions are valid configuration', () => {
    fc.assert(fc.property(condition, (c) => Condition.safeParse(c).success));
  });

  it('satisfies De Morgan and double negation', () => {
    fc.assert(
      fc.property(condition, condition, factValues, (a, b, f) => {
        const r = (c: Condition) => evaluate(c, f).result;
        expect(r({ not: { all: [a, b] } })).toBe(r({ any: [{ not: a }, { not: b }] }));
        expect(r({ not: { any: [a, b] } })).toBe(r({ all: [{ not: a }, { not: b }] }));
        expect(r({ not: { not: a } })).toBe(r(a));
        expect(r({ all: [a, b] })).toBe(r(a) && r(b));
        expect(r({ any: [a, b] })).toBe(r(a) || r(b));
      }),
    );
  });

  it('explains every test it made', () => {
    fc.assert(
      fc.property(condition, factValues, (c, f) => {
        const { result, reasons } = evaluate(c, f);
        expect(reasons[0]?.startsWith(result ? 'pass' : 'fail')).toBe(true);
        const leaves = JSON.stringify(c).match(/"fact"/g)?.length ?? 0;
        expect(reasons.filter((line) => /^\s*(pass|fail): [a-zA-Z]+ [a-zA-Z]+ /.test(line)).length).toBe(
          leaves,
        );
      }),
    );
  });
});

describe('entitlement (properties)', () => {
  it('any amount is a safe integer ≥ 0, and eligibility implies a live beneficiary', () => {
    const periodArb = fc
      .tuple(fc.constantFrom(...EXAMPLE_SCHEMES), fc.integer({ min: 2023, max: 2030 }))
      .chain(([s, year]) => fc.constantFrom(...periodsOf(s, year)).map((p) => [s, p] as const));
    fc.assert(
      fc.property(periodArb, beneficiary, ([s, p], b) => {
        const e = entitlement(s, b, p);
        if (e.eligible) {
          expect(Number.isSafeInteger(e.amountFen) && e.amountFen >= 0).toBe(true);
          expect(factsAt(b, p.start).alive).toBe(true);
          expect(b.deathDate === undefined || b.deathDate > p.start).toBe(true);
        }
        // Pure: the same input gives the same answer.
        expect(entitlement(s, b, p)).toEqual(e);
      }),
    );
  });

  it('ageOn counts whole years', () => {
    expect(ageOn('1966-03-01', '2026-02-28')).toBe(59);
    expect(ageOn('1966-03-01', '2026-03-01')).toBe(60);
    expect(ageOn('2000-02-29', '2026-02-28')).toBe(25);
    expect(ageOn('2000-02-29', '2026-03-01')).toBe(26);
  });
});

import type {
  AmountRule,
  BeneficiaryFacts,
  Condition,
  FactTest,
  FactValues,
  Money,
  Period,
  RuleSet,
  Scheme,
} from './model';

/** Outcome of evaluating a condition, with the trail staff read to see why. */
export interface Evaluation {
  readonly result: boolean;
  readonly reasons: string[];
}

export type Entitlement =
  | { readonly eligible: false; readonly ruleVersion?: number; readonly reasons: string[] }
  | {
      readonly eligible: true;
      readonly amountFen: Money;
      readonly ruleVersion: number;
      readonly reasons: string[];
    };

/** Whole years from `birthDate` to `on`; someone born on 29 February ages on 1 March. */
export function ageOn(birthDate: string, on: string): number {
  const years = Number(on.slice(0, 4)) - Number(birthDate.slice(0, 4));
  // MM-DD strings compare like dates within a year.
  return on.slice(5) >= birthDate.slice(5) ? years : years - 1;
}

/**
 * Fact values as of `on` (a period's first day). A person counts as alive on a day before
 * their recorded death date, so the month of death is still paid and later ones are not;
 * a death without a date counts from the start.
 */
export function factsAt(facts: BeneficiaryFacts, on: string): FactValues {
  const alive = facts.deathDate === undefined ? facts.alive : on < facts.deathDate;
  return {
    ageYears: ageOn(facts.birthDate, on),
    childAgeYears: facts.childBirthDate === undefined ? undefined : ageOn(facts.childBirthDate, on),
    alive,
    familyType: facts.familyType,
    hukouType: facts.hukouType,
    sex: facts.sex,
    hukouRegion: facts.hukouRegion,
    residenceRegion: facts.residenceRegion,
    certificate: new Set(facts.certificates),
  };
}

function show(value: unknown): string {
  if (value instanceof Set) return `{${[...value].join(', ')}}`;
  if (Array.isArray(value)) return `[${value.join(', ')}]`;
  return String(value);
}

function testFact(test: FactTest, facts: FactValues): boolean {
  if (test.fact === 'certificate') return facts.certificate.has(test.value);
  const actual = facts[test.fact];
  // An unknown fact (no child on record) satisfies no test, `ne` included: eligibility
  // must never follow from missing data.
  if (actual === undefined) return false;
  switch (test.op) {
    case 'eq':
      return actual === test.value;
    case 'ne':
      return actual !== test.value;
    case 'in':
      return (test.value as readonly unknown[]).includes(actual);
    case 'gte':
      return (actual as number) >= test.value;
    case 'lte':
      return (actual as number) <= test.value;
    case 'startsWith':
      return (actual as string).startsWith(test.value);
  }
}

function evaluateAt(condition: Condition, facts: FactValues, depth: number): Evaluation {
  const indent = '  '.repeat(depth);
  if ('all' in condition || 'any' in condition) {
    const isAll = 'all' in condition;
    const parts = (isAll ? condition.all : condition.any).map((c) => evaluateAt(c, facts, depth + 1));
    const passed = parts.filter((p) => p.result).length;
    // Every member is evaluated, not short-circuited, so the trail lists all that failed.
    const result = isAll ? passed === parts.length : passed > 0;
    const head = `${indent}${result ? 'pass' : 'fail'}: ${isAll ? 'all' : 'any'} (${passed} of ${parts.length} passed)`;
    return { result, reasons: [head, ...parts.flatMap((p) => p.reasons)] };
  }
  if ('not' in condition) {
    const inner = evaluateAt(condition.not, facts, depth + 1);
    const result = !inner.result;
    return { result, reasons: [`${indent}${result ? 'pass' : 'fail'}: not`, ...inner.reasons] };
  }
  const result = testFact(condition, facts);
  const actual = condition.fact === 'certificate' ? facts.certificate : facts[condition.fact];
  return {
    result,
    reasons: [
      `${indent}${result ? 'pass' : 'fail'}: ${condition.fact} ${condition.op} ${show(condition.value)} (is ${actual === undefined ? 'unknown' : show(actual)})`,
    ],
  };
}

/**
 * Evaluates a condition on fact values. The reasons list every test, pass or fail, indented
 * by nesting, so staff can see why someone is or is not eligible.
 */
export function evaluate(condition: Condition, facts: FactValues): Evaluation {
  return evaluateAt(condition, facts, 0);
}

/** True when `day` lies in the rule set's half-open range [effectiveFrom, effectiveTo). */
export function isEffective(ruleSet: RuleSet, day: string): boolean {
  return ruleSet.effectiveFrom <= day && (ruleSet.effectiveTo === undefined || day < ruleSet.effectiveTo);
}

/**
 * The rule set in force on `periodStart`, or undefined when none is. Overlaps are a
 * configuration error reported by `validateScheme`; should one slip through, the highest
 * version wins so the choice is at least deterministic.
 */
export function ruleSetFor(scheme: Scheme, periodStart: string): RuleSet | undefined {
  let found: RuleSet | undefined;
  for (const ruleSet of scheme.ruleSets) {
    if (isEffective(ruleSet, periodStart) && (!found || ruleSet.version > found.version)) found = ruleSet;
  }
  return found;
}

/**
 * The amount rule that applies: among rules whose prefix matches the hukou region and
 * whose `when` holds, the longest prefix; ties go to the first listed.
 */
export function amountRuleFor(
  ruleSet: RuleSet,
  facts: FactValues,
): { rule: AmountRule | undefined; reasons: string[] } {
  let best: AmountRule | undefined;
  const reasons: string[] = [];
  for (const rule of ruleSet.amounts) {
    if (!facts.hukouRegion.startsWith(rule.regionPrefix)) continue;
    if (rule.when) {
      const when = evaluate(rule.when, facts);
      if (!when.result) continue;
    }
    if (!best || rule.regionPrefix.length > best.regionPrefix.length) best = rule;
  }
  if (best) {
    const qualifier = best.when ? ' with its condition met' : '';
    reasons.push(`amount: ${best.amountFen} fen for region prefix ${best.regionPrefix}${qualifier}`);
  } else {
    reasons.push(`amount: none configured for hukou region ${facts.hukouRegion}`);
  }
  return { rule: best, reasons };
}

/**
 * What a beneficiary is entitled to for one period: eligibility under the rule set in
 * force on the period's first day, and the amount for their hukou region. Pure: the same
 * facts and period always give the same answer, so a re-run plans the same batch.
 */
export function entitlement(scheme: Scheme, facts: BeneficiaryFacts, period: Period): Entitlement {
  const ruleSet = ruleSetFor(scheme, period.start);
  if (!ruleSet) {
    return { eligible: false, reasons: [`no rule set of ${scheme.code} in force on ${period.start}`] };
  }
  const values = factsAt(facts, period.start);
  const header = `${scheme.code} rule set v${ruleSet.version} on ${period.start}`;
  const eligibility = evaluate(ruleSet.eligibility, values);
  if (!eligibility.result) {
    return { eligible: false, ruleVersion: ruleSet.version, reasons: [header, ...eligibility.reasons] };
  }
  const amount = amountRuleFor(ruleSet, values);
  const reasons = [header, ...eligibility.reasons, ...amount.reasons];
  if (!amount.rule) return { eligible: false, ruleVersion: ruleSet.version, reasons };
  return { eligible: true, amountFen: amount.rule.amountFen, ruleVersion: ruleSet.version, reasons };
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * The payment periods of a scheme in one year: twelve months (`YYYY-MM`) for monthly
 * schemes, one period (`YYYY`) starting on the first of the pay month for annual schemes,
 * and one (`YYYY`, from 1 January) for one-time schemes.
 */
export function periodsOf(scheme: Scheme, year: number): Period[] {
  const y = String(year).padStart(4, '0');
  switch (scheme.frequency) {
    case 'monthly':
      return Array.from({ length: 12 }, (_, i) => ({
        id: `${y}-${pad2(i + 1)}`,
        start: `${y}-${pad2(i + 1)}-01`,
      }));
    case 'annual':
      return [{ id: y, start: `${y}-${pad2(scheme.payMonth ?? 1)}-01` }];
    case 'once':
      return [{ id: y, start: `${y}-01-01` }];
  }
}

/** The period a scheme's period id names (`2026-03` or `2026`), or undefined if malformed. */
export function periodFor(scheme: Scheme, id: string): Period | undefined {
  const pattern = scheme.frequency === 'monthly' ? /^\d{4}-(0[1-9]|1[0-2])$/ : /^\d{4}$/;
  if (!pattern.test(id)) return undefined;
  const year = Number(id.slice(0, 4));
  return periodsOf(scheme, year).find((p) => p.id === id);
}

/**
 * Deterministic key of one payment: `${schemeCode}#${period}#${beneficiaryId}`. Exactly
 * one payment may exist per key; disbursement enforces this with a conditional write
 * (put if absent), so re-running any step after a crash never pays twice.
 */
export function paymentKey(schemeCode: string, period: string, beneficiaryId: string): string {
  return `${schemeCode}#${period}#${beneficiaryId}`;
}

/**
 * The payment key for a scheme and period. A one-time scheme uses the fixed period `once`
 * so that its single payment stays unique across the years its batches run in.
 */
export function paymentKeyFor(scheme: Scheme, period: Period, beneficiaryId: string): string {
  return paymentKey(scheme.code, scheme.frequency === 'once' ? 'once' : period.id, beneficiaryId);
}

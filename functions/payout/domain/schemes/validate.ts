import type { AmountRule, Scheme } from './model';

/** A configuration problem. Errors must be fixed; warnings are worth a look. */
export interface SchemeProblem {
  readonly severity: 'error' | 'warning';
  readonly code:
    | 'overlapping-rule-sets'
    | 'empty-range'
    | 'duplicate-version'
    | 'annual-without-pay-month'
    | 'pay-month-not-annual'
    | 'no-province-default';
  readonly message: string;
}

function provincesOf(amounts: readonly AmountRule[]): string[] {
  return [...new Set(amounts.map((a) => a.regionPrefix.slice(0, 2)))].sort();
}

/**
 * Cross-field checks zod cannot express. Returns every problem found, empty when the
 * scheme is sound: overlapping or empty effective ranges, duplicate versions, a pay month
 * missing on an annual scheme (or present on another), and provinces whose amounts lack a
 * province-wide rule (a warning: a prefecture may pay everyone itself, but then a new
 * county code would find no amount).
 */
export function validateScheme(scheme: Scheme): SchemeProblem[] {
  const problems: SchemeProblem[] = [];
  if (scheme.frequency === 'annual' && scheme.payMonth === undefined) {
    problems.push({
      severity: 'error',
      code: 'annual-without-pay-month',
      message: `${scheme.code}: annual scheme needs payMonth`,
    });
  }
  if (scheme.frequency !== 'annual' && scheme.payMonth !== undefined) {
    problems.push({
      severity: 'error',
      code: 'pay-month-not-annual',
      message: `${scheme.code}: payMonth is only meaningful for annual schemes`,
    });
  }
  const seen = new Set<number>();
  for (const rs of scheme.ruleSets) {
    if (seen.has(rs.version)) {
      problems.push({
        severity: 'error',
        code: 'duplicate-version',
        message: `${scheme.code}: rule set version ${rs.version} appears more than once`,
      });
    }
    seen.add(rs.version);
    if (rs.effectiveTo !== undefined && rs.effectiveTo <= rs.effectiveFrom) {
      problems.push({
        severity: 'error',
        code: 'empty-range',
        message: `${scheme.code} v${rs.version}: effectiveTo ${rs.effectiveTo} is not after effectiveFrom ${rs.effectiveFrom}`,
      });
    }
    for (const province of provincesOf(rs.amounts)) {
      if (!rs.amounts.some((a) => a.regionPrefix === province)) {
        problems.push({
          severity: 'warning',
          code: 'no-province-default',
          message: `${scheme.code} v${rs.version}: no amount rule for the whole of province ${province}`,
        });
      }
    }
  }
  // Half-open ranges [a, b) and [c, d) overlap when a < d and c < b; open ends are +∞.
  const sets = scheme.ruleSets;
  for (let i = 0; i < sets.length; i++) {
    for (let j = i + 1; j < sets.length; j++) {
      const a = sets[i];
      const b = sets[j];
      if (!a || !b) continue;
      const aBeforeBEnds = b.effectiveTo === undefined || a.effectiveFrom < b.effectiveTo;
      const bBeforeAEnds = a.effectiveTo === undefined || b.effectiveFrom < a.effectiveTo;
      if (aBeforeBEnds && bBeforeAEnds) {
        problems.push({
          severity: 'error',
          code: 'overlapping-rule-sets',
          message: `${scheme.code}: rule sets v${a.version} and v${b.version} overlap`,
        });
      }
    }
  }
  return problems;
}

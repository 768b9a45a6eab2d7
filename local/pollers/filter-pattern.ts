import type { StreamFilterPattern } from '../../shared/manifest';

/**
 * Whether a record matches a Lambda event filter pattern, in the subset the manifests use:
 * every member of the pattern must match; an array lists the values allowed (a missing
 * member matches none), an object matches the record's member of that name recursively.
 */
export function matchesPattern(record: unknown, pattern: StreamFilterPattern): boolean {
  if (record === null || typeof record !== 'object') return false;
  return Object.entries(pattern).every(([member, rule]) => {
    const value = (record as Record<string, unknown>)[member];
    if (Array.isArray(rule)) return rule.includes(value as string | number);
    return matchesPattern(value, rule as StreamFilterPattern);
  });
}

/** Whether a record matches any of the patterns (no patterns: every record). */
export const matchesAny = (record: unknown, patterns: readonly StreamFilterPattern[] | undefined): boolean =>
  !patterns || patterns.length === 0 || patterns.some((pattern) => matchesPattern(record, pattern));

/** The details compared in a duplicate review, in the order shown; each is a path into a registration's details. */
export const COMPARED_FIELDS = [
  'child.name',
  'child.sex',
  'child.birthDate',
  'child.expected',
  'child.birthRegion',
  'child.residentId',
  'mother.name',
  'mother.residentId',
  'mother.birthDate',
  'mother.hukouRegion',
  'father.name',
  'father.residentId',
  'father.birthDate',
  'father.hukouRegion',
  'residenceRegion',
  'birthOrder',
] as const;
export type ComparedField = (typeof COMPARED_FIELDS)[number];

const record = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' ? (value as Record<string, unknown>) : {};

/**
 * The registrations a flagged registration may duplicate, as its history names them: the
 * `duplicateOf` of each `flagged-duplicate` step since the last dismissal, without repeats.
 */
export function duplicatesNamed(history: unknown): string[] {
  const entries = (Array.isArray(history) ? history : []).map(record);
  const lastDismissal = entries.findLastIndex((e) => e.type === 'duplicate-dismissed');
  const named = entries
    .slice(lastDismissal + 1)
    .filter((e) => e.type === 'flagged-duplicate' && typeof e.duplicateOf === 'string')
    .map((e) => e.duplicateOf as string);
  return [...new Set(named)];
}

/** A field's value as text (absent, or not a plain value, is undefined): `child.sex` → `'male'`. */
export function fieldText(details: unknown, field: ComparedField): string | undefined {
  const value = field.split('.').reduce<unknown>((at, part) => record(at)[part], details);
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : undefined;
}

/**
 * How a field compares: the same, different, or – for resident IDs, which the API only
 * shows masked – alike as far as the masked values show (the full numbers may still differ).
 */
export type Comparison = 'same' | 'different' | 'masked-alike';

/** One row of the side-by-side review. */
export interface FieldRow {
  readonly field: ComparedField;
  readonly left: string | undefined;
  readonly right: string | undefined;
  readonly comparison: Comparison;
}

/** The fields of two registrations' details side by side, leaving out those neither has. */
export function compareDetails(left: unknown, right: unknown): FieldRow[] {
  return COMPARED_FIELDS.map((field) => {
    const a = fieldText(left, field);
    const b = fieldText(right, field);
    const comparison: Comparison =
      a !== b ? 'different' : a !== undefined && field.endsWith('residentId') ? 'masked-alike' : 'same';
    return { field, left: a, right: b, comparison };
  }).filter((row) => row.left !== undefined || row.right !== undefined);
}

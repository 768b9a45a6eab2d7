import type { FieldIssue } from '../../../../shared/domain/errors';
import { REGION_CODE_PATTERN } from '../../../../shared/domain/region-code';
import { checkResidentId, normaliseResidentId } from '../../../../shared/domain/resident-id';
import type { BirthDetails, FieldChange } from './model';

/**
 * The fields of the birth details, their kinds and whether they may be absent. Every field
 * the family gives is correctable: a typo can be anywhere, and a correction never loses the
 * old value (it stays in the action history).
 */
export const CORRECTABLE_FIELDS = {
  'child.name': { kind: 'name', optional: true },
  'child.expected': { kind: 'expected', optional: true },
  // Required once the child is born; see `childIssues`.
  'child.sex': { kind: 'sex', optional: true },
  'child.birthDate': { kind: 'date', optional: false },
  'child.birthRegion': { kind: 'region', optional: false },
  'child.residentId': { kind: 'residentId', optional: true },
  'mother.name': { kind: 'name', optional: false },
  'mother.residentId': { kind: 'residentId', optional: false },
  'mother.birthDate': { kind: 'date', optional: false },
  'mother.hukouRegion': { kind: 'region', optional: false },
  // Required inside a father section; the section itself may be absent.
  'father.name': { kind: 'name', optional: false },
  'father.residentId': { kind: 'residentId', optional: false },
  'father.birthDate': { kind: 'date', optional: false },
  'father.hukouRegion': { kind: 'region', optional: false },
  residenceRegion: { kind: 'region', optional: false },
  birthOrder: { kind: 'birthOrder', optional: false },
} as const satisfies Record<string, { kind: FieldKind; optional: boolean }>;

type FieldKind = 'name' | 'sex' | 'date' | 'region' | 'residentId' | 'birthOrder' | 'expected';

/** A field path that a correction may name, such as `child.name`. */
export type CorrectableField = keyof typeof CORRECTABLE_FIELDS;

const FIELD_PATHS = Object.keys(CORRECTABLE_FIELDS) as CorrectableField[];
const FATHER_FIELDS = FIELD_PATHS.filter((path) => path.startsWith('father.'));

/** True for the field paths a correction may name (own keys only, never `__proto__`). */
export function isCorrectableField(path: string): path is CorrectableField {
  return Object.hasOwn(CORRECTABLE_FIELDS, path);
}

// These checks guard only the shape the aggregate relies on. Whether a name's characters,
// a date or an age are plausible is the logic audit's call (audit/), reported as findings;
// repeating its rules here could only contradict it.
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MAX_NAME_CHARS = 50;

type Checked =
  | { readonly ok: true; readonly value: string | number | boolean }
  | { readonly ok: false; readonly message: string };

const RESIDENT_ID_PROBLEMS = {
  shape: 'must be 18 characters: 17 digits and a check digit or X',
  'birth-date': 'does not contain a real birth date',
  checksum: 'has a wrong check character',
} as const;

/** Checks one value against its kind and returns it normalised (trimmed, upper-case X). */
function checkValue(kind: FieldKind, value: unknown): Checked {
  switch (kind) {
    case 'name': {
      if (typeof value !== 'string') return { ok: false, message: 'must be a name' };
      // NFC, so that the same name typed on different devices compares equal.
      const name = value.trim().normalize('NFC');
      // Count characters, not UTF-16 units: rare characters in names lie outside the BMP.
      const length = [...name].length;
      if (length === 0 || length > MAX_NAME_CHARS) {
        return { ok: false, message: `must be 1 to ${MAX_NAME_CHARS} characters` };
      }
      return { ok: true, value: name };
    }
    case 'sex':
      return value === 'male' || value === 'female'
        ? { ok: true, value }
        : { ok: false, message: 'must be male or female' };
    case 'date':
      return typeof value === 'string' && isRealDate(value)
        ? { ok: true, value }
        : { ok: false, message: 'must be a real date, YYYY-MM-DD' };
    case 'region':
      return typeof value === 'string' && REGION_CODE_PATTERN.test(value)
        ? { ok: true, value }
        : { ok: false, message: 'must be a 6-digit administrative division code' };
    case 'residentId': {
      if (typeof value !== 'string') return { ok: false, message: RESIDENT_ID_PROBLEMS.shape };
      const id = normaliseResidentId(value);
      const check = checkResidentId(id);
      return check.ok ? { ok: true, value: id } : { ok: false, message: RESIDENT_ID_PROBLEMS[check.reason] };
    }
    case 'expected':
      // Only ever `true`; a born child has the flag removed (null), never set to false.
      return value === true ? { ok: true, value: true } : { ok: false, message: 'can only be true' };
    case 'birthOrder':
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1
        ? { ok: true, value }
        : { ok: false, message: 'must be a whole number from 1' };
  }
}

function isRealDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** The value at a field path, or undefined when it (or its section) is absent. */
export function readField(details: BirthDetails, path: CorrectableField): unknown {
  const [head, key] = path.split('.') as [string, string | undefined];
  const top = (details as unknown as Record<string, unknown>)[head];
  if (key === undefined) return top;
  return typeof top === 'object' && top !== null ? (top as Record<string, unknown>)[key] : undefined;
}

/** A copy of `details` with one field set, or removed when `value` is null or undefined. */
function writeField(details: BirthDetails, path: CorrectableField, value: unknown): BirthDetails {
  const [head, key] = path.split('.') as [string, string | undefined];
  const record = details as unknown as Record<string, unknown>;
  if (key === undefined) return { ...record, [head]: value } as unknown as BirthDetails;
  const section = { ...((record[head] as Record<string, unknown> | undefined) ?? {}) };
  if (value === null || value === undefined) delete section[key];
  else section[key] = value;
  return { ...record, [head]: section } as unknown as BirthDetails;
}

/**
 * Checks every field of newly submitted details and returns them normalised, with one issue
 * per bad field under `prefix` (`body.child.birthDate`). Data quality only, never policy.
 */
export function checkDetails(
  details: BirthDetails,
  prefix: string,
): { details: BirthDetails; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  let normalised = details;
  for (const path of FIELD_PATHS) {
    if (path.startsWith('father.') && details.father === undefined) continue;
    const value = readField(details, path);
    if (value === undefined || value === null) {
      if (!CORRECTABLE_FIELDS[path].optional)
        issues.push({ field: `${prefix}${path}`, message: 'is required' });
      continue;
    }
    const checked = checkValue(CORRECTABLE_FIELDS[path].kind, value);
    if (checked.ok) normalised = writeField(normalised, path, checked.value);
    else issues.push({ field: `${prefix}${path}`, message: checked.message });
  }
  return { details: normalised, issues: [...issues, ...childIssues(normalised, prefix)] };
}

/**
 * Rules across the child's fields: before the birth there is no sex and no resident ID
 * (neither exists, and the sex must not be asked); after it the sex is required.
 */
export function childIssues(details: BirthDetails, prefix: string): FieldIssue[] {
  const { child } = details;
  if (child.expected) {
    return [
      ...(child.sex !== undefined
        ? [{ field: `${prefix}child.sex`, message: 'is not given before the birth' }]
        : []),
      ...(child.residentId !== undefined
        ? [{ field: `${prefix}child.residentId`, message: 'does not exist before the birth' }]
        : []),
    ];
  }
  return child.sex === undefined ? [{ field: `${prefix}child.sex`, message: 'is required' }] : [];
}

/**
 * Turns requested new values into `{ from, to }` pairs against the current details. Every
 * path must be correctable, every value valid and different from the current one; a father
 * who was not recorded can only be added with all his fields at once. Issues are reported
 * under `body.changes.<path>`.
 */
export function buildChanges(
  current: BirthDetails,
  requested: Readonly<Record<string, unknown>>,
): { changes: Record<string, FieldChange>; issues: FieldIssue[] } {
  const changes: Record<string, FieldChange> = {};
  const issues: FieldIssue[] = [];
  const paths = typeof requested === 'object' && requested !== null ? Object.keys(requested) : [];
  if (paths.length === 0) {
    issues.push({ field: 'body.changes', message: 'must name at least one field to correct' });
  }
  for (const path of paths) {
    const field = `body.changes.${path}`;
    if (!isCorrectableField(path)) {
      issues.push({ field, message: 'is not a correctable field' });
      continue;
    }
    const rule = CORRECTABLE_FIELDS[path];
    const value = requested[path];
    // `from` and `to` use null for "absent" so the pair survives JSON and DynamoDB.
    const from = readField(current, path) ?? null;
    let to: string | number | boolean | null;
    if (value === null || value === undefined) {
      if (!rule.optional) {
        issues.push({ field, message: 'is required and cannot be cleared' });
        continue;
      }
      to = null;
    } else {
      const checked = checkValue(rule.kind, value);
      if (!checked.ok) {
        issues.push({ field, message: checked.message });
        continue;
      }
      to = checked.value;
    }
    if (from === to) {
      issues.push({ field, message: 'is the same as the current value' });
      continue;
    }
    changes[path] = { from, to };
  }
  if (current.father === undefined && Object.keys(changes).some((path) => path.startsWith('father.'))) {
    for (const path of FATHER_FIELDS) {
      if (!(path in changes)) {
        issues.push({ field: `body.changes.${path}`, message: 'is required when a father is added' });
      }
    }
  }
  return { changes, issues };
}

/** `details` with each change's `to` applied in order; the input is never modified. */
export function applyChanges(
  details: BirthDetails,
  changes: Readonly<Record<string, FieldChange>> | undefined,
): BirthDetails {
  let result = details;
  for (const [path, change] of Object.entries(changes ?? {})) {
    // Paths were checked when the correction was requested; an unknown one in stored data
    // is skipped rather than written into an arbitrary property.
    if (isCorrectableField(path)) result = writeField(result, path, change.to);
  }
  return result;
}

/** The regions whose staff see a registration: birth region, residence, mother's hukou. */
export function regionScopeOf(details: BirthDetails): string[] {
  return [...new Set([details.child.birthRegion, details.residenceRegion, details.mother.hukouRegion])];
}

/**
 * Resident ID numbers (公民身份号码) per GB 11643-1999: 6-digit region, 8-digit birth date,
 * 3-digit sequence (odd = male) and an ISO 7064 MOD 11-2 check character.
 * Sensitive personal information: never log one, never put one in an index in clear.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';
const SHAPE = /^\d{17}[\dX]$/;

export type Sex = 'male' | 'female';

export interface ResidentIdFacts {
  readonly regionCode: string;
  /** ISO date `YYYY-MM-DD`. */
  readonly birthDate: string;
  readonly sex: Sex;
}

export type ResidentIdCheck =
  | { readonly ok: true; readonly facts: ResidentIdFacts }
  | { readonly ok: false; readonly reason: 'shape' | 'birth-date' | 'checksum' };

/** The ISO 7064 MOD 11-2 check character for the first 17 digits. */
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS[sum % 11] ?? '';
}

/** True when `date` (YYYYMMDD) is a real calendar date. */
function isRealDate(yyyymmdd: string): boolean {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d && y >= 1800;
}

/**
 * Checks a resident ID's shape, embedded birth date and check character, and returns the
 * facts it encodes. A lower-case `x` is not accepted: normalise input with
 * {@link normaliseResidentId} first.
 */
export function checkResidentId(value: string): ResidentIdCheck {
  if (!SHAPE.test(value)) return { ok: false, reason: 'shape' };
  const birth = value.slice(6, 14);
  if (!isRealDate(birth)) return { ok: false, reason: 'birth-date' };
  if (residentIdCheckChar(value.slice(0, 17)) !== value[17]) return { ok: false, reason: 'checksum' };
  return {
    ok: true,
    facts: {
      regionCode: value.slice(0, 6),
      birthDate: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`,
      sex: Number(value[16]) % 2 === 1 ? 'male' : 'female',
    },
  };
}

/** Trims and upper-cases the check character, as people often type a lower-case x. */
export function normaliseResidentId(value: string): string {
  return value.trim().toUpperCase();
}

/** Keeps the first four and last four characters: `3301**********123X`. */
export function maskResidentId(value: string): string {
  return `${value.slice(0, 4)}${'*'.repeat(Math.max(0, value.length - 8))}${value.slice(-4)}`;
}

/**
 * Matches anything that looks like a resident ID inside free text, for log redaction:
 * also when written in 6-8-4 groups or glued to letters (`ID3301…`), because a leak costs
 * more than an over-eager mask.
 */
export const RESIDENT_ID_IN_TEXT = /(?<!\d)\d{6}[ -]?\d{8}[ -]?\d{3}[\dXx](?![\dA-Za-z])/g;

/**
 * Administrative division codes (行政区划代码, GB/T 2260): province (2) + prefecture (2)
 * + county (2). A code ending in `00` names the level above the county.
 */

export const REGION_CODE_PATTERN = /^[1-9]\d{5}$/;

/** A region code or the prefix of a province (2 digits) or prefecture (4 digits). */
export const REGION_PREFIX_PATTERN = /^[1-9]\d(\d{2}){0,2}$/;

/** The province part of a region code: `330106` → `33`. */
export function provinceOf(regionCode: string): string {
  return regionCode.slice(0, 2);
}

/**
 * The prefix a staff member's region covers: `330000` → `33` (whole province),
 * `330100` → `3301` (a prefecture), `330106` → `330106` (one county).
 */
export function scopePrefixOf(regionCode: string): string {
  if (regionCode.endsWith('0000')) return regionCode.slice(0, 2);
  if (regionCode.endsWith('00')) return regionCode.slice(0, 4);
  return regionCode;
}

/** True when `regionCode` lies inside the area a scope prefix covers. */
export function isWithinScope(regionCode: string, scopePrefix: string): boolean {
  return regionCode.startsWith(scopePrefix);
}

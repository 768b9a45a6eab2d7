/**
 * Whether a region code is in the current list of administrative divisions, from the codes
 * alone: a function that validates codes but never shows a name bundles these 19 KB instead
 * of the 58 KB list with names (region-codes.ts). Same list, same caveats (see there).
 */
import { REGION_CODES } from './regions/data';

const WIDTH = 6;
const COUNT = REGION_CODES.length / WIDTH;

/**
 * True when the code names a region in the current list. Shape checks belong to
 * `REGION_CODE_PATTERN` in region-code.ts; this is the stronger "does it exist" check.
 * A binary search over the sorted fixed-width codes: nothing is parsed at cold start.
 */
export function regionExists(code: string): boolean {
  if (code.length !== WIDTH) return false;
  let low = 0;
  let high = COUNT;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const candidate = REGION_CODES.slice(mid * WIDTH, mid * WIDTH + WIDTH);
    if (candidate === code) return true;
    if (candidate < code) low = mid + 1;
    else high = mid;
  }
  return false;
}

import fc from 'fast-check';
import { checkResidentId, RESIDENT_ID_IN_TEXT, residentIdCheckChar } from '../../shared/domain/resident-id';

/**
 * A checksum-valid, made-up resident ID from its parts: region code, birth date
 * (`YYYY-MM-DD` or `YYYYMMDD`) and three-digit sequence (odd = male).
 */
export function residentIdFor(region: string, birthDate: string, sequence: string): string {
  return completeResidentId(`${region}${birthDate.replaceAll('-', '')}${sequence}`);
}

/** The 17 given digits followed by their check character. */
export const completeResidentId = (first17: string): string => first17 + residentIdCheckChar(first17);

const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(1900, 0, 1);
const LAST_DAY = Date.UTC(2026, 10, 1);

/** Arbitrary valid resident IDs, with the facts each was built from. */
export const validResidentId = fc
  .record({
    region: fc.constantFrom('330106', '510104', '110101'),
    day: fc.integer({ min: 0, max: (LAST_DAY - FIRST_DAY) / DAY_MS }),
    sequence: fc.integer({ min: 0, max: 999 }),
  })
  .map(({ region, day, sequence }) => {
    const birthDate = new Date(FIRST_DAY + day * DAY_MS).toISOString().slice(0, 10);
    const id = residentIdFor(region, birthDate, String(sequence).padStart(3, '0'));
    return { id, region, birthDate, sequence };
  });

/** Every checksum-valid resident ID in a text (grouped or not): for scanning logs. */
export function residentIdsIn(text: string): string[] {
  return [...text.matchAll(RESIDENT_ID_IN_TEXT)]
    .map((m) => m[0].replace(/[ -]/g, '').toUpperCase())
    .filter((id) => checkResidentId(id).ok);
}

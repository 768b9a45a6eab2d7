import { REGION_CODE_PATTERN } from '../../../../shared/domain/region-code';

/** `<region>-<year>-<serial>`, e.g. `330106-2026-000123`. */
export const REGISTRATION_NUMBER_PATTERN = /^\d{6}-\d{4}-\d{6}$/;

const MAX_SERIAL = 999_999;

/**
 * The registration number for the `serial`-th registration of `year` in `region`:
 * `330106-2026-000123`. The serial is zero-padded to six digits so that numbers sort and
 * read uniformly; allocating serials without gaps or repeats is the repository's job.
 *
 * @throws RangeError for a malformed region or year, or a serial outside 1..999999 (the
 *   format has no room for more, and silently widening it would break readers).
 */
export function registrationNumberFor(region: string, year: number, serial: number): string {
  if (!REGION_CODE_PATTERN.test(region))
    throw new RangeError(`Region ${region} is not a 6-digit region code.`);
  if (!Number.isInteger(year) || year < 1000 || year > 9999) {
    throw new RangeError(`Year ${year} is not a four-digit year.`);
  }
  if (!Number.isInteger(serial) || serial < 1 || serial > MAX_SERIAL) {
    throw new RangeError(`Serial ${serial} is outside 1..${MAX_SERIAL} for ${region} in ${year}.`);
  }
  return `${region}-${year}-${String(serial).padStart(6, '0')}`;
}

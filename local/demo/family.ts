import { randomInt } from 'node:crypto';
import { fullRegionName, regionsUnder } from '../../shared/domain/region-codes';
import { residentIdCheckChar } from '../../shared/domain/resident-id';

/**
 * The made-up family of one demo run. Resident IDs are checksum-valid but invented, and new
 * on every run (random birth dates and sequence numbers), so running the demo again against
 * a persisted local cloud never meets the previous run's people.
 */
export interface Family {
  readonly mother: {
    readonly name: string;
    readonly residentId: string;
    readonly birthDate: string;
  };
  readonly child: {
    readonly name: string;
    readonly residentId: string;
    readonly birthDate: string;
  };
  readonly bankAccount: {
    readonly accountNumber: string;
    readonly holderName: string;
    readonly bankCode: string;
  };
}

const SURNAMES = ['李', '王', '张', '刘', '陈', '杨', '黄', '赵'];
const MOTHER_NAMES = ['秀英', '丽', '静', '敏', '燕', '芳'];
const CHILD_NAMES = ['安然', '禾', '一诺', '思源', '可欣', '子墨'];

/** A resident ID from its parts: region, birth date, sequence (odd for men, even for women). */
export function residentIdOf(region: string, birthDate: string, sequence: number): string {
  const first17 = `${region}${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

/** The date `daysAgo` days before `today` (both `YYYY-MM-DD`). */
function daysBefore(today: string, daysAgo: number): string {
  return new Date(Date.parse(`${today}T00:00:00Z`) - daysAgo * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A new family whose hukou is in `hukouRegion`: a mother born 1990–1996 and a daughter born
 * 10–40 days before `today` (the date in China), both with fresh resident IDs.
 */
export function newFamily(hukouRegion: string, today: string): Family {
  const surname = SURNAMES[randomInt(SURNAMES.length)] ?? '李';
  const motherBirth = daysBefore('1996-12-31', randomInt(7 * 365));
  const childBirth = daysBefore(today, 10 + randomInt(31));
  const motherName = `${surname}${MOTHER_NAMES[randomInt(MOTHER_NAMES.length)]}`;
  return {
    mother: {
      name: motherName,
      residentId: residentIdOf(hukouRegion, motherBirth, randomInt(500) * 2),
      birthDate: motherBirth,
    },
    child: {
      name: `${surname}${CHILD_NAMES[randomInt(CHILD_NAMES.length)]}`,
      residentId: residentIdOf(hukouRegion, childBirth, randomInt(500) * 2),
      birthDate: childBirth,
    },
    bankAccount: {
      accountNumber: `622848${String(randomInt(10 ** 12)).padStart(13, '0')}`,
      holderName: motherName,
      bankCode: '999331000002',
    },
  };
}

/** Today's date in China (Asia/Shanghai), `YYYY-MM-DD`: the calendar the services use. */
export function todayInChina(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(now);
}

/**
 * The counties a run may use, in order: batches are one per scheme, period and county, so
 * each run takes a county with no batch of the period yet. `exclude` leaves out prefixes
 * other scenarios use (Hangzhou's 3301 in the end-to-end tests).
 */
export function candidateCounties(province: string, exclude: readonly string[]): string[] {
  return regionsUnder(province)
    .filter((r) => r.level === 'county' && !exclude.some((prefix) => r.code.startsWith(prefix)))
    .map((r) => r.code);
}

/** `浙江省宁波市海曙区 (330203)`. */
export const regionLabel = (code: string): string => `${fullRegionName(code)} (${code})`;

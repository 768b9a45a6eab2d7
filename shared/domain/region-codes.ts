/**
 * The real administrative divisions (县级以上行政区划) behind GB/T 2260 region codes: which
 * codes exist, their names, and the province → prefecture → county chain above each one.
 * region-code.ts knows only the shape of a code and its scope prefixes; this module knows
 * the list. Pure: no I/O and no AWS imports, so any function or test can use it.
 *
 * The list is the Ministry of Civil Affairs one at the end of 2025 (regions/SOURCE.md). It is
 * compiled into regions/data.ts because a Lambda bundle cannot read loose files.
 *
 * Divisions change every year: codes are created, renamed and abolished (500105 江北区 and
 * 500112 渝北区 were abolished in 2025 for 500157 两江新区). A code that was right when a
 * record was written may therefore be missing here. In particular, the first six digits of a
 * resident ID are the region at first registration and never change, so do not reject a
 * resident ID because its region is not in this list.
 */
import { NotFoundError } from './errors';
import { REGION_CODES, REGION_NAMES } from './regions/data';

export type RegionLevel = 'province' | 'prefecture' | 'county';

/** One administrative division. Instances are frozen and shared: never copy-and-mutate them. */
export interface Region {
  /** Six-digit GB/T 2260 code, e.g. `330106`. */
  readonly code: string;
  /** Official name, unabbreviated, e.g. `西湖区`. */
  readonly name: string;
  /**
   * `province` for 省/自治区/直辖市/特别行政区 (`XX0000`); `prefecture` for 地级市, 地区, 自治州
   * and 盟 (`XXXX00`); `county` for 市辖区, 县, 县级市, 旗 and the like (anything else).
   */
  readonly level: RegionLevel;
  /**
   * The code of the region directly above; absent for a province. A county's parent is its
   * prefecture `XXXX00` when that exists, else the province `XX0000`: the districts of the
   * four municipalities and county-level cities directly under a province (e.g. 419001 济源市)
   * have no prefecture.
   */
  readonly parent?: string;
}

interface RegionIndex {
  readonly byCode: ReadonlyMap<string, Region>;
  /** Every region in code order, for prefix ranges. */
  readonly ordered: readonly Region[];
}

/**
 * Built on first use rather than at import: many functions import this module (through the
 * domain layer) but never look a region up, and should not pay for parsing at cold start.
 */
let index: RegionIndex | undefined;

/**
 * Joins the codes and names of data.ts by position. One pass is enough because the
 * generator guarantees code order: `XX0000` and `XXXX00` sort before every code under them,
 * so the last province and prefecture seen are the only candidates for a code's parent.
 * Walking the names with indexOf and keeping those two codes, instead of split() and a map
 * lookup per line, measured clearly faster on a cold start (about 5 ms against 10 ms for
 * 3,212 lines).
 */
function parse(codes: string, names: string): RegionIndex {
  const byCode = new Map<string, Region>();
  const ordered: Region[] = [];
  let province = '';
  let prefecture = '';
  // Names start after the first line break and end with one each.
  let start = names.indexOf('\n') + 1;
  for (let at = 0; at + 6 <= codes.length; at += 6) {
    const code = codes.slice(at, at + 6);
    const end = names.indexOf('\n', start);
    if (end < 0) throw new Error(`region data: no name for ${code}`);
    const name = names.slice(start, end);
    start = end + 1;
    let region: Region;
    if (code.endsWith('0000')) {
      province = code;
      region = { code, name, level: 'province' };
    } else if (code.endsWith('00')) {
      prefecture = code;
      region = { code, name, level: 'prefecture', parent: province };
    } else {
      // No prefecture above (municipality districts, 419001 济源市, …): the province is the parent.
      const parent = prefecture.startsWith(code.slice(0, 4)) ? prefecture : province;
      region = { code, name, level: 'county', parent };
    }
    Object.freeze(region);
    byCode.set(code, region);
    ordered.push(region);
  }
  return { byCode, ordered };
}

function load(): RegionIndex {
  index ??= parse(REGION_CODES, REGION_NAMES);
  return index;
}

/** The region with this code, or `undefined` when the code is not in the current list. */
export function findRegion(code: string): Region | undefined {
  return load().byCode.get(code);
}

/**
 * The region with this code.
 * @throws NotFoundError when the code is not in the current list, so an API answers 404.
 */
export function getRegion(code: string): Region {
  const region = findRegion(code);
  if (!region) {
    throw new NotFoundError({
      en: `No region with code ${JSON.stringify(code)}.`,
      zh: `没有代码为 ${JSON.stringify(code)} 的行政区划。`,
    });
  }
  return region;
}

/** True when the code names a region in the current list (codes only, see region-exists.ts). */
export { regionExists } from './region-exists';

/** True when the code names an existing county-level region (市辖区, 县, 县级市, 旗, …). */
export function isCounty(code: string): boolean {
  return findRegion(code)?.level === 'county';
}

/**
 * The chain from the province down to the region itself: 330106 → [浙江省, 杭州市, 西湖区].
 * It has two entries for a county with no prefecture (110101 → [北京市, 东城区]) and one for
 * a province.
 * @throws NotFoundError when the code is not in the current list.
 */
export function regionPath(code: string): Region[] {
  const path: Region[] = [];
  for (let region: Region | undefined = getRegion(code); region; ) {
    path.unshift(region);
    region = region.parent === undefined ? undefined : findRegion(region.parent);
  }
  return path;
}

/**
 * The names along {@link regionPath} joined as they are written on documents:
 * 330106 → `浙江省杭州市西湖区`, 110101 → `北京市东城区`.
 * @throws NotFoundError when the code is not in the current list.
 */
export function fullRegionName(code: string): string {
  return regionPath(code)
    .map((region) => region.name)
    .join('');
}

/**
 * Every region whose code starts with `prefix`, in code order, the region the prefix names
 * included. Made for the prefixes of `scopePrefixOf` in region-code.ts: `33` gives 浙江省 and
 * everything in it, `3301` gives 杭州市 and its districts, and `''` gives the whole list.
 * Returns a new array each time.
 */
export function regionsUnder(prefix: string): Region[] {
  const { ordered } = load();
  // Codes are fixed-width and sorted, so those with a given prefix form one contiguous run
  // starting at the first code not less than the prefix: find it by binary search.
  let low = 0;
  let high = ordered.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((ordered[mid]?.code ?? '') < prefix) low = mid + 1;
    else high = mid;
  }
  const result: Region[] = [];
  for (let i = low; i < ordered.length; i++) {
    const region = ordered[i];
    if (!region?.code.startsWith(prefix)) break;
    result.push(region);
  }
  return result;
}

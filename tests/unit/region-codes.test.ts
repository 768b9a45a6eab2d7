import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../shared/domain/errors';
import { provinceOf, REGION_CODE_PATTERN, scopePrefixOf } from '../../shared/domain/region-code';
import {
  findRegion,
  fullRegionName,
  getRegion,
  isCounty,
  type Region,
  regionExists,
  regionPath,
  regionsUnder,
} from '../../shared/domain/region-codes';
import { check } from '../../shared/domain/regions/generate';

const regionsDir = new URL('../../shared/domain/regions/', import.meta.url);
const csvBytes = readFileSync(new URL('cn-admin-divisions.csv', regionsDir));

/** The CSV read directly, as an oracle independent of data.ts and its parser. */
const csvRows = csvBytes
  .toString('utf8')
  .trimEnd()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [code = '', name = '', level = '', parent = ''] = line.split(',');
    return { code, name, level, parent };
  });
const csvCodes = new Set(csvRows.map((row) => row.code));
const anyKnownCode = fc.constantFrom(...csvRows.map((row) => row.code));
const RANK = { province: 0, prefecture: 1, county: 2 } as const;
const unknownSixDigits = fc.stringMatching(/^\d{6}$/).filter((code) => !csvCodes.has(code));

describe('the region list', () => {
  it('is the CSV named in SOURCE.md, and data.ts is generated from it', () => {
    const sha256 = createHash('sha256').update(csvBytes).digest('hex');
    expect(readFileSync(new URL('SOURCE.md', regionsDir), 'utf8')).toContain(sha256);
    expect(check()).toEqual({ ok: true });
  });

  it('holds every CSV row with the same name, level and parent, and nothing else', () => {
    expect(csvRows).toHaveLength(3212);
    for (const row of csvRows) {
      const expected: Region = { code: row.code, name: row.name, level: row.level as Region['level'] };
      expect(findRegion(row.code)).toEqual(
        row.parent === '' ? expected : { ...expected, parent: row.parent },
      );
    }
    expect(regionsUnder('').map((region) => region.code)).toEqual(csvRows.map((row) => row.code));
  });

  it.each([
    ['33', 1, 11, 90],
    ['51', 1, 21, 183],
  ])(
    'province %s has %i province, %i prefectures and %i counties',
    (prefix, provinces, prefectures, counties) => {
      const levels = regionsUnder(prefix).map((region) => region.level);
      expect(levels.filter((level) => level === 'province')).toHaveLength(provinces);
      expect(levels.filter((level) => level === 'prefecture')).toHaveLength(prefectures);
      expect(levels.filter((level) => level === 'county')).toHaveLength(counties);
    },
  );
});

describe('every known code', () => {
  it('is six digits and exists', () => {
    fc.assert(
      fc.property(anyKnownCode, (code) => {
        expect(REGION_CODE_PATTERN.test(code)).toBe(true);
        expect(regionExists(code)).toBe(true);
        expect(getRegion(code).code).toBe(code);
      }),
    );
  });

  it('has a path from its province down to itself, each step a parent in scope', () => {
    fc.assert(
      fc.property(anyKnownCode, (code) => {
        const path = regionPath(code);
        expect(path.at(-1)?.code).toBe(code);
        expect(path[0]).toMatchObject({ code: `${provinceOf(code)}0000`, level: 'province' });
        expect(path[0]?.parent).toBeUndefined();
        for (let i = 1; i < path.length; i++) expect(path[i]?.parent).toBe(path[i - 1]?.code);
        expect(fullRegionName(code)).toBe(path.map((region) => region.name).join(''));
      }),
    );
  });

  it('has a parent that exists, is a level up and whose scope contains it', () => {
    fc.assert(
      fc.property(anyKnownCode, (code) => {
        const region = getRegion(code);
        if (region.level === 'province') {
          expect(region.parent).toBeUndefined();
          return;
        }
        const parent = getRegion(region.parent ?? '');
        expect(RANK[parent.level]).toBeLessThan(RANK[region.level]);
        expect(code.startsWith(scopePrefixOf(parent.code))).toBe(true);
        expect(regionsUnder(scopePrefixOf(parent.code))).toContain(region);
        // The nearest existing level up: a county skips to its province only without a prefecture.
        const prefecture = `${code.slice(0, 4)}00`;
        const nearest =
          region.level === 'county' && regionExists(prefecture) ? prefecture : `${provinceOf(code)}0000`;
        expect(parent.code).toBe(nearest);
      }),
    );
  });
});

describe('lookups by name', () => {
  it.each([
    ['330000', '浙江省', 'province'],
    ['330100', '杭州市', 'prefecture'],
    ['330106', '西湖区', 'county'],
    ['510104', '锦江区', 'county'],
    ['500157', '两江新区', 'county'],
  ])('%s is %s (%s)', (code, name, level) => {
    expect(getRegion(code)).toMatchObject({ code, name, level });
  });

  it.each([
    ['330106', '浙江省杭州市西湖区', ['330000', '330100', '330106']],
    ['510104', '四川省成都市锦江区', ['510000', '510100', '510104']],
    ['330100', '浙江省杭州市', ['330000', '330100']],
    ['330000', '浙江省', ['330000']],
    ['110101', '北京市东城区', ['110000', '110101']],
    ['500157', '重庆市两江新区', ['500000', '500157']],
    ['419001', '河南省济源市', ['410000', '419001']],
  ])('%s is %s', (code, name, path) => {
    expect(fullRegionName(code)).toBe(name);
    expect(regionPath(code).map((region) => region.code)).toEqual(path);
  });

  it('does not know codes abolished before the list was made', () => {
    expect(findRegion('500105')).toBeUndefined();
    expect(findRegion('500112')).toBeUndefined();
  });

  it('tells counties from the levels above', () => {
    expect(isCounty('330106')).toBe(true);
    expect(isCounty('110101')).toBe(true);
    expect(isCounty('330100')).toBe(false);
    expect(isCounty('330000')).toBe(false);
    expect(isCounty('500105')).toBe(false);
  });
});

describe('unknown codes', () => {
  it('are not found by any six-digit string outside the list', () => {
    fc.assert(
      fc.property(unknownSixDigits, (code) => {
        expect(findRegion(code)).toBeUndefined();
        expect(regionExists(code)).toBe(false);
        expect(isCounty(code)).toBe(false);
        expect(() => getRegion(code)).toThrow(NotFoundError);
        expect(() => regionPath(code)).toThrow(NotFoundError);
        expect(() => fullRegionName(code)).toThrow(NotFoundError);
      }),
    );
  });

  it.each(['', '33', '3301060', ' 330106', '330106 ', '33010６'])('include malformed input %j', (code) => {
    expect(findRegion(code)).toBeUndefined();
    expect(() => getRegion(code)).toThrow(NotFoundError);
  });
});

describe('regionsUnder', () => {
  it('gives exactly the regions whose code starts with the prefix, in code order', () => {
    const all = regionsUnder('');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.stringMatching(/^\d{0,6}$/),
          anyKnownCode.map((code) => code.slice(0, 4)),
        ),
        (prefix) => {
          expect(regionsUnder(prefix)).toEqual(all.filter((region) => region.code.startsWith(prefix)));
        },
      ),
    );
  });

  it('covers what a Hangzhou scope covers', () => {
    const hangzhou = regionsUnder(scopePrefixOf('330100'));
    expect(hangzhou[0]?.name).toBe('杭州市');
    expect(hangzhou.slice(1).every((region) => region.parent === '330100')).toBe(true);
    expect(hangzhou.map((region) => region.code)).toContain('330106');
  });

  it('returns a fresh array of frozen regions', () => {
    const first = regionsUnder('3301');
    first.length = 0;
    expect(regionsUnder('3301').length).toBeGreaterThan(0);
    expect(Object.isFrozen(getRegion('330106'))).toBe(true);
  });
});

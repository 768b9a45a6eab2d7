import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isWithinScope,
  provinceOf,
  REGION_CODE_PATTERN,
  scopePrefixOf,
} from '../../shared/domain/region-code';

/** Any six-digit code the pattern accepts. */
const regionCode = fc.stringMatching(/^[1-9]\d{5}$/);

describe('REGION_CODE_PATTERN', () => {
  it.each(['330106', '510104', '110101', '330000'])('accepts %s', (code) => {
    expect(REGION_CODE_PATTERN.test(code)).toBe(true);
  });

  it.each(['', '33010', '3301066', '030106', '33O106', ' 330106', '330106\n'])('refuses %j', (code) => {
    expect(REGION_CODE_PATTERN.test(code)).toBe(false);
  });
});

describe('provinceOf', () => {
  it.each([
    ['330106', '33'],
    ['510104', '51'],
    ['110000', '11'],
  ])('%s is in province %s', (code, province) => {
    expect(provinceOf(code)).toBe(province);
  });
});

describe('scopePrefixOf', () => {
  it.each([
    ['330000', '33'],
    ['510000', '51'],
    ['330100', '3301'],
    ['331000', '3310'],
    ['330106', '330106'],
    ['510104', '510104'],
    ['330110', '330110'],
  ])('%s covers the prefix %s', (code, prefix) => {
    expect(scopePrefixOf(code)).toBe(prefix);
  });

  it('is a two-, four- or six-character prefix of the code that covers the code', () => {
    fc.assert(
      fc.property(regionCode, (code) => {
        const prefix = scopePrefixOf(code);
        expect([2, 4, 6]).toContain(prefix.length);
        expect(code.startsWith(prefix)).toBe(true);
        expect(isWithinScope(code, prefix)).toBe(true);
      }),
    );
  });
});

describe('isWithinScope', () => {
  it.each([
    ['330106', '33', true],
    ['331002', '33', true],
    ['330106', '3301', true],
    ['330106', '330106', true],
    ['330206', '3301', false],
    ['330107', '330106', false],
    ['510104', '33', false],
    ['133010', '33', false],
    ['513301', '3301', false],
  ])('%s within %s: %s', (code, prefix, expected) => {
    expect(isWithinScope(code, prefix)).toBe(expected);
  });

  it('a province-wide scope covers every code of that province and none of another', () => {
    fc.assert(
      fc.property(regionCode, regionCode, (code, other) => {
        const provinceScope = scopePrefixOf(`${provinceOf(code)}0000`);
        expect(isWithinScope(code, provinceScope)).toBe(true);
        expect(isWithinScope(other, provinceScope)).toBe(provinceOf(other) === provinceOf(code));
      }),
    );
  });

  it('a prefecture scope covers exactly the codes of that prefecture', () => {
    fc.assert(
      fc.property(regionCode, regionCode, (code, other) => {
        const prefectureScope = scopePrefixOf(`${code.slice(0, 4)}00`);
        if (code.slice(2, 4) === '00') return;
        expect(prefectureScope).toBe(code.slice(0, 4));
        expect(isWithinScope(other, prefectureScope)).toBe(other.slice(0, 4) === code.slice(0, 4));
      }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { regionsUnder } from '../../shared/domain/region-codes';
import { regionExists } from '../../shared/domain/region-exists';
import { REGION_CODES } from '../../shared/domain/regions/data';

describe('regionExists (codes only)', () => {
  const listed = regionsUnder('').map((r) => r.code);

  it('holds exactly the codes of the list with names, in the same order', () => {
    expect(REGION_CODES.match(/\d{6}/g)).toEqual(listed);
    expect(REGION_CODES.length).toBe(listed.length * 6);
  });

  it('finds every listed code, the first and the last included', () => {
    for (const code of listed) expect(regionExists(code), code).toBe(true);
  });

  it('finds no code that is not listed, nor anything not six characters', () => {
    const absent = ['000000', '110100', '500105', '999999', '330107', '11000', '1100000', '', 'abcdef'];
    for (const code of absent) expect(regionExists(code), code).toBe(listed.includes(code));
    expect(regionExists('500105')).toBe(false);
  });
});

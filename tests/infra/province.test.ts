import { describe, expect, it } from 'vitest';
import { PROVINCES, parseProvince } from '../../infra/province';

describe('parseProvince', () => {
  it('accepts GB/T 2260 province codes as strings or numbers', () => {
    expect(parseProvince('33')).toBe('33');
    expect(parseProvince('51')).toBe('51');
    expect(parseProvince(11)).toBe('11');
    expect(Object.keys(PROVINCES)).toHaveLength(34);
  });

  it('rejects a missing value with usage', () => {
    expect(() => parseProvince(undefined)).toThrow(/Missing context "province".*-c province=33/);
    expect(() => parseProvince('')).toThrow(/Missing context/);
  });

  it('rejects values that are not two digits', () => {
    for (const value of ['3', '330', '330106', 'zj', 33.5, true]) {
      expect(() => parseProvince(value)).toThrow(/two-digit GB\/T 2260 province code/);
    }
  });

  it('rejects two-digit codes that are not provinces', () => {
    for (const value of ['00', '10', '24', '99']) {
      expect(() => parseProvince(value)).toThrow(/is not a GB\/T 2260 province code/);
    }
  });
});

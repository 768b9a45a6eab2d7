import { describe, expect, it } from 'vitest';
import { formatYuan } from './money';

describe('amounts in fen shown in yuan', () => {
  it('puts the yuan sign, thousands separators and two decimals', () => {
    expect(formatYuan(123456)).toBe('¥1,234.56');
    expect(formatYuan(0)).toBe('¥0.00');
    expect(formatYuan(5)).toBe('¥0.05');
    expect(formatYuan(100)).toBe('¥1.00');
    expect(formatYuan(1_000_000_00)).toBe('¥1,000,000.00');
  });

  it('keeps the sign of a negative amount and refuses what is not whole fen', () => {
    expect(formatYuan(-1999)).toBe('-¥19.99');
    expect(formatYuan(12.5)).toBe('—');
    expect(formatYuan(Number.NaN)).toBe('—');
  });
});

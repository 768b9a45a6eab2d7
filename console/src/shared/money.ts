const YUAN = new Intl.NumberFormat('zh-CN', {
  style: 'currency',
  currency: 'CNY',
  currencyDisplay: 'symbol',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/**
 * An amount the API gives in integer fen (分), shown in yuan with two decimals and the yuan
 * sign: `123456` → `¥1,234.56`. Fen are divided exactly (no float sum is ever formatted);
 * anything that is not a whole number of fen is shown as a dash.
 */
export function formatYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) return '—';
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = Math.trunc(abs / 100);
  const cents = abs % 100;
  // Whole yuan and cents are formatted apart so amounts beyond 2^53 / 100 stay exact too.
  const text = YUAN.format(whole).replace(/\.00$/, `.${String(cents).padStart(2, '0')}`);
  return `${sign}${text}`;
}

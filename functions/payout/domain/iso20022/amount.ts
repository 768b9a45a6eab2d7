/** Integer fen as an ISO 20022 decimal amount in yuan (`12345` → `123.45`), without floating point. */
export function fenToDecimal(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new Error('amount must be a non-negative integer of fen');
  const yuan = Math.floor(fen / 100);
  return `${yuan}.${String(fen % 100).padStart(2, '0')}`;
}

/** An ISO 20022 decimal amount in yuan as integer fen; throws on more than two decimals. */
export function decimalToFen(decimal: string): number {
  const m = /^(\d{1,16})(?:\.(\d{1,2}))?$/.exec(decimal.trim());
  if (!m) throw new Error(`not an amount: ${decimal}`);
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

import { type BankSimulator, startBankSimulator } from './simulator';

/**
 * The local cloud's bank: one simulator on loopback for all provinces (each names its
 * files by batch id, which never collide). Rates come from `JIAHE_BANK_REJECTION_RATE`
 * and `JIAHE_BANK_RETURN_RATE` (0 to 1, default 0).
 */
export function startLocalBank(): Promise<BankSimulator> {
  const rate = (name: string) => Math.min(1, Math.max(0, Number(process.env[name] ?? 0) || 0));
  return startBankSimulator({
    rejectionRate: rate('JIAHE_BANK_REJECTION_RATE'),
    returnRate: rate('JIAHE_BANK_RETURN_RATE'),
  });
}

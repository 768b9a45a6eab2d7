import type { Debtor } from '../domain/iso20022';

/**
 * EXAMPLE CONFIGURATION — fictitious accounts for development, not real ones.
 *
 * The account each province pays benefits from, named in every payment file. A real
 * deployment loads its own of this shape.
 */
export const EXAMPLE_DEBTORS: Readonly<Record<string, Debtor>> = {
  '33': {
    name: '浙江省计划生育家庭奖励扶助资金专户',
    accountNumber: '1202000009000033001',
    bankCode: '999331000001',
  },
  '51': {
    name: '四川省计划生育家庭奖励扶助资金专户',
    accountNumber: '1202000009000051001',
    bankCode: '999651000001',
  },
};

/** The paying account of a province; a province without one cannot disburse. */
export function debtorOf(province: string): Debtor {
  const debtor = EXAMPLE_DEBTORS[province];
  if (!debtor) throw new Error(`no paying account is configured for province ${province}`);
  return debtor;
}

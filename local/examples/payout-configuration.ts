import type { PayoutConfiguration } from '../../functions/payout/config/deployment';
import { EXAMPLE_SCHEMES } from '../../functions/payout/config/schemes.example';

/**
 * EXAMPLE CONFIGURATION — fictitious accounts for development, not real ones.
 *
 * The account each province pays benefits from, named in every payment file. A real
 * deployment writes its own into its payout configuration (docs/deployment.md).
 */
export const EXAMPLE_DEBTORS: Readonly<Record<string, PayoutConfiguration['debtor']>> = {
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

/**
 * The example payout configuration of a province, for the local cloud and the tests only:
 * the example schemes and a fictitious debtor account (a province without an example
 * account gets Zhejiang's, renamed, so tests may use any province code).
 */
export function examplePayoutConfiguration(province: string): PayoutConfiguration {
  const debtor = EXAMPLE_DEBTORS[province] ?? {
    ...(EXAMPLE_DEBTORS['33'] as PayoutConfiguration['debtor']),
    accountNumber: `12020000090000${province}001`,
  };
  return { province, debtor, schemes: [...EXAMPLE_SCHEMES] };
}

/** The example configuration as the JSON text a deployment would carry. */
export const examplePayoutConfigurationText = (province: string): string =>
  JSON.stringify(examplePayoutConfiguration(province));

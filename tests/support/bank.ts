import type { BankChannelCredentials } from '../../functions/payout/adapters/bank-channel';
import { httpBankRail } from '../../functions/payout/adapters/http-bank-rail';
import type { BankRail } from '../../functions/payout/domain/bank-rail';
import { type BankTrust, certificatesOf } from '../../functions/payout/domain/bank-trust';
import type { BankSimulator } from '../../local/bank/simulator';

export interface BankCustomer {
  readonly channel: BankChannelCredentials;
  /** The real mutual-TLS rail to the simulator, with short pauses between retries. */
  readonly rail: BankRail;
  readonly trust: BankTrust;
}

/** A customer of the simulator: issued a client certificate by its CA, as a province is. */
export async function bankCustomer(simulator: BankSimulator, customer = 'jiahe-test'): Promise<BankCustomer> {
  const channel = await simulator.issueClient(customer);
  return {
    channel,
    rail: httpBankRail({ url: simulator.url, channel, backoffMs: 5, maxBackoffMs: 20 }),
    trust: { bankCa: certificatesOf(channel.bankCa) },
  };
}

import { join } from 'node:path';
import type { SecretName } from '../../shared/manifest';
import { PersistedState } from '../persisted-state';
import { createLocalBankPki, isLocalBankPki, type LocalBankPki } from './certificates';
import { type BankSimulator, startBankSimulator } from './simulator';

interface BankState {
  pki?: LocalBankPki;
  /** Each province's channel secrets, issued by this bank's CA. */
  clients: Record<string, { client: string; ca: string }>;
}

export interface LocalBank {
  readonly simulator: BankSimulator;
  /** The `payout-bank-client` and `payout-bank-ca` secrets of a province, as the bank issued them. */
  channelSecrets(province: string): Promise<Partial<Record<SecretName, string>>>;
  stop(): Promise<void>;
}

/**
 * The local cloud's bank: one simulator on loopback, reached over mutual TLS, for all
 * provinces (each names its files by batch id, which never collide). Its CA and
 * certificates, and each province's client certificate, are generated at the first start
 * and kept with `--persist` (never committed). Rates come from `JIAHE_BANK_REJECTION_RATE`
 * and `JIAHE_BANK_RETURN_RATE` (0 to 1, default 0).
 */
export async function startLocalBank(dataDir?: string): Promise<LocalBank> {
  const state = new PersistedState<BankState>(dataDir ? join(dataDir, 'bank-pki.json') : undefined, () => ({
    clients: {},
  }));
  const current = state.get().pki;
  if (!isLocalBankPki(current)) {
    const pki = await createLocalBankPki();
    state.update((s) => {
      s.pki = pki;
      s.clients = {};
    });
  }
  const rate = (name: string) => Math.min(1, Math.max(0, Number(process.env[name] ?? 0) || 0));
  const simulator = await startBankSimulator({
    rejectionRate: rate('JIAHE_BANK_REJECTION_RATE'),
    returnRate: rate('JIAHE_BANK_RETURN_RATE'),
    ...(state.get().pki ? { pki: state.get().pki as LocalBankPki } : {}),
  });
  return {
    simulator,
    async channelSecrets(province) {
      let issued = state.get().clients[province];
      if (!issued) {
        const channel = await simulator.issueClient(`jiahe-${province}`);
        issued = {
          client: JSON.stringify({ certificate: channel.clientCertificate, privateKey: channel.clientKey }),
          ca: channel.bankCa,
        };
        const value = issued;
        state.update((s) => {
          s.clients[province] = value;
        });
      }
      return { 'payout-bank-client': issued.client, 'payout-bank-ca': issued.ca };
    },
    stop: () => simulator.stop(),
  };
}

import { PROTOCOL_TYPES, VERSION_1_TYPES } from '../functions/exchange/domain/partner';

interface ProvinceAddress {
  readonly province: string;
  readonly url: string;
}

async function call(url: string, init: RequestInit): Promise<unknown> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * Makes every local province a partner of every other, the way operators onboard one in the
 * cloud: fetch the other's published keys from its `/.well-known/jwks.json`, then PUT the
 * partner (both inbox URLs, so they speak version 2; keys; every protocol type both ways) through the operations API with
 * an operator's dev token. Runs at each start, since gateway ports may change between runs;
 * a partner's paused or active state is kept.
 */
export async function registerExchangePartners(
  provinces: readonly ProvinceAddress[],
  log: (source: string, line: string) => void,
  /** `v1` registers only the version 1 inbox (the benchmark compares the two). */
  protocol: 'v1' | 'v2' = 'v2',
): Promise<void> {
  for (const self of provinces) {
    const { token } = (await call(`${self.url}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        sub: 'local-exchange-setup',
        roles: ['exchange-operator'],
        region: `${self.province}0000`,
      }),
    })) as { token: string };
    for (const other of provinces) {
      if (other.province === self.province) continue;
      const jwks = await call(`${other.url}/.well-known/jwks.json`, { method: 'GET' });
      await call(`${self.url}/v1/exchange/partners/${other.province}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          inboxUrl: `${other.url}/exchange/v1/inbox`,
          ...(protocol === 'v2' ? { batchInboxUrl: `${other.url}/exchange/v2/inbox` } : {}),
          jwks,
          inboundTypes: protocol === 'v2' ? PROTOCOL_TYPES : VERSION_1_TYPES,
          outboundTypes: protocol === 'v2' ? PROTOCOL_TYPES : VERSION_1_TYPES,
        }),
      });
      log(`p${self.province}`, `exchange partner ${other.province} registered (${protocol})`);
    }
  }
}

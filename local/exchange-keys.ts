import { keySetText, parseKeySet } from '../functions/exchange/domain/key-set';
import { generateSigningKey } from '../functions/exchange/domain/signing';

/**
 * The local stand-in for a province's `exchange-signing-keys` secret: one fresh Ed25519 key,
 * valid from now with no end, in the key-set format the exchange loads in the cloud.
 */
export function localSigningKeySet(province: string): string {
  const kid = `p${province}-local-${new Date().toISOString().slice(0, 10)}`;
  return keySetText([generateSigningKey(kid).signing]);
}

/** Whether a persisted value is a usable key set (older local data held random hex here). */
export function isSigningKeySet(value: string | undefined): boolean {
  if (!value) return false;
  try {
    parseKeySet(value);
    return true;
  } catch {
    return false;
  }
}

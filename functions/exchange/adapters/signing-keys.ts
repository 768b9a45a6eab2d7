import { loadSecret } from '../../../shared/aws/secrets';
import { parseKeySet } from '../domain/key-set';
import type { SigningKey } from '../domain/signing';

/**
 * This province's signing keys, from the `exchange-signing-keys` secret (Secrets Manager,
 * KMS-encrypted, in the cloud). A missing or malformed key set fails the cold start with a
 * message naming the problem, never the keys.
 */
export async function loadSigningKeys(): Promise<SigningKey[]> {
  return parseKeySet(await loadSecret('exchange-signing-keys'));
}

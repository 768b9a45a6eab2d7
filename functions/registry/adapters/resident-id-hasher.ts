import { createHmac } from 'node:crypto';
import type { ResidentIdHasher } from '../domain/ports';

/**
 * HMAC-SHA256 under a secret key: the same ID always hashes the same (so it can key a
 * lookup) but the hash cannot be reversed by enumerating the ID space without the key.
 */
export function hmacResidentIdHasher(key: string): ResidentIdHasher {
  if (key.length < 32) throw new Error('resident ID hash key is too short');
  return { hash: (residentId) => createHmac('sha256', key).update(residentId).digest('base64url') };
}

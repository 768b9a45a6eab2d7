import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** Encrypts single fields (resident IDs, bank accounts) before they are stored, and decrypts them on read. */
export interface FieldCipher {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
}

const PREFIX = 'enc:v1:';

/**
 * AES-256-GCM under a key derived from a secret (Secrets Manager in the cloud). Each value
 * gets a fresh 96-bit IV; the tag makes tampering detectable. Table-level KMS encryption
 * protects the disk; this keeps resident IDs and accounts unreadable to anyone who can read items.
 */
export function aesGcmFieldCipher(secret: string): FieldCipher {
  if (secret.length < 32) throw new Error('field encryption secret is too short');
  const key = createHash('sha256').update(secret).digest();
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    decrypt(stored) {
      if (!stored.startsWith(PREFIX)) throw new Error('not an encrypted field');
      const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

import * as z from 'zod';
import { isValidAt, publicJwkOf, type SigningKey } from './signing';

/**
 * This province's signing keys, as kept in the `exchange-signing-keys` secret: a JWKS of
 * private Ed25519 keys, each with an optional validity window (`nbf`/`exp`, seconds since
 * the epoch, as published). During a rotation the set holds the old and the new key with
 * overlapping windows; every key valid now signs.
 */
export const PrivateKeySet = z.object({
  keys: z
    .array(
      z.object({
        kid: z.string().regex(/^[\w.-]{1,64}$/),
        kty: z.literal('OKP'),
        crv: z.literal('Ed25519'),
        x: z.string().regex(/^[\w-]{43}$/),
        d: z.string().regex(/^[\w-]{43}$/),
        nbf: z.number().int().nonnegative().optional(),
        exp: z.number().int().positive().optional(),
      }),
    )
    .min(1),
});
export type PrivateKeySet = z.infer<typeof PrivateKeySet>;

export class InvalidKeySetError extends Error {
  constructor(detail: string) {
    super(`exchange-signing-keys is not a valid key set: ${detail}`);
    this.name = 'InvalidKeySetError';
  }
}

/**
 * Reads the secret's text into signing keys. Fails with a message that names the problem
 * (but never the key material) when it is not JSON, not a key set, has repeated `kid`s or a
 * `x` that is not the public half of its `d`, so a misconfigured deployment stops at cold start.
 */
export function parseKeySet(text: string): SigningKey[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidKeySetError('not JSON');
  }
  const parsed = PrivateKeySet.safeParse(json);
  if (!parsed.success) {
    throw new InvalidKeySetError(
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
  }
  const kids = new Set<string>();
  return parsed.data.keys.map((k) => {
    if (kids.has(k.kid)) throw new InvalidKeySetError(`kid ${k.kid} appears twice`);
    kids.add(k.kid);
    const privateKey = { kty: k.kty, crv: k.crv, x: k.x, d: k.d } as const;
    let derived: string;
    try {
      derived = publicJwkOf(privateKey).x;
    } catch {
      throw new InvalidKeySetError(`key ${k.kid} is not an Ed25519 private key`);
    }
    if (derived !== k.x) throw new InvalidKeySetError(`key ${k.kid}: x is not the public half of d`);
    return {
      kid: k.kid,
      privateKey,
      ...(k.nbf !== undefined && { notBefore: new Date(k.nbf * 1000).toISOString() }),
      ...(k.exp !== undefined && { notAfter: new Date(k.exp * 1000).toISOString() }),
    };
  });
}

/** The keys that sign at `now`: every key in its window (two during a rotation's overlap). */
export function activeSigningKeys(keys: readonly SigningKey[], now: Date): SigningKey[] {
  const active = keys.filter((key) => isValidAt(key, now));
  if (active.length === 0) throw new InvalidKeySetError(`no key is valid at ${now.toISOString()}`);
  return active;
}

/** A key set's secret text for keys made by `generateSigningKey` (local cloud, tests). */
export function keySetText(keys: readonly SigningKey[]): string {
  return JSON.stringify({
    keys: keys.map((key) => {
      if (!('d' in key.privateKey)) throw new TypeError('only JWK keys can be written to a key set');
      const { kty, crv, x, d } = key.privateKey;
      return {
        kid: key.kid,
        kty,
        crv,
        x,
        d,
        ...(key.notBefore !== undefined && { nbf: Math.floor(Date.parse(key.notBefore) / 1000) }),
        ...(key.notAfter !== undefined && { exp: Math.floor(Date.parse(key.notAfter) / 1000) }),
      };
    }),
  });
}

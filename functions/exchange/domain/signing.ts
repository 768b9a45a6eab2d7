import {
  createPrivateKey,
  createPublicKey,
  sign as edSign,
  verify as edVerify,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';

/**
 * Message signatures: Standard Webhooks headers (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`) with the asymmetric scheme `v1a`, Ed25519 over
 * `<webhook-id>.<webhook-timestamp>.<raw body>`, base64-encoded. During a key rotation the
 * sender signs with several keys and the header holds one `v1a,<signature>` entry per key,
 * separated by spaces; the receiver accepts the message if any entry verifies with any of
 * the sender's currently valid keys. Each province publishes its public keys as a JWKS.
 */

export const SIGNATURE_SCHEME = 'v1a';
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A public Ed25519 key as a JWK (RFC 8037): `{ kty: 'OKP', crv: 'Ed25519', x }`. */
export interface Ed25519PublicJwk {
  readonly kty: 'OKP';
  readonly crv: 'Ed25519';
  /** The 32-byte public key, base64url. */
  readonly x: string;
}

/** A private Ed25519 key as a JWK: the public part plus `d`, the 32-byte seed, base64url. */
export interface Ed25519PrivateJwk extends Ed25519PublicJwk {
  readonly d: string;
}

/** A key this province signs with. `notBefore`/`notAfter` are published in the JWKS. */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: Ed25519PrivateJwk | KeyObject;
  readonly notBefore?: string;
  readonly notAfter?: string;
}

/** A partner's public key, used only while `notBefore <= now < notAfter`. */
export interface VerificationKey {
  readonly kid: string;
  readonly publicKey: Ed25519PublicJwk;
  readonly notBefore?: string;
  readonly notAfter?: string;
}

/** What is signed: the message id, the Unix time in seconds, and the exact body bytes sent. */
export interface SignableMessage {
  readonly id: string;
  readonly timestamp: number | string;
  readonly body: string;
}

export type SignatureHeaders = {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
};

export type VerifyFailure = 'missing-headers' | 'timestamp-out-of-window' | 'bad-signature' | 'no-valid-key';
export type VerifyResult = { ok: true; keyId: string } | { ok: false; reason: VerifyFailure };

/** The string that is signed: `${id}.${timestamp}.${body}`. */
export const signedContent = (id: string, timestamp: number | string, body: string): string =>
  `${id}.${timestamp}.${body}`;

/** Unix time in whole seconds, as `webhook-timestamp` carries it. */
export const unixSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** The `webhook-signature` header value: one `v1a,<base64>` entry per key, space-separated. */
export function sign(message: SignableMessage, keys: readonly SigningKey[]): string {
  if (keys.length === 0) throw new RangeError('at least one signing key is needed');
  const data = Buffer.from(signedContent(message.id, message.timestamp, message.body), 'utf8');
  return keys
    .map(
      (key) =>
        `${SIGNATURE_SCHEME},${edSign(null, data, privateKeyObject(key.privateKey)).toString('base64')}`,
    )
    .join(' ');
}

/** All three Standard Webhooks headers for a message. */
export function signatureHeaders(message: SignableMessage, keys: readonly SigningKey[]): SignatureHeaders {
  return {
    'webhook-id': message.id,
    'webhook-timestamp': String(message.timestamp),
    'webhook-signature': sign(message, keys),
  };
}

/**
 * Checks a received message. Headers are looked up case-insensitively. In order: the three
 * headers must be present (and the timestamp an integer), the timestamp within
 * `toleranceSeconds` of `now` either way, at least one candidate key valid at `now`, and
 * one `v1a` entry must verify with one of those keys. Entries of other schemes (such as
 * the HMAC `v1`) and malformed entries are skipped.
 */
export function verify(
  headers: Readonly<Record<string, string | undefined>>,
  body: string,
  candidateKeys: readonly VerificationKey[],
  now: Date,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
): VerifyResult {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signature = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signature || !/^\d{1,15}$/.test(timestamp)) {
    return { ok: false, reason: 'missing-headers' };
  }
  if (Math.abs(unixSeconds(now) - Number(timestamp)) > toleranceSeconds) {
    return { ok: false, reason: 'timestamp-out-of-window' };
  }
  const usable = candidateKeys.filter((key) => isValidAt(key, now));
  if (usable.length === 0) return { ok: false, reason: 'no-valid-key' };

  const data = Buffer.from(signedContent(id, timestamp, body), 'utf8');
  for (const entry of signature.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== SIGNATURE_SCHEME) continue;
    const bytes = Buffer.from(entry.slice(comma + 1), 'base64');
    if (bytes.length !== 64) continue;
    for (const key of usable) {
      const publicKey = publicKeyObject(key.publicKey);
      if (publicKey && edVerify(null, data, publicKey, bytes)) return { ok: true, keyId: key.kid };
    }
  }
  return { ok: false, reason: 'bad-signature' };
}

/** Whether `now` lies in the key's validity window `[notBefore, notAfter)`. */
export function isValidAt(key: { notBefore?: string; notAfter?: string }, now: Date): boolean {
  const t = now.getTime();
  if (key.notBefore !== undefined && !(Date.parse(key.notBefore) <= t)) return false;
  if (key.notAfter !== undefined && !(t < Date.parse(key.notAfter))) return false;
  return true;
}

/** One entry of a published JWKS. */
export interface PublishedJwk extends Ed25519PublicJwk {
  readonly kid: string;
  readonly use: 'sig';
  readonly alg: 'EdDSA';
  /** Seconds since the epoch, from `notBefore`. */
  readonly nbf?: number;
  /** Seconds since the epoch, from `notAfter`. */
  readonly exp?: number;
}

/**
 * The public JWKS a province publishes at `/.well-known/jwks.json`. Only `kty`, `crv` and
 * `x` of each key are copied (a private key's public half is derived), so `d` never leaks.
 */
export function jwks(keys: readonly (SigningKey | VerificationKey)[]): { keys: PublishedJwk[] } {
  return {
    keys: keys.map((key) => {
      const pub = 'publicKey' in key ? key.publicKey : publicJwkOf(key.privateKey);
      const entry: PublishedJwk = {
        kty: 'OKP',
        crv: 'Ed25519',
        x: pub.x,
        kid: key.kid,
        use: 'sig',
        alg: 'EdDSA',
      };
      return {
        ...entry,
        ...(key.notBefore !== undefined && { nbf: Math.floor(Date.parse(key.notBefore) / 1000) }),
        ...(key.notAfter !== undefined && { exp: Math.floor(Date.parse(key.notAfter) / 1000) }),
      };
    }),
  };
}

/**
 * Reads a partner's published JWKS into verification keys, skipping entries that are not
 * Ed25519 signing keys. `nbf`/`exp` become `notBefore`/`notAfter`.
 */
export function verificationKeysFromJwks(set: unknown): VerificationKey[] {
  const entries = (set as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(entries)) return [];
  const keys: VerificationKey[] = [];
  for (const raw of entries) {
    const k = raw as Record<string, unknown>;
    if (k.kty !== 'OKP' || k.crv !== 'Ed25519' || typeof k.x !== 'string' || typeof k.kid !== 'string')
      continue;
    if (k.use !== undefined && k.use !== 'sig') continue;
    if (k.alg !== undefined && k.alg !== 'EdDSA' && k.alg !== 'Ed25519') continue;
    keys.push({
      kid: k.kid,
      publicKey: { kty: 'OKP', crv: 'Ed25519', x: k.x },
      ...(typeof k.nbf === 'number' && { notBefore: new Date(k.nbf * 1000).toISOString() }),
      ...(typeof k.exp === 'number' && { notAfter: new Date(k.exp * 1000).toISOString() }),
    });
  }
  return keys;
}

/** A fresh key pair, for local development and tests (the cloud loads keys from Secrets Manager). */
export function generateSigningKey(
  kid: string,
  window: { notBefore?: string; notAfter?: string } = {},
): { signing: SigningKey; verification: VerificationKey } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' }) as unknown as Ed25519PrivateJwk;
  const privateJwk: Ed25519PrivateJwk = { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d };
  return {
    signing: { kid, privateKey: privateJwk, ...window },
    verification: { kid, publicKey: publicJwkOf(privateJwk), ...window },
  };
}

/** The public half of a private key, as a JWK with only `kty`, `crv` and `x`. */
export function publicJwkOf(privateKey: Ed25519PrivateJwk | KeyObject): Ed25519PublicJwk {
  const jwk = createPublicKey(privateKeyObject(privateKey)).export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new TypeError('not an Ed25519 key');
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
}

function header(headers: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const direct = headers[name];
  if (direct !== undefined) return direct.trim();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && value !== undefined) return value.trim();
  }
  return undefined;
}

const privateCache = new WeakMap<object, KeyObject>();
const publicCache = new WeakMap<object, KeyObject | null>();

function privateKeyObject(key: Ed25519PrivateJwk | KeyObject): KeyObject {
  if (!isJwk(key)) return key;
  let object = privateCache.get(key);
  if (!object) {
    object = createPrivateKey({ key: { kty: key.kty, crv: key.crv, x: key.x, d: key.d }, format: 'jwk' });
    if (object.asymmetricKeyType !== 'ed25519') throw new TypeError('signing keys must be Ed25519');
    privateCache.set(key, object);
  }
  return object;
}

/** A partner's key as a KeyObject, or null if the JWK is not a usable Ed25519 public key. */
function publicKeyObject(jwk: Ed25519PublicJwk): KeyObject | null {
  const cached = publicCache.get(jwk);
  if (cached !== undefined) return cached;
  let object: KeyObject | null = null;
  try {
    const candidate = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' });
    if (candidate.asymmetricKeyType === 'ed25519') object = candidate;
  } catch {
    object = null;
  }
  publicCache.set(jwk, object);
  return object;
}

function isJwk(key: Ed25519PrivateJwk | KeyObject): key is Ed25519PrivateJwk {
  return typeof (key as Ed25519PrivateJwk).d === 'string';
}

import { randomBytes } from 'node:crypto';

/** Crockford base32, the ULID alphabet (no I, L, O, U). */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const ULID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * A ULID: 48-bit millisecond time then 80 random bits, so ids sort by creation time and
 * can be generated anywhere without coordination.
 */
export function newUlid(now: number = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let random = '';
  for (let i = 0; i < 16; i++) random += ALPHABET[(bytes[i] ?? 0) % 32];
  return time + random;
}

/**
 * A ULID made from its inputs: the time, then 80 bits of `seed` (a digest). The same inputs
 * make the same id, for what must be recognised when it is made again.
 */
export function ulidFrom(now: number, seed: Uint8Array): string {
  if (seed.length < 16) throw new RangeError('a ULID seed has at least 16 bytes');
  let tail = '';
  for (let i = 0; i < 16; i++) tail += ALPHABET[(seed[i] ?? 0) % 32];
  // The time part as newUlid writes it.
  return newUlid(now).slice(0, 10) + tail;
}

import { createHmac } from 'node:crypto';

/**
 * A person reference that provinces can share: HMAC-SHA256 of the resident ID under a key
 * every province holds (the `person-ref-key` secret), base64url without padding, 43
 * characters. Two provinces compute the same reference for the same person, so messages
 * between them name people without carrying a resident ID; without the key the reference
 * cannot be turned back into the ID. Sensitive all the same: never log one.
 */
export const PERSON_REF_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The cross-province reference of a resident ID (upper-case `X` either way). */
export function personRefOf(key: string, residentId: string): string {
  if (key.length < 32) throw new Error('person reference key is too short');
  return createHmac('sha256', key).update(residentId.toUpperCase()).digest('base64url');
}

import { createHash } from 'node:crypto';

/** Lower-case hex SHA-256 of a string (UTF-8) or raw bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Canonical JSON (docs/exchange-protocol.md §11.1): object members sorted by name (UTF-16
 * code units, recursively), no whitespace, strings and numbers as `JSON.stringify` writes
 * them, `undefined` members dropped as it does. Two equal values always give the same text,
 * so the text can be hashed. Objects are written member by member because a JavaScript
 * object lists integer-like names (`"0"`, `"42"`) first whatever order they were added in.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item) ?? 'null').join(',')}]`;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const members: string[] = [];
    for (const name of Object.keys(value).sort()) {
      const member = canonicalJson((value as Record<string, unknown>)[name]);
      if (member !== undefined) members.push(`${JSON.stringify(name)}:${member}`);
    }
    return `{${members.join(',')}}`;
  }
  // undefined (and functions) give undefined, as with JSON.stringify: left out by the caller.
  return JSON.stringify(value);
}

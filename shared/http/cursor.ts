import { HttpError } from './problem';

type Key = Record<string, string | number>;

/** An opaque pagination cursor: the last key of a page, base64url-encoded JSON. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

/**
 * Reads a cursor back; anything that is not a flat object of strings and numbers is a 400.
 * A cursor only positions a page inside the same query, so a forged one reveals nothing.
 */
export function decodeCursor(cursor: string | undefined): Key | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      key &&
      typeof key === 'object' &&
      !Array.isArray(key) &&
      Object.values(key).every((v) => typeof v === 'string' || typeof v === 'number')
    ) {
      return key as Key;
    }
  } catch {
    // fall through to the refusal below
  }
  throw new HttpError(400, 'invalid-cursor', 'Invalid Cursor', 'The cursor is not one this API returned.');
}

/** A page of a list answer: its items, and `nextCursor` only when more follow. */
export function pageBody<T>(items: readonly T[], nextCursor: string | undefined) {
  return nextCursor === undefined ? { items } : { items, nextCursor };
}

import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { HttpError } from './problem';

type Key = Record<string, string | number>;

/**
 * A page position inside one query: the last key of a page, base64url-encoded JSON. Used
 * inside an area (repositories, batch loops); it never leaves the API unsealed.
 */
export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

/** The answer to any cursor this API did not seal for this route, caller and query. */
export const invalidCursor = () =>
  new HttpError(400, 'invalid-cursor', 'Invalid Cursor', 'The cursor is not one this API returned.');

/**
 * Reads a page position back; anything that is not a flat object of strings and numbers is
 * a 400 `invalid-cursor`.
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
  throw invalidCursor();
}

/** The filters of a list query that a cursor is bound to (undefined filters are left out). */
export type CursorFilters = Readonly<Record<string, string | number | boolean | undefined>>;

/** What a sealed cursor is bound to: the route, the caller and the query's filters. */
export interface CursorBinding {
  /** The route key, e.g. `GET /v1/enrollments`. */
  readonly route: string;
  /** The caller: subject, and the region they were scoped to when the page was read. */
  readonly caller: string;
  readonly filters: CursorFilters;
}

/** Seals and opens the cursors of one request, already bound to its route and caller. */
export interface PageCursors {
  /**
   * The page position a request's cursor names (undefined on a first page). Throws 400
   * `invalid-cursor` unless this API sealed it for this route, this caller and these filters.
   */
  open(cursor: string | undefined, filters: CursorFilters): string | undefined;
  /** The cursor of the next page for a position (undefined when no page follows). */
  seal(position: string | undefined, filters: CursorFilters): string | undefined;
}

const VERSION = 'c1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The associated data a cursor is bound to: filters in a fixed order, undefined ones dropped. */
function boundData(binding: CursorBinding): Buffer {
  const filters = Object.entries(binding.filters)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify([VERSION, binding.route, binding.caller, filters]), 'utf8');
}

/**
 * Cursors sealed with AES-256-GCM under a key derived from a secret (`cursor-key`): the
 * position inside is unreadable (no table keys, no logins), and the tag covers the route,
 * the caller and the filters as associated data, so a cursor replayed with another filter,
 * by another caller, on another route or altered in any byte fails to open: 400
 * `invalid-cursor`, never a database error.
 */
export function cursorSealer(secret: string) {
  if (secret.length < 32) throw new Error('cursor secret is too short');
  const key = createHash('sha256').update('jiahe-cursor-v1\0').update(secret).digest();
  return {
    seal(position: string | undefined, binding: CursorBinding): string | undefined {
      if (position === undefined) return undefined;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(boundData(binding));
      const body = Buffer.concat([cipher.update(position, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    open(cursor: string | undefined, binding: CursorBinding): string | undefined {
      if (cursor === undefined) return undefined;
      const raw = Buffer.from(cursor, 'base64url');
      if (raw.length <= IV_BYTES + TAG_BYTES || raw.toString('base64url') !== cursor) throw invalidCursor();
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
        decipher.setAAD(boundData(binding));
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([
          decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        throw invalidCursor();
      }
    },
  };
}
export type CursorSealer = ReturnType<typeof cursorSealer>;

/** The cursors of one request: the sealer bound to the request's route and caller. */
export function pageCursors(sealer: CursorSealer, route: string, caller: string): PageCursors {
  return {
    open: (cursor, filters) => sealer.open(cursor, { route, caller, filters }),
    seal: (position, filters) => sealer.seal(position, { route, caller, filters }),
  };
}

/** A page of a list answer: its items, and `nextCursor` only when more follow. */
export function pageBody<T>(items: readonly T[], nextCursor: string | undefined) {
  return nextCursor === undefined ? { items } : { items, nextCursor };
}

/** One page of a list read whole, and the position after it when more follow. */
export interface ListPage<T> {
  readonly items: T[];
  readonly next?: string;
}

/**
 * A page of a list that is read whole and put in order in memory (a family's own lists are
 * gathered from a few keys and stay short): the `limit` items whose keys follow `after` in
 * the list's order. The position is the key of the last item shown, so an item added or
 * removed between pages neither repeats nor hides another. `items` must already be sorted by
 * `keyOf` in the given direction, keys unique.
 */
export function pageOfList<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  order: 'ascending' | 'descending',
  limit: number,
  after?: string,
): ListPage<T> {
  const follows = (key: string) => after === undefined || (order === 'ascending' ? key > after : key < after);
  const rest = items.filter((item) => follows(keyOf(item)));
  const page = rest.slice(0, limit);
  const last = page[page.length - 1];
  return rest.length > limit && last !== undefined ? { items: page, next: keyOf(last) } : { items: page };
}

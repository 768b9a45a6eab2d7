/** Whom an access-log search is about: one staff member's reads, or the entries about one person. */
export type AccessLogSubject = 'staff' | 'personId';

/** A staff login subject as the API takes it: printable ASCII, no spaces, at most 128 characters. */
const STAFF = /^[\x21-\x7e]{1,128}$/;
/** A person's id: a ULID (Crockford base 32, 26 characters). */
const PERSON_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** The access-log query: exactly one of `staff` and `personId`, as the API requires. */
export type AccessLogQuery = { readonly staff: string } | { readonly personId: string };

/**
 * The query for what the auditor entered, tidied (spaces trimmed, a person's id upper-cased),
 * or undefined while it is not a valid staff subject or person id.
 */
export function accessLogQuery(by: AccessLogSubject, entered: string): AccessLogQuery | undefined {
  const value = entered.trim();
  if (by === 'staff') return STAFF.test(value) ? { staff: value } : undefined;
  const id = value.toUpperCase();
  return PERSON_ID.test(id) ? { personId: id } : undefined;
}

/** The query the address holds (`?staff=` or `?personId=`; staff first when both), if valid. */
export function accessLogQueryFrom(search: URLSearchParams): AccessLogQuery | undefined {
  const staff = search.get('staff');
  if (staff !== null) return accessLogQuery('staff', staff);
  const personId = search.get('personId');
  return personId !== null ? accessLogQuery('personId', personId) : undefined;
}

/**
 * A key for one entry: the same read can name several persons (one request, one `readId`),
 * so an entry is the person, the instant and the read together, as the log keys it.
 */
export const entryKey = (entry: { personId: string; at: string; readId: string }): string =>
  `${entry.personId}#${entry.at}#${entry.readId}`;

import { eventSource } from '../../../shared/events/envelope';
import type { PersonDataRead, PersonRead, StaffRead } from '../../../shared/events/person-data-read';

/**
 * One staff read of one person's data (the model is Estonia's Data Tracker): who read, in
 * which role and region, through which route and record, why and when. Appended once, never
 * changed or deleted by anyone; kept for ACCESS_LOG_RETENTION_YEARS, then expired.
 */
export interface AccessEntry extends StaffRead {
  readonly personId: string;
  readonly record: string;
  /** The record's regions when it was read (what put it in the reader's scope). */
  readonly regions: readonly string[];
}

/** How long access entries are kept (docs/registry.md): long enough for any complaint or review. */
export const ACCESS_LOG_RETENTION_YEARS = 5;

/** When an entry read at `at` expires, in epoch seconds (the table's TTL attribute). */
export function accessEntryExpiry(at: string): number {
  const expiry = new Date(at);
  expiry.setUTCFullYear(expiry.getUTCFullYear() + ACCESS_LOG_RETENTION_YEARS);
  return Math.floor(expiry.getTime() / 1000);
}

/**
 * The entries of one read: one per person it exposed (a list showing a person twice still
 * read that person once), each naming the first record the person was read through.
 */
export function accessEntriesOf(read: StaffRead, reads: readonly PersonRead[]): AccessEntry[] {
  const byPerson = new Map<string, AccessEntry>();
  for (const { personId, record, regions } of reads) {
    if (!byPerson.has(personId))
      byPerson.set(personId, { ...read, personId, record, regions: [...new Set(regions)] });
  }
  return [...byPerson.values()];
}

/** A person-data-read event that did not come from this province's payout area. */
export class ForeignAccessEventError extends Error {
  constructor(source: string) {
    super(`access events are taken from this province's payout area only, not from ${source}`);
    this.name = 'ForeignAccessEventError';
  }
}

/**
 * The entries payout's staff read produced, as its event tells them. Only this province's
 * payout area may add to the log this way: an event from any other source is refused (it
 * fails, and rests in the DLQ), so no partner can write into a family's log.
 */
export function accessEntriesOfPayoutEvent(
  event: { source: string; data: PersonDataRead },
  province: string,
): AccessEntry[] {
  if (event.source !== eventSource(province, 'payout')) throw new ForeignAccessEventError(event.source);
  const { reads, ...read } = event.data;
  return accessEntriesOf(read, reads);
}

/** A page of entries, newest first, and the position after it when more follow. */
export interface AccessPage {
  readonly items: AccessEntry[];
  readonly next?: string;
}

/** The access log: append-only. There is no way to change or remove an entry. */
export interface AccessLog {
  /** Appends entries; one already there (a redelivered event) is left exactly as it was. */
  append(entries: readonly AccessEntry[]): Promise<void>;
  /** Entries about any of these persons, newest first, merged into one order. */
  ofPersons(personIds: readonly string[], limit: number, after?: string): Promise<AccessPage>;
  /** Entries of one staff member's reads, newest first. */
  ofStaff(subject: string, limit: number, after?: string): Promise<AccessPage>;
}

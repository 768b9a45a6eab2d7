import * as z from 'zod';
import { eventSource } from '../../../shared/events/envelope';
import { type PersonDataRead, PersonRead, StaffRead } from '../../../shared/events/person-data-read';
import { isActive, type Mandate } from './mandate';

/**
 * What an entry records: a staff `read` of a person's data, or a mandate to act for the person
 * (or held by them) being recorded or revoked, which changes who may act for that family.
 */
export const ACCESS_ACTIONS = ['read', 'mandate-recorded', 'mandate-revoked'] as const;
export const AccessAction = z.enum(ACCESS_ACTIONS);
export type AccessAction = z.infer<typeof AccessAction>;

/** The two actions on a mandate: it is recorded once and revoked at most once. */
export const MandateAction = z.enum(['mandate-recorded', 'mandate-revoked']);
export type MandateAction = z.infer<typeof MandateAction>;

/**
 * An entry a member of staff made (the model is Estonia's Data Tracker): who, in which role
 * and region, through which route and record, why and when; a read, or a mandate recorded or
 * revoked at the counter (record `mandate/<mandateId>`).
 */
export const StaffAccessEntry = StaffRead.extend(PersonRead.shape).extend({
  actor: z.literal('staff'),
  action: AccessAction,
});
export type StaffAccessEntry = z.infer<typeof StaffAccessEntry>;

/**
 * A mandate one of the two people it concerns recorded or revoked in the app. It says which
 * of the two acted (`person`: the one acted for, who authorised; `holder`: the one who may
 * act) and never who logged in: no login subject, no resident ID.
 */
export const PartyAccessEntry = PersonRead.extend({
  readId: StaffRead.shape.readId,
  at: StaffRead.shape.at,
  route: StaffRead.shape.route,
  actor: z.enum(['person', 'holder']),
  action: MandateAction,
});
export type PartyAccessEntry = z.infer<typeof PartyAccessEntry>;

/**
 * One entry of a person's access log, keyed by the person, `at` and `readId` (the request's
 * id for a read; for a mandate action, the id of the event the mandate's version publishes,
 * so the entry's key follows from the mandate and writing it again changes nothing).
 * Appended once, never changed or deleted by anyone; kept for ACCESS_LOG_RETENTION_YEARS,
 * then expired.
 */
export const AccessEntry = z.discriminatedUnion('actor', [StaffAccessEntry, PartyAccessEntry]);
export type AccessEntry = z.infer<typeof AccessEntry>;

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
export function accessEntriesOf(read: StaffRead, reads: readonly PersonRead[]): StaffAccessEntry[] {
  const byPerson = new Map<string, StaffAccessEntry>();
  for (const { personId, record, regions } of reads) {
    if (!byPerson.has(personId)) {
      byPerson.set(personId, {
        ...read,
        actor: 'staff',
        action: 'read',
        personId,
        record,
        regions: [...new Set(regions)],
      });
    }
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

/**
 * Who recorded or revoked a mandate: a member of staff at the counter (as `staffReadOf`
 * describes them, without the request's own id and time), or one of the mandate's two
 * people in the app.
 */
export type MandateActor =
  | { readonly actor: 'staff'; readonly staff: Omit<StaffRead, 'readId' | 'at'> }
  | { readonly actor: 'person' | 'holder'; readonly route: string };

/** Which of a mandate's two people a person is, or undefined for anyone else. */
export function partyOf(mandate: Mandate, personId: string | undefined): 'person' | 'holder' | undefined {
  if (personId === undefined) return undefined;
  if (personId === mandate.personId) return 'person';
  if (personId === mandate.holderPersonId) return 'holder';
  return undefined;
}

/**
 * The entries a mandate's latest change leaves: one in the log of the person it lets another
 * act for and one in the holder's, so both families see that someone was given (or lost) the
 * right to act for them, who did it, when and which mandate. Both follow from the mandate's
 * version (its event id and time), so a retried write of the same change makes the same keys
 * and the log keeps one of each.
 */
export function mandateAccessEntries(
  mandate: Mandate,
  by: MandateActor,
  regions: { readonly person: readonly string[]; readonly holder: readonly string[] },
): AccessEntry[] {
  const action: MandateAction = isActive(mandate) ? 'mandate-recorded' : 'mandate-revoked';
  const at = mandate.revokedAt ?? mandate.recordedAt;
  const record = `mandate/${mandate.mandateId}`;
  const of = (personId: string, personRegions: readonly string[]): AccessEntry => {
    const about = {
      readId: mandate.eventId,
      at,
      action,
      personId,
      record,
      regions: [...new Set(personRegions)],
    };
    return by.actor === 'staff'
      ? { ...by.staff, ...about, actor: 'staff' }
      : { ...about, actor: by.actor, route: by.route };
  };
  return [of(mandate.personId, regions.person), of(mandate.holderPersonId, regions.holder)];
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
  /** Entries of one staff member's reads and mandate actions, newest first. */
  ofStaff(subject: string, limit: number, after?: string): Promise<AccessPage>;
}

import * as z from 'zod';
import { ULID_PATTERN } from '../domain/ids';
import { REGION_CODE_PATTERN, REGION_PREFIX_PATTERN } from '../domain/region-code';

export const PERSON_DATA_READ = 'cn.gov.jiahe.access.person-data-read.v1';

/**
 * Why a staff member read a person's data, as the access log shows it to the family. Taken
 * from the `Access-Purpose` request header; each route has a default (docs/api-conventions.md).
 * - `counter-service`: serving the family at the counter (registration, certificates, records)
 * - `payout-review`: reviewing an enrolment, planning or paying a batch
 * - `audit`: an auditor's review of records and of staff work
 * - `data-quality`: checking and correcting recorded data (logic audit, duplicates)
 */
export const ACCESS_PURPOSES = ['counter-service', 'payout-review', 'audit', 'data-quality'] as const;
export const AccessPurpose = z.enum(ACCESS_PURPOSES);
export type AccessPurpose = z.infer<typeof AccessPurpose>;

/** One person a read exposed, the record it was read through and that record's regions. */
export const PersonRead = z.object({
  personId: z.string().regex(ULID_PATTERN),
  /** What was read, e.g. `enrollment/01J…` or `payout-batch/01J…/payment-file`; never a resident ID. */
  record: z.string().min(1).max(200),
  /** The regions (hukou, residence) that put the record in the reader's scope. */
  regions: z.array(z.string().regex(REGION_CODE_PATTERN)).max(4),
});
export type PersonRead = z.infer<typeof PersonRead>;

/** Who read, when, through which route and why: the same for every person of one read. */
export const StaffRead = z.object({
  /** Unique per request: with the person it makes the access entry's key. */
  readId: z.string().regex(ULID_PATTERN),
  at: z.iso.datetime(),
  /** The staff member's login subject. */
  subject: z.string().min(1).max(128),
  role: z.enum(['registrar', 'payout-officer', 'payout-approver', 'auditor', 'exchange-operator']),
  /** The staff member's region prefix when they read. */
  region: z.string().regex(REGION_PREFIX_PATTERN).optional(),
  /** The route key, e.g. `GET /v1/person-facts/{personId}`. */
  route: z.string().min(1).max(200),
  purpose: AccessPurpose,
});
export type StaffRead = z.infer<typeof StaffRead>;

/** Most persons one event names: a bulk read (a payment file) is sent in several events. */
export const MAX_READS_PER_EVENT = 100;

/**
 * Staff of another area read persons' data (payout: enrolments, person facts, payment lines,
 * the payment file). The registry, which owns persons, appends one access entry per person
 * to the person's access log. Names persons by person id only.
 */
export const PersonDataRead = StaffRead.extend({
  reads: z.array(PersonRead).min(1).max(MAX_READS_PER_EVENT),
});
export type PersonDataRead = z.infer<typeof PersonDataRead>;

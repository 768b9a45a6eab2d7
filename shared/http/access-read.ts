import type { Clock } from '../domain/clock';
import { ValidationError } from '../domain/errors';
import { ACCESS_PURPOSES, AccessPurpose, type PersonRead, StaffRead } from '../events/person-data-read';
import type { ApiRequest } from './request';

/** The request header naming why staff read a person's data (values: ACCESS_PURPOSES). */
export const ACCESS_PURPOSE_HEADER = 'access-purpose';

/**
 * The purpose of a staff read: the `Access-Purpose` header when given (422 when it is not one
 * of the documented values, before anything is read), else `audit` for an auditor, else the
 * route's own default.
 */
export function accessPurposeOf(request: ApiRequest, routeDefault: AccessPurpose): AccessPurpose {
  const given = request.headers[ACCESS_PURPOSE_HEADER];
  if (given !== undefined) {
    const parsed = AccessPurpose.safeParse(given.trim());
    if (!parsed.success) {
      throw new ValidationError(`Access-Purpose must be one of: ${ACCESS_PURPOSES.join(', ')}.`, [
        { field: 'header.access-purpose', message: `must be one of ${ACCESS_PURPOSES.join(', ')}` },
      ]);
    }
    return parsed.data;
  }
  return roleOfRead(request) === 'auditor' ? 'audit' : routeDefault;
}

/** The staff role a read is made in: the first of the caller's roles the route admits. */
function roleOfRead(request: ApiRequest): StaffRead['role'] | undefined {
  const staffRole = StaffRead.shape.role;
  for (const role of request.principal.roles) {
    const parsed = staffRole.safeParse(role);
    if (parsed.success && request.route.roles.includes(role)) return parsed.data;
  }
  return undefined;
}

/**
 * Who reads, in which role and region, through which route, why and when: the part of an
 * access entry that is the same for every person one request exposes. Undefined for a
 * caller who is not staff (a citizen's own reads are not logged as staff reads).
 */
export function staffReadOf(
  request: ApiRequest,
  routeDefault: AccessPurpose,
  read: { readId: string; at: Date },
): StaffRead | undefined {
  const role = roleOfRead(request);
  if (!role) return undefined;
  const { subject, scopePrefix } = request.principal;
  return {
    readId: read.readId,
    at: read.at.toISOString(),
    subject,
    role,
    ...(scopePrefix ? { region: scopePrefix } : {}),
    route: `${request.route.method} ${request.route.path}`,
    purpose: accessPurposeOf(request, routeDefault),
  };
}

/** Where the staff reads of one area go: the registry's access log, or an event to it. */
export interface AccessSink {
  /** Stores or sends the read before the answer leaves, so no answered read goes unrecorded. */
  record(read: StaffRead, reads: readonly PersonRead[]): Promise<void>;
}

/**
 * Records what a staff request exposed: one entry per person, awaited before the route
 * answers (a failure to record is a failed request, never an unrecorded read). Citizens'
 * reads of their own family are not staff reads and are not recorded.
 */
export function readRecorder(sink: AccessSink, clock: Clock, newId: () => string) {
  return async (request: ApiRequest, routeDefault: AccessPurpose, reads: readonly PersonRead[]) => {
    const read = staffReadOf(request, routeDefault, { readId: newId(), at: clock.now() });
    if (!read || reads.length === 0) return;
    await sink.record(read, reads);
  };
}
export type ReadRecorder = ReturnType<typeof readRecorder>;

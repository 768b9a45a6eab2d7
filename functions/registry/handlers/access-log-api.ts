import { tableName } from '../../../shared/aws/config';
import { documentClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { loadSecret } from '../../../shared/aws/secrets';
import { type Clock, systemClock } from '../../../shared/domain/clock';
import { NotFoundError } from '../../../shared/domain/errors';
import { newUlid } from '../../../shared/domain/ids';
import { personRefOf } from '../../../shared/domain/person-ref';
import { readRecorder } from '../../../shared/http/access-read';
import { apiHandler } from '../../../shared/http/api-handler';
import { coversRecord, requireRegionScope } from '../../../shared/http/auth';
import { pageBody } from '../../../shared/http/cursor';
import { type FamilyDirectory, familyOfCitizen } from '../../../shared/http/family-scope';
import { json, parseWith } from '../../../shared/http/request';
import { functionSpec } from '../../../shared/manifest';
import type { Observability } from '../../../shared/observability';
import { dynamoAccessLog } from '../adapters/access-log-repository';
import { dynamoHouseholdRepository } from '../adapters/household-repository';
import { dynamoMandateRepository } from '../adapters/mandate-repository';
import { dynamoPersonRepository } from '../adapters/person-repository';
import type { AccessEntry, AccessLog } from '../domain/access-log';
import { accessEntriesOf } from '../domain/access-log';
import { registryFamilyDirectory } from '../domain/family-directory';
import { regionsOf } from '../domain/person';
import type { PersonRefOf, PersonRepository } from '../domain/ports';
import { registryManifest } from '../manifest';
import {
  type AccessEntryView,
  AccessLogQuery,
  type FamilyAccessEntryView,
  MyAccessLogQuery,
} from '../schemas';

const FUNCTION = 'registry-access-log-api';

export interface AccessLogApiDeps {
  readonly accessLog: AccessLog;
  readonly persons: PersonRepository;
  /**
   * Family ties as the registry records them: a citizen sees the reads of everyone they may
   * act for (shared/http/family-scope.ts), mandates included.
   */
  readonly family: FamilyDirectory;
  /** Turns a citizen's verified resident ID into their person reference at the edge. */
  readonly personRefOf: PersonRefOf;
  readonly clock?: Clock;
  readonly newId?: () => string;
  readonly cursorSecret?: string;
  readonly observability?: Observability;
}

/**
 * An entry as the family sees it: what happened (a read, a mandate recorded or revoked), who
 * did it (a member of staff, or which of a mandate's two people in the app), when, through
 * which route and record. The same staff fields a read shows, nothing more.
 */
const familyView = (e: AccessEntry): FamilyAccessEntryView => ({
  at: e.at,
  personId: e.personId,
  action: e.action,
  actor: e.actor,
  ...(e.actor === 'staff'
    ? { staff: e.subject, role: e.role, ...(e.region ? { region: e.region } : {}), purpose: e.purpose }
    : {}),
  // Staff change mandates at the counter; the two people concerned, in the app.
  ...(e.action === 'read' ? {} : { channel: e.actor === 'staff' ? 'counter' : 'app' }),
  route: e.route,
  record: e.record,
});
/** An entry as an auditor sees it: the family's view, the request's id and the record's regions. */
const auditView = (e: AccessEntry): AccessEntryView => ({
  ...familyView(e),
  readId: e.readId,
  regions: [...e.regions],
});
/**
 * "Who read my record": a citizen lists the staff reads of their family's data and the
 * mandates recorded or revoked for or by them, newest first; an auditor lists the entries of
 * one staff member (their reads and mandate actions) or about one person, inside the
 * auditor's region. An auditor's look at the log is itself a read of those persons, and is
 * recorded like any other.
 */
export function buildAccessLogApi(deps: AccessLogApiDeps) {
  const clock = deps.clock ?? systemClock;
  const record = readRecorder(
    { record: async (read, reads) => deps.accessLog.append(accessEntriesOf(read, reads)) },
    clock,
    deps.newId ?? (() => newUlid(clock.now().getTime())),
  );

  return apiHandler({
    service: FUNCTION,
    routes: functionSpec(registryManifest, FUNCTION).routes ?? [],
    observability: deps.observability,
    ...(deps.cursorSecret ? { cursorSecret: deps.cursorSecret } : {}),
    identity: { personRefOf: deps.personRefOf },
    handlers: {
      'GET /v1/me/access-log': async (request) => {
        const { query } = request;
        const { cursor, limit } = parseWith(MyAccessLogQuery, query, 'query');
        const after = request.cursors.open(cursor, {});
        const family = await familyOfCitizen(request.principal, deps.family, clock);
        if (family.members.size === 0) return json(200, pageBody([], undefined));
        const page = await deps.accessLog.ofPersons([...family.members.keys()], limit, after);
        return json(200, pageBody(page.items.map(familyView), request.cursors.seal(page.next, {})));
      },
      'GET /v1/access-log': async (request) => {
        const { query } = request;
        const { staff, personId, cursor, limit } = parseWith(AccessLogQuery, query, 'query');
        const filters = { staff, personId };
        const after = request.cursors.open(cursor, filters);
        if (personId !== undefined) {
          const stored = await deps.persons.find(personId);
          if (!stored) throw new NotFoundError('No person with this id.');
          requireRegionScope(request.principal, regionsOf(stored.person));
          const page = await deps.accessLog.ofPersons([personId], limit, after);
          await record(request, 'audit', [
            { personId, record: `access-log/${personId}`, regions: regionsOf(stored.person) },
          ]);
          return json(200, pageBody(page.items.map(auditView), request.cursors.seal(page.next, filters)));
        }
        // The query schema admits exactly one of personId and staff: here it is staff.
        const page = await deps.accessLog.ofStaff(staff ?? '', limit, after);
        // Only entries about records inside the auditor's region; a page may then hold fewer items.
        const items = page.items.filter((e) => coversRecord(request.principal, e.regions));
        await record(
          request,
          'audit',
          items.map((e) => ({
            personId: e.personId,
            record: `access-log/${e.personId}`,
            regions: [...e.regions],
          })),
        );
        return json(200, pageBody(items.map(auditView), request.cursors.seal(page.next, filters)));
      },
    },
  });
}

export const handler = initOnce(async () => {
  const db = documentClient();
  const table = tableName('registry');
  const [refKey, cursorSecret] = await Promise.all([loadSecret('person-ref-key'), loadSecret('cursor-key')]);
  const persons = dynamoPersonRepository(db, table);
  return buildAccessLogApi({
    accessLog: dynamoAccessLog(db, table),
    persons,
    family: registryFamilyDirectory({
      persons,
      households: dynamoHouseholdRepository(db, table),
      mandates: dynamoMandateRepository(db, table),
    }),
    personRefOf: (residentId) => personRefOf(refKey, residentId),
    cursorSecret,
  });
});

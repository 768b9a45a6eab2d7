import { tableName } from '../../../shared/aws/config';
import { documentClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { loadSecret } from '../../../shared/aws/secrets';
import { beijingDate, type Clock, systemClock } from '../../../shared/domain/clock';
import { ConflictError, NotFoundError, ValidationError } from '../../../shared/domain/errors';
import { ageOn, type FamilyRelation } from '../../../shared/domain/family';
import { newUlid } from '../../../shared/domain/ids';
import { personRefOf } from '../../../shared/domain/person-ref';
import { normaliseResidentId } from '../../../shared/domain/resident-id';
import type { PersonRead } from '../../../shared/events/person-data-read';
import { readRecorder, staffReadOf } from '../../../shared/http/access-read';
import { apiHandler } from '../../../shared/http/api-handler';
import { type Principal, requireRegionScope } from '../../../shared/http/auth';
import { pageBody, pageOfList } from '../../../shared/http/cursor';
import { type CitizenFamily, familyOfCitizen, notInYourFamily } from '../../../shared/http/family-scope';
import { type ApiRequest, json, parseJsonBody, parseWith } from '../../../shared/http/request';
import { functionSpec } from '../../../shared/manifest';
import type { Observability } from '../../../shared/observability';
import { dynamoAccessLog } from '../adapters/access-log-repository';
import { dynamoHouseholdRepository } from '../adapters/household-repository';
import { dynamoMandateRepository } from '../adapters/mandate-repository';
import { dynamoPersonRepository } from '../adapters/person-repository';
import {
  type AccessLog,
  accessEntriesOf,
  type MandateActor,
  mandateAccessEntries,
  partyOf,
} from '../domain/access-log';
import type { HouseholdRepository } from '../domain/birth-registration-ports';
import { registryFamilyDirectory } from '../domain/family-directory';
import { deriveFamilyType, type Household } from '../domain/household';
import {
  ELDERLY_AGE,
  isActive,
  type Mandate,
  type MandateKind,
  type MandateRepository,
  recordMandate,
  revokeMandate,
} from '../domain/mandate';
import { type Person, regionsOf } from '../domain/person';
import type { PersonRefOf, PersonRepository } from '../domain/ports';
import { registryManifest } from '../manifest';
import {
  AuthoriseRelativeRequest,
  MandateParams,
  MyListQuery,
  PersonIdParams,
  PersonMandateParams,
  RecordMandateRequest,
  RevokeMandateRequest,
} from '../schemas';

const FUNCTION = 'registry-family-api';

export interface FamilyApiDeps {
  readonly persons: PersonRepository;
  readonly households: HouseholdRepository;
  readonly mandates: MandateRepository;
  /**
   * Every staff read of a person's mandates is appended here for each person it names. (A
   * mandate's own changes are listed too, written with the mandate: MandateRepository.)
   */
  readonly accessLog: AccessLog;
  readonly personRefOf: PersonRefOf;
  readonly clock?: Clock;
  readonly newId?: () => string;
  readonly cursorSecret?: string;
  readonly observability?: Observability;
}

/** A family member as the family sees them: the resident ID masked, no bookkeeping. */
const memberView = (person: Person, relation?: FamilyRelation) => ({
  personId: person.personId,
  ...(relation ? { relation } : {}),
  name: person.name,
  residentIdMasked: person.residentIdMasked,
  sex: person.sex,
  birthDate: person.birthDate,
  hukouRegion: person.hukouRegion,
  residenceRegion: person.residenceRegion,
  alive: person.alive,
});

/** A household as its own members see it: members and the derived family type. */
const householdView = (household: Household) => ({
  householdId: household.householdId,
  familyType: deriveFamilyType(household.members),
  members: household.members.map(({ registrationId: _r, ...member }) => member),
  updatedAt: household.updatedAt,
});

/** A mandate as the two people it concerns (and staff) see it. */
const mandateView = (mandate: Mandate, names: ReadonlyMap<string, string>, forStaff: boolean) => ({
  mandateId: mandate.mandateId,
  kind: mandate.kind,
  personId: mandate.personId,
  ...(names.get(mandate.personId) ? { personName: names.get(mandate.personId) } : {}),
  holderPersonId: mandate.holderPersonId,
  ...(names.get(mandate.holderPersonId) ? { holderName: names.get(mandate.holderPersonId) } : {}),
  channel: mandate.channel,
  status: isActive(mandate) ? 'active' : 'revoked',
  recordedAt: mandate.recordedAt,
  ...(mandate.revokedAt ? { revokedAt: mandate.revokedAt } : {}),
  ...(forStaff
    ? {
        recordedBy: mandate.recordedBy,
        ...(mandate.reason ? { reason: mandate.reason } : {}),
        ...(mandate.revokedBy ? { revokedBy: mandate.revokedBy } : {}),
        ...(mandate.revocationReason ? { revocationReason: mandate.revocationReason } : {}),
      }
    : {}),
  version: mandate.version,
});

/**
 * A family's own view of the register and the mandates that let one person act for
 * another. Citizens see themselves (masked), the family they may act for and their
 * household, and an elderly parent may authorise one of their children (and revoke it).
 * Registrars record guardians and counter authorisations, and revoke them, for persons of
 * their region. Every citizen answer is bounded by the one family check
 * (shared/http/family-scope.ts).
 */
export function buildFamilyApi(deps: FamilyApiDeps) {
  const clock = deps.clock ?? systemClock;
  const newId = deps.newId ?? (() => newUlid(clock.now().getTime()));
  const directory = registryFamilyDirectory(deps);
  const recordRead = readRecorder(
    { record: async (read, reads) => deps.accessLog.append(accessEntriesOf(read, reads)) },
    clock,
    newId,
  );

  const namesOf = async (personIds: readonly string[]): Promise<Map<string, string>> => {
    const found = await Promise.all([...new Set(personIds)].map((id) => deps.persons.find(id)));
    return new Map(found.flatMap((s) => (s ? [[s.person.personId, s.person.name] as const] : [])));
  };
  const mandateViews = async (mandates: readonly Mandate[], forStaff: boolean) => {
    const names = await namesOf(mandates.flatMap((m) => [m.personId, m.holderPersonId]));
    return mandates.map((m) => mandateView(m, names, forStaff));
  };
  /** The person a resident ID names, by its reference; undefined when none is recorded. */
  const personNamed = async (residentId: string) =>
    (await deps.persons.findByPersonRef(deps.personRefOf(normaliseResidentId(residentId))))?.person;

  const selfOf = async (family: CitizenFamily): Promise<Person> => {
    const stored = family.self ? await deps.persons.find(family.self) : undefined;
    if (!stored) {
      throw new NotFoundError({
        zh: '户籍登记中没有与您实名身份对应的记录，请到窗口办理。',
        en: 'No record in the register carries your verified identity; please visit a counter.',
      });
    }
    return stored.person;
  };

  /**
   * The holder must be one of the parent's recorded children (anyone else gets the one
   * answer for "not in your family"), and the parent 60 or over.
   */
  const checkAuthorisation = async (parent: Person, holder: Person | undefined, today: string) => {
    const household = await deps.households.findByMember(parent.personId);
    const isParent = household?.members.some(
      (m) => m.personId === parent.personId && (m.role === 'mother' || m.role === 'father'),
    );
    const isChild = household?.members.some((m) => m.role === 'child' && m.personId === holder?.personId);
    if (!holder || !isParent || !isChild) throw notInYourFamily();
    if (ageOn(parent.birthDate, today) < ELDERLY_AGE) {
      throw new ValidationError(`A parent may authorise a relative from the age of ${ELDERLY_AGE}.`, [
        { field: 'age', message: `must be ${ELDERLY_AGE} or over` },
      ]);
    }
  };

  /**
   * Who changes a mandate in this request, as both persons' access logs will name them: the
   * member of staff at the counter, or (in the app) which of the mandate's two people acted,
   * never their login or resident ID. `self` is the signed-in citizen's person.
   */
  const actorOf = (request: ApiRequest, mandate: Mandate, self?: string): MandateActor => {
    const at = new Date(mandate.revokedAt ?? mandate.recordedAt);
    const staff = staffReadOf(request, 'counter-service', { readId: mandate.eventId, at });
    if (staff) return { actor: 'staff', staff };
    const party = partyOf(mandate, self);
    // The routes admit registrars and the mandate's two people only: anything else is a wiring fault.
    if (!party) throw new Error('a mandate is changed by staff or by one of its two people');
    return { actor: party, route: `${request.route.method} ${request.route.path}` };
  };

  const regionsOfParties = async (mandate: Mandate) => {
    const [person, holder] = await Promise.all([
      deps.persons.find(mandate.personId),
      deps.persons.find(mandate.holderPersonId),
    ]);
    return {
      person: person ? regionsOf(person.person) : [],
      holder: holder ? regionsOf(holder.person) : [],
    };
  };

  const record = async (
    request: ApiRequest,
    person: Person,
    holder: Person,
    kind: MandateKind,
    channel: 'counter' | 'app',
    reason?: string,
  ) => {
    const mandate = recordMandate({
      mandateId: newId(),
      kind,
      personId: person.personId,
      holderPersonId: holder.personId,
      channel,
      recordedBy: request.principal.subject,
      recordedAt: clock.now().toISOString(),
      ...(reason ? { reason } : {}),
      eventId: newId(),
    });
    const standing = (await deps.mandates.givenFor(person.personId)).filter(
      (m) => isActive(m) && m.holderPersonId === holder.personId && m.kind === kind,
    );
    if (standing.length > 0) throw new ConflictError('This mandate is already recorded and stands.');
    const entries = mandateAccessEntries(mandate, actorOf(request, mandate, person.personId), {
      person: regionsOf(person),
      holder: regionsOf(holder),
    });
    await deps.mandates.add(mandate, entries);
    return mandate;
  };

  const revoke = async (request: ApiRequest, mandate: Mandate, reason?: string, self?: string) => {
    const next = revokeMandate(
      mandate,
      request.principal.subject,
      clock.now().toISOString(),
      newId(),
      reason,
    );
    const entries = mandateAccessEntries(next, actorOf(request, next, self), await regionsOfParties(next));
    await deps.mandates.save(next, mandate.version, entries);
    return next;
  };

  const personInScope = async (principal: Principal, personId: string): Promise<Person> => {
    const stored = await deps.persons.find(personId);
    if (!stored) throw new NotFoundError('No person with this id.');
    requireRegionScope(principal, regionsOf(stored.person));
    return stored.person;
  };

  return apiHandler({
    service: FUNCTION,
    routes: functionSpec(registryManifest, FUNCTION).routes ?? [],
    observability: deps.observability,
    ...(deps.cursorSecret ? { cursorSecret: deps.cursorSecret } : {}),
    identity: { personRefOf: deps.personRefOf },
    handlers: {
      'GET /v1/me': async ({ principal }) => {
        const family = await familyOfCitizen(principal, directory, clock);
        const self = await selfOf(family);
        const others = [...family.members].filter(([id]) => id !== self.personId);
        const found = await Promise.all(others.map(([id]) => deps.persons.find(id)));
        return json(200, {
          person: memberView(self),
          family: found.flatMap((s, i) => (s ? [memberView(s.person, others[i]?.[1])] : [])),
        });
      },
      'GET /v1/me/household': async ({ principal, query, cursors }) => {
        const { cursor, limit } = parseWith(MyListQuery, query, 'query');
        const after = cursors.open(cursor, {});
        // A list of households, like every list, paged by household id; today a person
        // belongs to one household at most. A household's members come whole with it.
        const family = await familyOfCitizen(principal, directory, clock);
        const household = family.self ? await deps.households.findByMember(family.self) : undefined;
        const page = pageOfList(
          household ? [household] : [],
          (h) => h.householdId,
          'ascending',
          limit,
          after,
        );
        return json(200, pageBody(page.items.map(householdView), cursors.seal(page.next, {})));
      },
      'GET /v1/me/mandates': async ({ principal, query, cursors }) => {
        const { cursor, limit } = parseWith(MyListQuery, query, 'query');
        const after = cursors.open(cursor, {});
        const family = await familyOfCitizen(principal, directory, clock);
        if (!family.self) return json(200, pageBody([], undefined));
        const [given, held] = await Promise.all([
          deps.mandates.givenFor(family.self),
          deps.mandates.heldBy(family.self),
        ]);
        // Given and held in one list in the order they were recorded (mandate ids are ULIDs);
        // no mandate is both, since no one holds a mandate for themselves.
        const all = [
          ...given.map((mandate) => ({ mandate, side: 'given' as const })),
          ...held.map((mandate) => ({ mandate, side: 'held' as const })),
        ].sort((a, b) => (a.mandate.mandateId < b.mandate.mandateId ? -1 : 1));
        const page = pageOfList(all, (m) => m.mandate.mandateId, 'ascending', limit, after);
        const names = await namesOf(page.items.flatMap(({ mandate: m }) => [m.personId, m.holderPersonId]));
        const items = page.items.map(({ mandate, side }) => ({
          ...mandateView(mandate, names, false),
          side,
        }));
        return json(200, pageBody(items, cursors.seal(page.next, {})));
      },
      'POST /v1/me/mandates': async (request) => {
        const { event } = request;
        const body = parseJsonBody(event, AuthoriseRelativeRequest);
        const family = await familyOfCitizen(request.principal, directory, clock);
        const self = await selfOf(family);
        const holder = await personNamed(body.holderResidentId);
        await checkAuthorisation(self, holder, beijingDate(clock.now()));
        const mandate = await record(request, self, holder as Person, 'authorised-relative', 'app');
        return json(201, (await mandateViews([mandate], false))[0], { location: '/v1/me/mandates' });
      },
      'POST /v1/me/mandates/{mandateId}/actions/revoke': async (request) => {
        const { mandateId } = parseWith(MandateParams, request.pathParameters, 'path');
        const { event } = request;
        const body = parseJsonBody(event, RevokeMandateRequest);
        const family = await familyOfCitizen(request.principal, directory, clock);
        const mandate = await deps.mandates.find(mandateId);
        // Only the two people it concerns may see it; anyone else gets the one answer.
        const party = mandate && (mandate.personId === family.self || mandate.holderPersonId === family.self);
        if (!mandate || !family.self || !party) throw notInYourFamily();
        if (mandate.kind === 'guardian') {
          throw new ConflictError('A guardianship is ended at the counter, on the decision that ends it.');
        }
        const next = await revoke(request, mandate, body.reason, family.self);
        return json(200, (await mandateViews([next], false))[0]);
      },
      'POST /v1/persons/{personId}/mandates': async (request) => {
        const { personId } = parseWith(PersonIdParams, request.pathParameters, 'path');
        const { event } = request;
        const body = parseJsonBody(event, RecordMandateRequest);
        const person = await personInScope(request.principal, personId);
        const holder = await personNamed(body.holderResidentId);
        if (!holder) throw new NotFoundError('No person with that resident ID is recorded.');
        if (body.kind === 'authorised-relative') {
          await checkAuthorisation(person, holder, beijingDate(clock.now()));
        }
        const mandate = await record(request, person, holder, body.kind, 'counter', body.reason);
        return json(201, (await mandateViews([mandate], true))[0], {
          location: `/v1/persons/${personId}/mandates`,
        });
      },
      'GET /v1/persons/{personId}/mandates': async (request) => {
        const { personId } = parseWith(PersonIdParams, request.pathParameters, 'path');
        const person = await personInScope(request.principal, personId);
        const [given, held] = await Promise.all([
          deps.mandates.givenFor(personId),
          deps.mandates.heldBy(personId),
        ]);
        // The answer names the person and the other party of each mandate: each is a read.
        const others = [
          ...new Set([...given, ...held].flatMap((m) => [m.personId, m.holderPersonId])),
        ].filter((id) => id !== personId);
        const found = await Promise.all(others.map((id) => deps.persons.find(id)));
        const reads: PersonRead[] = [person, ...found.flatMap((s) => (s ? [s.person] : []))].map((p) => ({
          personId: p.personId,
          record: `person/${personId}/mandates`,
          regions: regionsOf(p),
        }));
        await recordRead(request, 'counter-service', reads);
        return json(200, { given: await mandateViews(given, true), held: await mandateViews(held, true) });
      },
      'POST /v1/persons/{personId}/mandates/{mandateId}/actions/revoke': async (request) => {
        const { personId, mandateId } = parseWith(PersonMandateParams, request.pathParameters, 'path');
        const { event } = request;
        const body = parseJsonBody(event, RevokeMandateRequest);
        await personInScope(request.principal, personId);
        const mandate = await deps.mandates.find(mandateId);
        if (!mandate || mandate.personId !== personId)
          throw new NotFoundError('No such mandate for this person.');
        if (!body.reason) {
          throw new ValidationError('A reason is required.', [
            { field: 'body.reason', message: 'is required' },
          ]);
        }
        const next = await revoke(request, mandate, body.reason);
        return json(200, (await mandateViews([next], true))[0]);
      },
    },
  });
}

export const handler = initOnce(async () => {
  const db = documentClient();
  const table = tableName('registry');
  const [refKey, cursorSecret] = await Promise.all([loadSecret('person-ref-key'), loadSecret('cursor-key')]);
  return buildFamilyApi({
    persons: dynamoPersonRepository(db, table),
    households: dynamoHouseholdRepository(db, table),
    mandates: dynamoMandateRepository(db, table),
    accessLog: dynamoAccessLog(db, table),
    personRefOf: (residentId) => personRefOf(refKey, residentId),
    cursorSecret,
  });
});

import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { province as provinceOfDeployment, tableName } from '../../../shared/aws/config';
import { documentClient, dynamoDbClient } from '../../../shared/aws/dynamodb';
import { idempotencyStore } from '../../../shared/aws/idempotency-store';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { loadSecret } from '../../../shared/aws/secrets';
import { fieldEnvelope } from '../../../shared/crypto/field-envelope';
import { fieldKeyringsFromEnvironment } from '../../../shared/crypto/field-keys';
import { beijingDate, type Clock, systemClock } from '../../../shared/domain/clock';
import { NotFoundError } from '../../../shared/domain/errors';
import type { FamilyRelation } from '../../../shared/domain/family';
import { newUlid } from '../../../shared/domain/ids';
import { personRefOf } from '../../../shared/domain/person-ref';
import { normaliseResidentId } from '../../../shared/domain/resident-id';
import { type AccessSink, readRecorder } from '../../../shared/http/access-read';
import { apiHandler } from '../../../shared/http/api-handler';
import { type Principal, requireRegionScope, requireRole, scopedRegion } from '../../../shared/http/auth';
import { pageBody, pageOfList } from '../../../shared/http/cursor';
import { familyOfCitizen, requireFamilyMember } from '../../../shared/http/family-scope';
import { idempotentPosts } from '../../../shared/http/idempotency';
import { etagOf, json, parseJsonBody, parseWith, requireIfMatch } from '../../../shared/http/request';
import { functionSpec } from '../../../shared/manifest';
import type { Observability } from '../../../shared/observability';
import { payoutAccessEvents } from '../adapters/access-events';
import { sealedBankAccounts } from '../adapters/bank-account-vault';
import { dynamoBatchRepository } from '../adapters/batch-repository';
import { dynamoClaimRegisterRepository } from '../adapters/claim-register-repository';
import { dynamoEnrollmentRepository } from '../adapters/enrollment-repository';
import { dynamoOutboxRepository } from '../adapters/outbox-repository';
import { dynamoProjectionRepository } from '../adapters/projection-repository';
import { getScheme } from '../config/schemes';
import {
  accountChangeStart,
  accountHistoryOf,
  type CitizenCaller,
  confirmAccountChange,
  confirmOwnAccountChange,
  isOwnEnrollment,
  rejectAccountChange,
  requestAccountChange,
} from '../domain/account-change';
import { retypedFingerprint, sealBankAccount } from '../domain/bank-account';
import { loadBeneficiaryFacts } from '../domain/beneficiary';
import { claimService } from '../domain/claim-service';
import { reverseDeathNoticeSuspension } from '../domain/death-notice';
import { applyForBenefit } from '../domain/enroll';
import { applyStaffAction, type Enrollment } from '../domain/enrollment';
import { projectionFamilyDirectory } from '../domain/family-directory';
import { nextExpectedPayment } from '../domain/next-payment';
import type { PersonFacts } from '../domain/person-facts';
import type {
  BankAccountVault,
  BatchRepository,
  ClaimRegisterRepository,
  EnrollmentRepository,
  OutboxRepository,
  ProjectionRepository,
} from '../domain/ports';
import { payoutManifest } from '../manifest';
import {
  AccountChangeConfirmation,
  AccountChangeDecisionParams,
  AccountChangeParams,
  AccountChangeRequest,
  ActionRequest,
  DeathNoticeReversalRequest,
  EnrollmentActionParams,
  EnrollmentIdParams,
  EnrollmentListQuery,
  EnrollmentRequest,
  MyEnrollmentRequest,
  MyListQuery,
} from '../schemas';

const FUNCTION = 'payout-enrollments-api';

export interface EnrollmentsApiDeps {
  readonly province: string;
  /** Staff reads of enrolments, for the registry's access log (port; payoutAccessEvents). */
  readonly accessReads: AccessSink;
  readonly enrollments: EnrollmentRepository;
  /** Cross-province claims: the register this province keeps as a hukou province, and its outbox. */
  readonly registers: ClaimRegisterRepository;
  readonly outbox: OutboxRepository;
  readonly projection: ProjectionRepository;
  readonly batches: BatchRepository;
  /** Seals and opens bank accounts under the field keys, each bound to its enrolment. */
  readonly accounts: Pick<BankAccountVault, 'seal' | 'open'>;
  /** Fingerprints bank accounts (the `payout-fingerprint-key` secret). */
  readonly fingerprintKey: string;
  /** The national `person-ref-key`, to find a person a citizen names by resident ID. */
  readonly personRefKey: string;
  readonly clock?: Clock;
  readonly newId?: () => string;
  readonly idempotency?: BasePersistenceLayer;
  readonly observability?: Observability;
  /** The `cursor-key` secret (page cursors). */
  readonly cursorSecret?: string;
}

/**
 * An enrolment as the family sees it: whose it is (relation, person id), scheme, status,
 * the account's last digits; no staff identifiers, reasons or region.
 */
function familyBenefitView(e: Enrollment, relation: FamilyRelation | undefined) {
  return {
    enrollmentId: e.enrollmentId,
    personId: e.personId,
    ...(relation ? { relation } : {}),
    scheme: e.scheme,
    status: e.status,
    channel: e.channel,
    bankAccount: { accountMasked: e.bankAccount.accountMasked },
    createdAt: e.createdAt,
  };
}

const masked = (a: Enrollment['bankAccount']) => ({
  accountMasked: a.accountMasked,
  holderMasked: a.holderMasked,
});

/** An enrolment as staff see it: accounts masked, no ciphertext or fingerprint, no person reference. */
export function enrollmentView(e: Enrollment) {
  const {
    bankAccount,
    earlierAccounts: _earlier,
    pendingAccountChange: pending,
    personRef: _ref,
    applicantSubject: _subject,
    ...rest
  } = e;
  return {
    ...rest,
    bankAccount: masked(bankAccount),
    ...(pending ? { pendingAccountChange: { ...pending, account: masked(pending.account) } } : {}),
  };
}

/**
 * The citizen as an enrolment's own check sees them (domain/account-change.ts
 * `isOwnEnrollment`): their login, and their person reference once tokens carry a
 * verified resident ID.

/**
 * The citizen as an enrolment's own check sees them (domain/account-change.ts
 * `isOwnEnrollment`): their login and their verified person reference.
 */
const citizenOf = (principal: Principal): CitizenCaller => ({
  subject: principal.subject,
  ...(principal.personRef ? { personRef: principal.personRef } : {}),
});

/**
 * Enrolment in benefit schemes: citizens apply in the app for a member of their own family
 * they name by resident ID (matched through its person reference, never stored), payout
 * officers at the counter for anyone in their region; staff of the beneficiary's region
 * review, suspend, resume and end. A cross-province beneficiary's approval sends a claim to
 * the other province. A family sees all its benefits, however they were enrolled.
 */
export function buildEnrollmentsApi(deps: EnrollmentsApiDeps) {
  const clock = deps.clock ?? systemClock;
  const newId = deps.newId ?? (() => newUlid());
  const recordRead = readRecorder(deps.accessReads, clock, () => newUlid(clock.now().getTime()));
  const readOf = (e: Enrollment) => ({
    personId: e.personId,
    record: `enrollment/${e.enrollmentId}`,
    regions: [...new Set([e.region, e.hukouRegion, e.residenceRegion])],
  });

  const directory = projectionFamilyDirectory(deps.projection);
  const claims = claimService({ ...deps, clock });
  const refOf = (residentId: string) => personRefOf(deps.personRefKey, normaliseResidentId(residentId));

  /** The person staff name by person id or resident ID. */
  const findPersonId = async (body: EnrollmentRequest): Promise<string> => {
    if (body.personId) return body.personId;
    const ids = await deps.projection.personIdsByRef(refOf(body.residentId ?? ''));
    if (ids.length !== 1) {
      throw new NotFoundError(
        ids.length === 0
          ? 'No person with that resident ID is known to the payout service.'
          : 'That resident ID matches more than one record; a registrar must resolve it first.',
      );
    }
    return ids[0] as string;
  };

  /** Checks eligibility and stores a new enrolment for a person payout holds facts about. */
  const apply = async (
    principal: Principal,
    personId: string,
    body: Pick<EnrollmentRequest, 'scheme' | 'bankAccount'>,
    channel: 'app' | 'counter',
    scope: (person: PersonFacts) => void,
  ) => {
    const scheme = getScheme(body.scheme);
    const person = await deps.projection.find(personId);
    const facts = person ? await loadBeneficiaryFacts(deps.projection, personId) : undefined;
    if (!person || !facts)
      throw new NotFoundError('The payout service holds no facts about this person yet.');
    scope(person);
    const enrollmentId = newId();
    const enrollment = applyForBenefit({
      enrollmentId,
      scheme,
      person,
      facts,
      province: deps.province,
      bankAccount: await sealBankAccount(deps, body.bankAccount, enrollmentId),
      channel,
      by: principal.subject,
      ...(channel === 'app' ? { applicantSubject: principal.subject } : {}),
      clock,
    });
    await deps.enrollments.create(enrollment);
    return enrollment;
  };

  const load = async (principal: Principal, enrollmentId: string): Promise<Enrollment> => {
    const enrollment = await deps.enrollments.find(enrollmentId);
    if (!enrollment) throw new NotFoundError('No such enrolment.');
    requireRegionScope(principal, [enrollment.region]);
    return enrollment;
  };

  const loadOwn = async (principal: Principal, enrollmentId: string): Promise<Enrollment> => {
    const enrollment = await deps.enrollments.find(enrollmentId);
    if (!enrollment || !isOwnEnrollment(enrollment, citizenOf(principal))) {
      throw new NotFoundError('No such enrolment.');
    }
    return enrollment;
  };

  /** An account change takes effect now, from the next unplanned period, unless money is in flight. */
  const startOfChange = (enrollment: Enrollment) =>
    accountChangeStart(deps.batches, enrollment, getScheme(enrollment.scheme), clock.now());

  /** Records a requested account change, pending its second step; refused while money is in flight. */
  const askForAccountChange = async (
    enrollment: Enrollment,
    principal: Principal,
    body: AccountChangeRequest,
    channel: 'app' | 'counter',
  ): Promise<Enrollment> => {
    // Refused up front while money is in flight, so nobody confirms a change that cannot apply.
    await startOfChange(enrollment);
    const next = requestAccountChange(enrollment, {
      changeId: newId(),
      account: await sealBankAccount(deps, body.bankAccount, enrollment.enrollmentId),
      by: principal.subject,
      channel,
      at: clock.now(),
      ...(body.reason ? { reason: body.reason } : {}),
    });
    await deps.enrollments.save(next);
    return next;
  };

  return apiHandler({
    service: FUNCTION,
    routes: functionSpec(payoutManifest, FUNCTION).routes ?? [],
    observability: deps.observability,
    ...(deps.cursorSecret ? { cursorSecret: deps.cursorSecret } : {}),
    ...(deps.idempotency ? { idempotency: idempotentPosts(deps.idempotency) } : {}),
    identity: { personRefOf: (residentId) => personRefOf(deps.personRefKey, residentId) },
    handlers: {
      'POST /v1/enrollments': async ({ event, principal }) => {
        const body = parseJsonBody(event, EnrollmentRequest);
        const enrollment = await apply(principal, await findPersonId(body), body, 'counter', (person) =>
          requireRegionScope(principal, [person.hukouRegion, person.residenceRegion]),
        );
        return json(201, enrollmentView(enrollment), {
          etag: etagOf(enrollment.version),
          location: `/v1/enrollments/${enrollment.enrollmentId}`,
        });
      },
      'POST /v1/me/enrollments': async ({ event, principal }) => {
        const body = parseJsonBody(event, MyEnrollmentRequest);
        // Only for the citizen's own family: anyone else gets the one answer, facts or not.
        const family = await familyOfCitizen(principal, directory, clock);
        const personId = await directory.personIdByRef(refOf(body.residentId));
        requireFamilyMember(family, personId);
        const enrollment = await apply(principal, personId as string, body, 'app', () => {});
        return json(201, familyBenefitView(enrollment, family.members.get(enrollment.personId)), {
          etag: etagOf(enrollment.version),
          location: '/v1/me/benefits',
        });
      },
      'GET /v1/enrollments/{enrollmentId}': async (request) => {
        const { pathParameters } = request;
        const { enrollmentId } = parseWith(EnrollmentIdParams, pathParameters, 'path');
        const enrollment = await load(request.principal, enrollmentId);
        await recordRead(request, 'payout-review', [readOf(enrollment)]);
        return json(200, enrollmentView(enrollment), { etag: etagOf(enrollment.version) });
      },
      'GET /v1/enrollments': async (request) => {
        const { query, principal, cursors } = request;
        const q = parseWith(EnrollmentListQuery, query, 'query');
        const prefix = scopedRegion(principal, q.region);
        const filters = { status: q.status, scheme: q.scheme, region: prefix };
        const cursor = cursors.open(q.cursor, filters);
        const page = await deps.enrollments.list({
          status: q.status,
          scheme: q.scheme,
          regionPrefix: prefix,
          limit: q.limit,
          ...(cursor ? { cursor } : {}),
        });
        await recordRead(request, 'payout-review', page.items.map(readOf));
        return json(200, pageBody(page.items.map(enrollmentView), cursors.seal(page.cursor, filters)));
      },
      'POST /v1/enrollments/{enrollmentId}/actions/{action}': async ({
        event,
        pathParameters,
        principal,
        headers,
      }) => {
        const { enrollmentId, action } = parseWith(EnrollmentActionParams, pathParameters, 'path');
        const body = parseJsonBody(event, ActionRequest);
        // The checker's role, as for batches; the domain refuses the applicant and account changer.
        if (action === 'approve') requireRole(principal, ['payout-approver']);
        const enrollment = await load(principal, enrollmentId);
        if (headers['if-match']) requireIfMatch(headers, enrollment.version);
        const scheme = getScheme(enrollment.scheme);
        let next = applyStaffAction(enrollment, action, {
          by: principal.subject,
          at: clock.now(),
          scheme,
          ...(body.reason ? { reason: body.reason } : {}),
        });
        const effects =
          action === 'approve'
            ? await claims.approval(next)
            : action === 'end'
              ? await claims.ending(next)
              : { enrollment: next, outbound: [] };
        next = effects.enrollment;
        await deps.enrollments.save(next, effects.outbound, effects.register);
        return json(200, enrollmentView(next), { etag: etagOf(next.version) });
      },
      'POST /v1/enrollments/{enrollmentId}/death-notice-reversal': async ({
        event,
        pathParameters,
        principal,
        headers,
      }) => {
        const { enrollmentId } = parseWith(EnrollmentIdParams, pathParameters, 'path');
        const { reason } = parseJsonBody(event, DeathNoticeReversalRequest);
        const enrollment = await load(principal, enrollmentId);
        if (headers['if-match']) requireIfMatch(headers, enrollment.version);
        const next = reverseDeathNoticeSuspension(enrollment, {
          by: principal.subject,
          at: clock.now(),
          reason,
        });
        await deps.enrollments.save(next);
        return json(200, enrollmentView(next), { etag: etagOf(next.version) });
      },
      'POST /v1/enrollments/{enrollmentId}/account-changes': async ({
        event,
        pathParameters,
        principal,
        headers,
      }) => {
        const { enrollmentId } = parseWith(EnrollmentIdParams, pathParameters, 'path');
        const body = parseJsonBody(event, AccountChangeRequest);
        const enrollment = await load(principal, enrollmentId);
        if (headers['if-match']) requireIfMatch(headers, enrollment.version);
        const next = await askForAccountChange(enrollment, principal, body, 'counter');
        return json(202, enrollmentView(next), { etag: etagOf(next.version) });
      },
      'POST /v1/enrollments/{enrollmentId}/account-changes/{changeId}/{decision}': async ({
        event,
        pathParameters,
        principal,
        headers,
      }) => {
        const path = parseWith(AccountChangeDecisionParams, pathParameters, 'path');
        const { enrollmentId, changeId, decision } = path;
        const body = parseJsonBody(event, ActionRequest);
        if (decision === 'confirm') requireRole(principal, ['payout-approver']);
        const enrollment = await load(principal, enrollmentId);
        if (headers['if-match']) requireIfMatch(headers, enrollment.version);
        const at = clock.now();
        const next =
          decision === 'confirm'
            ? confirmAccountChange(enrollment, {
                changeId,
                by: principal.subject,
                at,
                effectiveFromPeriod: await startOfChange(enrollment),
              })
            : rejectAccountChange(enrollment, {
                changeId,
                by: principal.subject,
                at,
                ...(body.reason ? { reason: body.reason } : {}),
              });
        await deps.enrollments.save(next);
        return json(200, enrollmentView(next), { etag: etagOf(next.version) });
      },
      'GET /v1/me/enrollments/{enrollmentId}/account-changes': async ({ pathParameters, principal }) => {
        const { enrollmentId } = parseWith(EnrollmentIdParams, pathParameters, 'path');
        const enrollment = await loadOwn(principal, enrollmentId);
        return json(200, accountHistoryOf(enrollment, citizenOf(principal)));
      },
      'POST /v1/me/enrollments/{enrollmentId}/account-changes': async ({
        event,
        pathParameters,
        principal,
      }) => {
        const { enrollmentId } = parseWith(EnrollmentIdParams, pathParameters, 'path');
        const body = parseJsonBody(event, AccountChangeRequest);
        const enrollment = await loadOwn(principal, enrollmentId);
        const next = await askForAccountChange(enrollment, principal, body, 'app');
        return json(202, accountHistoryOf(next, citizenOf(principal)));
      },
      'POST /v1/me/enrollments/{enrollmentId}/account-changes/{changeId}/confirm': async ({
        event,
        pathParameters,
        principal,
      }) => {
        const { enrollmentId, changeId } = parseWith(AccountChangeParams, pathParameters, 'path');
        const body = parseJsonBody(event, AccountChangeConfirmation);
        const enrollment = await loadOwn(principal, enrollmentId);
        const next = await confirmOwnAccountChange(enrollment, {
          changeId,
          by: principal.subject,
          at: clock.now(),
          retyped: (requested) =>
            retypedFingerprint(deps, { enrollmentId, bankAccount: requested }, body.accountNumber),
          effectiveFromPeriod: await startOfChange(enrollment),
        });
        await deps.enrollments.save(next);
        return json(200, accountHistoryOf(next, citizenOf(principal)));
      },
      'GET /v1/me/benefits': async ({ principal, query, cursors }) => {
        const { cursor, limit } = parseWith(MyListQuery, query, 'query');
        const after = cursors.open(cursor, {});
        // Every benefit of the family, whichever channel enrolled it: matched by person, not login.
        const family = await familyOfCitizen(principal, directory, clock);
        const enrollments = (
          await Promise.all([...family.members.keys()].map((personId) => deps.enrollments.byPerson(personId)))
        ).flat();
        // Oldest first; the enrolment id makes the order total.
        const positionOf = (e: Enrollment) => `${e.createdAt}|${e.enrollmentId}`;
        enrollments.sort((x, y) => (positionOf(x) < positionOf(y) ? -1 : 1));
        const page = pageOfList(enrollments, positionOf, 'ascending', limit, after);
        const today = beijingDate(clock.now());
        const items = await Promise.all(
          page.items.map(async (e) => {
            const lines = (await deps.batches.linesOfEnrollment(e.enrollmentId)).filter((l) => !l.carriedTo);
            const facts =
              e.status === 'active' ? await loadBeneficiaryFacts(deps.projection, e.personId) : undefined;
            const next = nextExpectedPayment({
              scheme: getScheme(e.scheme),
              enrollment: e,
              facts,
              takenPeriods: new Set(lines.map((l) => l.period)),
              today,
            });
            return {
              ...familyBenefitView(e, family.members.get(e.personId)),
              // Staff-only detail (facts, reasons, batch ids of carried lines) stays out.
              payments: lines
                .map((l) => ({
                  period: l.period,
                  amountFen: l.amountFen,
                  status: l.state === 'sent' ? 'processing' : l.state,
                  ...(l.failure ? { failureCode: l.failure.code } : {}),
                }))
                .sort((x, y) => (x.period < y.period ? -1 : 1)),
              ...(next ? { nextPayment: next } : {}),
            };
          }),
        );
        return json(200, pageBody(items, cursors.seal(page.next, {})));
      },
    },
  });
}

export const handler = initOnce(async () => {
  const db = documentClient();
  const table = tableName('payout');
  const [fingerprintKey, personRefKey, cursorSecret] = await Promise.all([
    loadSecret('payout-fingerprint-key'),
    loadSecret('person-ref-key'),
    loadSecret('cursor-key'),
  ]);
  const outbox = dynamoOutboxRepository(db, table);
  return buildEnrollmentsApi({
    province: provinceOfDeployment(),
    enrollments: dynamoEnrollmentRepository(db, table),
    registers: dynamoClaimRegisterRepository(db, table),
    outbox,
    accessReads: payoutAccessEvents(outbox, provinceOfDeployment()),
    projection: dynamoProjectionRepository(db, table),
    batches: dynamoBatchRepository(db, table),
    accounts: sealedBankAccounts(fieldEnvelope(fieldKeyringsFromEnvironment())),
    fingerprintKey,
    personRefKey,
    idempotency: idempotencyStore(dynamoDbClient()),
    cursorSecret,
  });
});

import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { province as provinceOfDeployment, tableName } from '../../../shared/aws/config';
import { documentClient, dynamoDbClient } from '../../../shared/aws/dynamodb';
import { idempotencyStore } from '../../../shared/aws/idempotency-store';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { loadSecret } from '../../../shared/aws/secrets';
import { fieldEnvelope } from '../../../shared/crypto/field-envelope';
import { fieldKeyringsFromEnvironment } from '../../../shared/crypto/field-keys';
import { type Clock, systemClock } from '../../../shared/domain/clock';
import {
  AccessDeniedError,
  ConflictError,
  NotFoundError,
  ValidationError,
} from '../../../shared/domain/errors';
import { newUlid } from '../../../shared/domain/ids';
import { personRefOf } from '../../../shared/domain/person-ref';
import { scopePrefixOf } from '../../../shared/domain/region-code';
import { normaliseResidentId } from '../../../shared/domain/resident-id';
import { apiHandler } from '../../../shared/http/api-handler';
import { type Principal, requireRegionScope, requireRole } from '../../../shared/http/auth';
import { pageBody } from '../../../shared/http/cursor';
import { idempotentPosts } from '../../../shared/http/idempotency';
import { etagOf, json, parseJsonBody, parseWith, requireIfMatch } from '../../../shared/http/request';
import type { RouteHandler } from '../../../shared/http/router';
import { functionSpec } from '../../../shared/manifest';
import type { Observability } from '../../../shared/observability';
import { sealedBankAccounts } from '../adapters/bank-account-vault';
import { dynamoBatchRepository } from '../adapters/batch-repository';
import { dynamoEnrollmentRepository } from '../adapters/enrollment-repository';
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
import { claimMessage, releaseMessage } from '../domain/claims';
import { reverseDeathNoticeSuspension } from '../domain/death-notice';
import { applyForBenefit } from '../domain/enroll';
import { applyStaffAction, type Enrollment, otherProvince } from '../domain/enrollment';
import type {
  BankAccountVault,
  BatchRepository,
  EnrollmentRepository,
  OutboundMessage,
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
} from '../schemas';

const FUNCTION = 'payout-enrollments-api';

export interface EnrollmentsApiDeps {
  readonly province: string;
  readonly enrollments: EnrollmentRepository;
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
 */
const citizenOf = (principal: Principal): CitizenCaller => ({ subject: principal.subject });

const isStaff = (p: Principal) => p.roles.some((r) => r === 'payout-officer' || r === 'payout-approver');

/**
 * Enrolment in benefit schemes: citizens apply in the app for a person they name by
 * resident ID (matched through its person reference, never stored), payout officers at
 * the counter; staff of the beneficiary's region review, suspend, resume and end. A
 * cross-province beneficiary's approval sends a claim to the other province.
 */
export function buildEnrollmentsApi(deps: EnrollmentsApiDeps) {
  const clock = deps.clock ?? systemClock;
  const newId = deps.newId ?? (() => newUlid());

  const findPersonId = async (principal: Principal, body: EnrollmentRequest): Promise<string> => {
    if (body.personId) {
      if (!isStaff(principal)) {
        throw new ValidationError('Citizens name the beneficiary by resident ID.', [
          { field: 'body.personId', message: 'give residentId instead' },
        ]);
      }
      return body.personId;
    }
    const ref = personRefOf(deps.personRefKey, normaliseResidentId(body.residentId ?? ''));
    const ids = await deps.projection.personIdsByRef(ref);
    if (ids.length !== 1) {
      throw new NotFoundError(
        ids.length === 0
          ? 'No person with that resident ID is known to the payout service.'
          : 'That resident ID matches more than one record; a registrar must resolve it first.',
      );
    }
    return ids[0] as string;
  };

  const load = async (principal: Principal, enrollmentId: string): Promise<Enrollment> => {
    const enrollment = await deps.enrollments.find(enrollmentId);
    if (!enrollment) throw new NotFoundError('No such enrolment.');
    requireRegionScope(principal, [enrollment.region]);
    return enrollment;
  };

  /** A citizen's own enrolment; another's answers exactly as a missing one. */
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

  /** An application: at the counter by staff, or in the app by a citizen (`/v1/me/enrollments`). */
  const apply: RouteHandler = async ({ event, principal }) => {
    const body = parseJsonBody(event, EnrollmentRequest);
    const scheme = getScheme(body.scheme);
    const personId = await findPersonId(principal, body);
    const person = await deps.projection.find(personId);
    const facts = person ? await loadBeneficiaryFacts(deps.projection, personId) : undefined;
    if (!person || !facts)
      throw new NotFoundError('The payout service holds no facts about this person yet.');
    const staff = isStaff(principal);
    if (staff) requireRegionScope(principal, [person.hukouRegion, person.residenceRegion]);
    const enrollmentId = newId();
    const enrollment = applyForBenefit({
      enrollmentId,
      scheme,
      person,
      facts,
      province: deps.province,
      bankAccount: await sealBankAccount(deps, body.bankAccount, enrollmentId),
      channel: staff ? 'counter' : 'app',
      by: principal.subject,
      ...(staff ? {} : { applicantSubject: principal.subject }),
      clock,
    });
    await deps.enrollments.create(enrollment);
    return json(201, enrollmentView(enrollment), {
      etag: etagOf(enrollment.version),
      location: `/v1/enrollments/${enrollment.enrollmentId}`,
    });
  };

  return apiHandler({
    service: FUNCTION,
    routes: functionSpec(payoutManifest, FUNCTION).routes ?? [],
    observability: deps.observability,
    ...(deps.idempotency ? { idempotency: idempotentPosts(deps.idempotency) } : {}),
    handlers: {
      'POST /v1/enrollments': apply,
      'POST /v1/me/enrollments': apply,
      'GET /v1/enrollments/{enrollmentId}': async ({ pathParameters, principal }) => {
        const { enrollmentId } = parseWith(EnrollmentIdParams, pathParameters, 'path');
        const enrollment = await load(principal, enrollmentId);
        return json(200, enrollmentView(enrollment), { etag: etagOf(enrollment.version) });
      },
      'GET /v1/enrollments': async ({ query, principal }) => {
        const q = parseWith(EnrollmentListQuery, query, 'query');
        const prefix = q.region ? scopePrefixOf(q.region) : principal.scopePrefix;
        if (!prefix || !principal.scopePrefix || !prefix.startsWith(principal.scopePrefix)) {
          throw new AccessDeniedError('That region lies outside your region.');
        }
        const page = await deps.enrollments.list({
          status: q.status,
          scheme: q.scheme,
          regionPrefix: prefix,
          limit: q.limit,
          ...(q.cursor ? { cursor: q.cursor } : {}),
        });
        return json(200, pageBody(page.items.map(enrollmentView), page.cursor));
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
        const outbound: OutboundMessage[] = [];
        const other = otherProvince(deps.province, enrollment.hukouRegion, enrollment.residenceRegion);
        if (action === 'approve' && other) {
          if (!enrollment.personRef) {
            throw new ConflictError(
              'The beneficiary lives across a provincial border but has no person reference to check the other province with.',
            );
          }
          next = { ...next, crossProvince: { province: other, status: 'awaiting' } };
          outbound.push(claimMessage(deps.province, next, other, clock.now()));
        }
        if (action === 'end') {
          // Provinces told this enrolment blocked their claims may pay from now on.
          for (const answer of await deps.enrollments.conflictAnswers(enrollment.enrollmentId)) {
            outbound.push(releaseMessage(deps.province, answer, clock.now()));
          }
        }
        await deps.enrollments.save(next, outbound);
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
        // Refused up front while money is in flight, so nobody confirms a change that cannot apply.
        await startOfChange(enrollment);
        const next = requestAccountChange(enrollment, {
          changeId: newId(),
          account: await sealBankAccount(deps, body.bankAccount, enrollment.enrollmentId),
          by: principal.subject,
          channel: 'counter',
          at: clock.now(),
          ...(body.reason ? { reason: body.reason } : {}),
        });
        await deps.enrollments.save(next);
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
        await startOfChange(enrollment);
        const next = requestAccountChange(enrollment, {
          changeId: newId(),
          account: await sealBankAccount(deps, body.bankAccount, enrollment.enrollmentId),
          by: principal.subject,
          channel: 'app',
          at: clock.now(),
          ...(body.reason ? { reason: body.reason } : {}),
        });
        await deps.enrollments.save(next);
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
      'GET /v1/me/benefits': async ({ principal }) => {
        requireRole(principal, ['citizen']);
        const mine = await deps.enrollments.byApplicant(principal.subject);
        const items = [];
        for (const e of mine) {
          const lines = await deps.batches.linesOfEnrollment(e.enrollmentId);
          items.push({
            enrollmentId: e.enrollmentId,
            scheme: e.scheme,
            status: e.status,
            bankAccount: { accountMasked: e.bankAccount.accountMasked },
            createdAt: e.createdAt,
            // Staff-only detail (facts, reasons, batch ids of carried lines) stays out.
            payments: lines
              .filter((l) => !l.carriedTo)
              .map((l) => ({
                period: l.period,
                amountFen: l.amountFen,
                status: l.state === 'sent' ? 'processing' : l.state,
                ...(l.failure ? { failureCode: l.failure.code } : {}),
              }))
              .sort((a, b) => (a.period < b.period ? -1 : 1)),
          });
        }
        return json(200, { items });
      },
    },
  });
}

export const handler = initOnce(async () => {
  const db = documentClient();
  const table = tableName('payout');
  const [fingerprintKey, personRefKey] = await Promise.all([
    loadSecret('payout-fingerprint-key'),
    loadSecret('person-ref-key'),
  ]);
  return buildEnrollmentsApi({
    province: provinceOfDeployment(),
    enrollments: dynamoEnrollmentRepository(db, table),
    projection: dynamoProjectionRepository(db, table),
    batches: dynamoBatchRepository(db, table),
    accounts: sealedBankAccounts(fieldEnvelope(fieldKeyringsFromEnvironment())),
    fingerprintKey,
    personRefKey,
    idempotency: idempotencyStore(dynamoDbClient()),
  });
});

import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { province, tableName } from '../../../shared/aws/config';
import { documentClient, dynamoDbClient } from '../../../shared/aws/dynamodb';
import { idempotencyStore } from '../../../shared/aws/idempotency-store';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { loadSecret } from '../../../shared/aws/secrets';
import { type Clock, systemClock } from '../../../shared/domain/clock';
import {
  AccessDeniedError,
  ConflictError,
  NotFoundError,
  ValidationError,
} from '../../../shared/domain/errors';
import { newUlid } from '../../../shared/domain/ids';
import { personRefOf } from '../../../shared/domain/person-ref';
import { fullRegionName, regionExists } from '../../../shared/domain/region-codes';
import { CERTIFICATE_VERIFY_REQUESTED } from '../../../shared/events/catalog';
import { readRecorder } from '../../../shared/http/access-read';
import { apiHandler } from '../../../shared/http/api-handler';
import { type Principal, requireRegionScope } from '../../../shared/http/auth';
import { pageBody, pageOfList } from '../../../shared/http/cursor';
import { type FamilyDirectory, familyOfCitizen } from '../../../shared/http/family-scope';
import { idempotentPosts } from '../../../shared/http/idempotency';
import { etagOf, json, parseJsonBody, parseWith, requireIfMatch } from '../../../shared/http/request';
import { functionSpec } from '../../../shared/manifest';
import type { Observability } from '../../../shared/observability';
import { dynamoAccessLog } from '../adapters/access-log-repository';
import { dynamoCertificateHouseholds, dynamoCertificateRepository } from '../adapters/certificate-repository';
import { dynamoRemoteVerifications } from '../adapters/exchange-records';
import { dynamoHouseholdRepository } from '../adapters/household-repository';
import { dynamoMandateRepository } from '../adapters/mandate-repository';
import { dynamoPersonRepository } from '../adapters/person-repository';
import { type AccessLog, accessEntriesOf } from '../domain/access-log';
import {
  type Certificate,
  type CertificateContext,
  type CertificateHouseholds,
  type CertificateRepository,
  formatVerificationCode,
  type HouseholdFacts,
  issueCertificate,
  revokeCertificate,
  verificationOf,
} from '../domain/certificate';
import { registryFamilyDirectory } from '../domain/family-directory';
import type { PersonRefOf } from '../domain/ports';
import type { RemoteVerification, RemoteVerificationStore } from '../domain/remote-verification';
import { registryManifest } from '../manifest';
import {
  CertificateIdParams,
  CertificateListQuery,
  IssueCertificateRequest,
  MyListQuery,
  RemoteVerificationParams,
  RemoteVerificationRequest,
  RevokeCertificateRequest,
  VerifyCertificateQuery,
} from '../schemas';

const FUNCTION = 'registry-certificates-api';

/** A fresh random code colliding with a stored one is a 2⁻⁸⁰ event; a few tries are plenty. */
const ISSUE_ATTEMPTS = 3;

export interface CertificatesApiDeps {
  readonly certificates: CertificateRepository;
  /** Every staff read of a household's certificates is appended here for their holders. */
  readonly accessLog: AccessLog;
  readonly households: CertificateHouseholds;
  /** Questions to other provinces about their certificates, and their answers. */
  readonly remoteVerifications: RemoteVerificationStore;
  /** This deployment's province: remote verification asks the others. */
  readonly province: string;
  /** Family ties as the registry records them: a citizen sees their own family's certificates. */
  readonly family: FamilyDirectory;
  readonly personRefOf: PersonRefOf;
  readonly clock?: Clock;
  readonly newId?: () => string;
  /** Random bytes for verification codes; crypto by default. */
  readonly random?: (size: number) => Uint8Array;
  readonly idempotency?: BasePersistenceLayer;
  readonly observability?: Observability;
  /** The `cursor-key` secret (page cursors). */
  readonly cursorSecret?: string;
}

/** A certificate as staff see it: everything but bookkeeping, the code formatted for reading. */
const staffView = ({ eventId: _event, citizenSubject: _citizen, ...certificate }: Certificate) => ({
  ...certificate,
  verificationCode: formatVerificationCode(certificate.verificationCode),
});

/** A certificate as the family sees it: without staff identities and internal record links. */
const citizenView = (certificate: Certificate) => {
  const {
    issuedBy: _issued,
    revokedBy: _revoked,
    holderPersonIds: _persons,
    ...view
  } = staffView(certificate);
  return view;
};

/** The regions whose staff may act for a household: those of its children's registrations. */
const regionsOf = (facts: HouseholdFacts): string[] => facts.registrations.flatMap((r) => r.regionScope);

/**
 * The issuing office: the region in the registrar's token (shared/http/claims.ts), which
 * must be a division in the current list so its name can be printed.
 */
function officeRegionOf(principal: Principal): string {
  const region = principal.region;
  if (region === undefined || !regionExists(region)) {
    throw new AccessDeniedError(
      'Certificates are issued by an office; your token names no known office region.',
    );
  }
  return region;
}

/**
 * Certificates for families (独生子女父母光荣证, 特扶证): a registrar of the family's region
 * issues one when the household's derived family type qualifies, and revokes it with a
 * reason; staff list a household's certificates; a family sees its own; and anyone holding
 * a verification code may check it without an account.
 */
export function buildCertificatesApi(deps: CertificatesApiDeps) {
  const clock = deps.clock ?? systemClock;
  const context: CertificateContext = {
    clock,
    newId: deps.newId ?? (() => newUlid(clock.now().getTime())),
    ...(deps.random ? { random: deps.random } : {}),
  };

  const recordRead = readRecorder(
    { record: async (read, reads) => deps.accessLog.append(accessEntriesOf(read, reads)) },
    clock,
    context.newId,
  );

  /** The household with its registrations, if it lies in the caller's region. */
  const householdInScope = async (householdId: string, principal: Principal) => {
    const facts = await deps.households.find(householdId);
    if (!facts) throw new NotFoundError('No household with this id.');
    requireRegionScope(principal, regionsOf(facts));
    return facts;
  };

  return apiHandler({
    service: FUNCTION,
    routes: functionSpec(registryManifest, FUNCTION).routes ?? [],
    ...(deps.idempotency ? { idempotency: idempotentPosts(deps.idempotency) } : {}),
    observability: deps.observability,
    identity: { personRefOf: deps.personRefOf },
    ...(deps.cursorSecret ? { cursorSecret: deps.cursorSecret } : {}),
    handlers: {
      'POST /v1/certificates': async ({ event, principal }) => {
        const { householdId, kind } = parseJsonBody(event, IssueCertificateRequest);
        const facts = await householdInScope(householdId, principal);
        const issuingRegion = officeRegionOf(principal);
        for (let attempt = 1; ; attempt++) {
          const certificate = issueCertificate(
            {
              kind,
              household: facts,
              existing: await deps.certificates.listByHousehold(householdId),
              issuingRegion,
              issuingRegionName: fullRegionName(issuingRegion),
              issuedBy: principal.subject,
            },
            context,
          );
          if ((await deps.certificates.add(certificate, facts.household.version)) === 'added') {
            return json(201, staffView(certificate), {
              location: `/v1/certificates/${certificate.certificateId}`,
              etag: etagOf(certificate.version),
            });
          }
          if (attempt >= ISSUE_ATTEMPTS) throw new ConflictError('No free verification code; try again.');
        }
      },
      'GET /v1/certificates': async (request) => {
        const { query } = request;
        const { householdId } = parseWith(CertificateListQuery, query, 'query');
        const facts = await householdInScope(householdId, request.principal);
        const items = await deps.certificates.listByHousehold(householdId);
        await recordRead(
          request,
          'counter-service',
          items.flatMap((c) =>
            c.holderPersonIds.map((personId) => ({
              personId,
              record: `certificate/${c.certificateId}`,
              regions: regionsOf(facts),
            })),
          ),
        );
        return json(200, { items: items.map(staffView) });
      },
      'POST /v1/certificates/{certificateId}/actions/revoke': async ({
        event,
        pathParameters,
        principal,
        headers,
      }) => {
        const { certificateId } = parseWith(CertificateIdParams, pathParameters, 'path');
        const { reason } = parseJsonBody(event, RevokeCertificateRequest);
        const certificate = await deps.certificates.find(certificateId);
        if (!certificate) throw new NotFoundError('No certificate with this id.');
        await householdInScope(certificate.householdId, principal);
        requireIfMatch(headers, certificate.version);
        const next = revokeCertificate(certificate, reason, principal.subject, context);
        await deps.certificates.revoke(next, certificate.version);
        return json(200, staffView(next), { etag: etagOf(next.version) });
      },
      'GET /v1/me/certificates': async ({ principal, query, cursors }) => {
        const { cursor, limit } = parseWith(MyListQuery, query, 'query');
        const after = cursors.open(cursor, {});
        // The certificates of the households of the family's adults, however they were issued.
        const family = await familyOfCitizen(principal, deps.family, clock);
        const adults = [...family.members].filter(([, relation]) => relation !== 'child').map(([id]) => id);
        const households = (await Promise.all(adults.map((id) => deps.family.householdsOf(id)))).flat();
        const ids = [...new Set(households.map((h) => h.householdId))];
        const all = (await Promise.all(ids.map((id) => deps.certificates.listByHousehold(id))))
          .flat()
          .sort((a, b) => (a.certificateId < b.certificateId ? -1 : 1));
        const page = pageOfList(all, (c) => c.certificateId, 'ascending', limit, after);
        return json(200, pageBody(page.items.map(citizenView), cursors.seal(page.next, {})));
      },
      'POST /v1/certificates/remote-verifications': async ({ event, principal }) => {
        const request = parseJsonBody(event, RemoteVerificationRequest);
        const office = officeRegionOf(principal);
        if (request.province === deps.province) {
          throw new ValidationError('Certificates of this province are checked with the verify route.', [
            { field: 'body.province', message: 'must be another province' },
          ]);
        }
        const at = clock.now().toISOString();
        const verification: RemoteVerification = {
          requestId: context.newId(),
          province: request.province,
          status: 'pending',
          requestedBy: principal.subject,
          requestedIn: office,
          requestedAt: at,
        };
        // The question leaves through the table stream with the request it belongs to.
        await deps.remoteVerifications.request(verification, {
          messageId: context.newId(),
          recipient: request.province,
          type: CERTIFICATE_VERIFY_REQUESTED,
          subject: verification.requestId,
          data: { requestId: verification.requestId, verificationCode: request.verificationCode },
          createdAt: at,
        });
        return json(202, verification, {
          location: `/v1/certificates/remote-verifications/${verification.requestId}`,
        });
      },
      'GET /v1/certificates/remote-verifications/{requestId}': async ({ pathParameters, principal }) => {
        const { requestId } = parseWith(RemoteVerificationParams, pathParameters, 'path');
        const verification = await deps.remoteVerifications.find(requestId);
        if (!verification) throw new NotFoundError('No remote verification with this id.');
        requireRegionScope(principal, [verification.requestedIn]);
        return json(200, verification, { 'cache-control': 'no-store' });
      },
      'GET /v1/public/certificates/verify': async ({ query }) => {
        const { code } = parseWith(VerifyCertificateQuery, query, 'query');
        const certificate = await deps.certificates.findByCode(code);
        if (!certificate) throw new NotFoundError('No certificate with this verification code.');
        // A revocation must show at once, so no cache may keep an older answer.
        return json(200, verificationOf(certificate), { 'cache-control': 'no-store' });
      },
    },
  });
}

export const handler = initOnce(async () => {
  const client = dynamoDbClient();
  const documents = documentClient(client);
  const table = tableName('registry');
  const [refKey, cursorSecret] = await Promise.all([loadSecret('person-ref-key'), loadSecret('cursor-key')]);
  return buildCertificatesApi({
    certificates: dynamoCertificateRepository(documents, table),
    accessLog: dynamoAccessLog(documents, table),
    households: dynamoCertificateHouseholds(documents, table),
    remoteVerifications: dynamoRemoteVerifications(documents, table),
    province: province(),
    family: registryFamilyDirectory({
      persons: dynamoPersonRepository(documents, table),
      households: dynamoHouseholdRepository(documents, table),
      mandates: dynamoMandateRepository(documents, table),
    }),
    personRefOf: (residentId) => personRefOf(refKey, residentId),
    idempotency: idempotencyStore(client),
    cursorSecret,
  });
});

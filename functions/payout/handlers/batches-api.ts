import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { province as provinceOfDeployment, queueUrl, tableName } from '../../../shared/aws/config';
import { documentClient, dynamoDbClient } from '../../../shared/aws/dynamodb';
import { idempotencyStore } from '../../../shared/aws/idempotency-store';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { loadSecret } from '../../../shared/aws/secrets';
import { sqsClient } from '../../../shared/aws/sqs';
import { fieldEnvelope } from '../../../shared/crypto/field-envelope';
import { fieldKeyringsFromEnvironment } from '../../../shared/crypto/field-keys';
import { type Clock, systemClock } from '../../../shared/domain/clock';
import { AccessDeniedError, ConflictError, NotFoundError } from '../../../shared/domain/errors';
import { newUlid } from '../../../shared/domain/ids';
import { type AccessSink, readRecorder } from '../../../shared/http/access-read';
import { apiHandler } from '../../../shared/http/api-handler';
import { type Principal, requireRegionScope, requireRole, scopedRegion } from '../../../shared/http/auth';
import { pageBody } from '../../../shared/http/cursor';
import { gzipBase64 } from '../../../shared/http/gzip-text';
import { idempotentPosts } from '../../../shared/http/idempotency';
import { etagOf, json, parseJsonBody, parseWith, requireIfMatch } from '../../../shared/http/request';
import { functionSpec } from '../../../shared/manifest';
import { type Observability, observability } from '../../../shared/observability';
import { payoutAccessEvents } from '../adapters/access-events';
import { sealedBankAccounts } from '../adapters/bank-account-vault';
import { parseBankCa } from '../adapters/bank-channel';
import { dynamoBatchRepository } from '../adapters/batch-repository';
import { dynamoDecryptedReadLog } from '../adapters/decrypted-read-log';
import { dynamoEnrollmentRepository } from '../adapters/enrollment-repository';
import { dynamoOutboxRepository } from '../adapters/outbox-repository';
import { sqsPlanningQueue } from '../adapters/planning-queue';
import { dynamoProjectionRepository } from '../adapters/projection-repository';
import { alertIfRefusedReport } from '../adapters/report-refusals';
import { payoutConfiguration } from '../config/deployment';
import { configuredBatchLineCap, getScheme } from '../config/schemes';
import type { BankTrust } from '../domain/bank-trust';
import { type Batch, matchesBatchFilter, type PaymentLine } from '../domain/batch';
import { nextPartRequest, partRequest } from '../domain/batch-parts';
import { commandBatch } from '../domain/batch-service';
import type { DecryptedReadLog } from '../domain/decrypted-reads';
import { importStatusReport, paymentFileOf } from '../domain/disburse';
import type { Debtor } from '../domain/iso20022';
import { payoutReport } from '../domain/payout-report';
import { planBatch } from '../domain/plan-batch';
import type {
  BankAccountVault,
  BatchRepository,
  EnrollmentRepository,
  PlanningQueue,
  ProjectionRepository,
} from '../domain/ports';
import { payoutManifest } from '../manifest';
import {
  ActionRequest,
  BatchActionParams,
  BatchIdParams,
  BatchListQuery,
  PaymentFileQuery,
  PaymentsQuery,
  PayoutReportQuery,
  PlanBatchRequest,
  StatusReportRequest,
} from '../schemas';

const FUNCTION = 'payout-batches-api';
/**
 * A request plans for at most 20 s: API Gateway ends a request at 30 s, and the batch is
 * read back and answered after planning stops (at the end of a block of 100 lines).
 */
const PLANNING_BUDGET_MS = 20_000;

export interface BatchesApiDeps {
  readonly province: string;
  /** Staff reads of payment lines and files, for the registry's access log (port; payoutAccessEvents). */
  readonly accessReads: AccessSink;
  readonly batches: BatchRepository;
  readonly enrollments: EnrollmentRepository;
  readonly projection: ProjectionRepository;
  /** Opens the sealed bank accounts of the payment file. */
  readonly accounts: Pick<BankAccountVault, 'openMany'>;
  /** Where every read of decrypted accounts is recorded before they are handed out. */
  readonly reads: DecryptedReadLog;
  readonly debtor: Debtor;
  /** The bank's CAs, which imported status reports must be signed under. */
  readonly trust: BankTrust;
  /** Where the later parts of a region split by the batch line cap are asked for. */
  readonly planning: PlanningQueue;
  /**
   * How long a request may plan before it leaves the rest to the planning queue and answers
   * 202 (PLANNING_BUDGET_MS); tests set 0 to take that path.
   */
  readonly planningBudgetMs?: number;
  /** The most enrolments one batch holds (DEFAULT_BATCH_LINE_CAP). */
  readonly lineCap?: number;
  readonly clock?: Clock;
  readonly newId?: () => string;
  readonly idempotency?: BasePersistenceLayer;
  readonly observability?: Observability;
  /** The `cursor-key` secret (page cursors). */
  readonly cursorSecret?: string;
}

/**
 * A line as staff see it, with the facts and rule version it was decided on, and whether its
 * account changed since the last paid period (the fingerprint itself stays inside).
 */
const lineView = ({ accountFingerprint: _fingerprint, ...line }: PaymentLine) => ({
  ...line,
  accountChanged: line.accountChanged ?? false,
});

/**
 * Payout batches: planning (the same as the schedule does), maker-checker submission and
 * approval, cancellation before disbursing, the lines, the pain.001 payment file and the
 * import of pain.002 status reports; plus payout aggregates for reports.
 */
export function buildBatchesApi(deps: BatchesApiDeps) {
  const clock = deps.clock ?? systemClock;
  const newId = deps.newId ?? (() => newUlid());
  const recordRead = readRecorder(deps.accessReads, clock, () => newUlid(clock.now().getTime()));
  const readsOf = (lines: readonly PaymentLine[], record: (line: PaymentLine) => string) =>
    lines.map((line) => ({ personId: line.personId, record: record(line), regions: [line.region] }));
  const obs = deps.observability ?? observability(FUNCTION);

  const load = async (principal: Principal, batchId: string): Promise<Batch> => {
    const batch = await deps.batches.find(batchId);
    if (!batch) throw new NotFoundError('No such batch.');
    requireRegionScope(principal, [batch.region]);
    return batch;
  };

  return apiHandler({
    service: FUNCTION,
    routes: functionSpec(payoutManifest, FUNCTION).routes ?? [],
    observability: obs,
    ...(deps.cursorSecret ? { cursorSecret: deps.cursorSecret } : {}),
    ...(deps.idempotency ? { idempotency: idempotentPosts(deps.idempotency) } : {}),
    handlers: {
      'GET /v1/payout-batches': async ({ query, principal, cursors }) => {
        const q = parseWith(BatchListQuery, query, 'query');
        // Only an approver has batches waiting for their approval.
        if (q.waitingForMe === 'true') requireRole(principal, ['payout-approver']);
        const { cursor: _cursor, limit: _limit, ...asked } = q;
        const filter = {
          regionPrefix: scopedRegion(principal, q.region),
          ...(q.state ? { state: q.state } : {}),
          ...(q.scheme ? { scheme: q.scheme } : {}),
          ...(q.period ? { period: q.period } : {}),
          ...(q.waitingForMe === 'true' ? { awaitingApprovalBy: principal.subject } : {}),
        };
        const filters = { ...asked, region: filter.regionPrefix };
        const cursor = cursors.open(q.cursor, filters);
        const page = await deps.batches.page(
          {
            ...(q.scheme ? { scheme: q.scheme } : {}),
            ...(q.period ? { period: q.period } : {}),
            limit: q.limit,
            ...(cursor ? { cursor } : {}),
          },
          (batch) => matchesBatchFilter(batch, filter),
        );
        return json(200, pageBody(page.items, cursors.seal(page.cursor, filters)));
      },
      'POST /v1/payout-batches': async ({ event, principal }) => {
        const body = parseJsonBody(event, PlanBatchRequest);
        scopedRegion(principal, body.region);
        if (!body.region.startsWith(deps.province))
          throw new AccessDeniedError('That region lies outside this province.');
        const started = performance.now();
        const budget = deps.planningBudgetMs ?? PLANNING_BUDGET_MS;
        const batch = await planBatch(deps, {
          scheme: getScheme(body.scheme),
          period: body.period,
          region: body.region,
          ...(deps.lineCap ? { lineCap: deps.lineCap } : {}),
          by: principal.subject,
          at: clock.now(),
          newId,
          timeLeftMs: () => budget - (performance.now() - started),
        });
        const headers = { etag: etagOf(batch.version), location: `/v1/payout-batches/${batch.batchId}` };
        // Too large to plan within the gateway's timeout: the planning queue finishes it.
        if (batch.state === 'planning') {
          await deps.planning.request([partRequest(batch)]);
          return json(202, batch, headers);
        }
        // This is part 1 of a region over the cap: the other parts are planned off the queue.
        const next = nextPartRequest(batch);
        if (next) await deps.planning.request([next]);
        return json(201, batch, headers);
      },
      'GET /v1/payout-batches/{batchId}': async ({ pathParameters, principal }) => {
        const { batchId } = parseWith(BatchIdParams, pathParameters, 'path');
        const batch = await load(principal, batchId);
        return json(200, batch, { etag: etagOf(batch.version) });
      },
      'GET /v1/payout-batches/{batchId}/payments': async (request) => {
        const { pathParameters, principal, query, cursors } = request;
        const { batchId } = parseWith(BatchIdParams, pathParameters, 'path');
        const q = parseWith(PaymentsQuery, query, 'query');
        await load(principal, batchId);
        const filters = { batchId, state: q.state };
        const cursor = cursors.open(q.cursor, filters);
        const page = await deps.batches.lines(batchId, {
          limit: q.limit,
          ...(q.state ? { state: q.state } : {}),
          ...(cursor ? { cursor } : {}),
        });
        await recordRead(
          request,
          'payout-review',
          readsOf(page.items, (line) => `payout-batch/${batchId}/payments/${line.lineId}`),
        );
        return json(200, pageBody(page.items.map(lineView), cursors.seal(page.cursor, filters)));
      },
      'POST /v1/payout-batches/{batchId}/actions/{action}': async ({
        event,
        pathParameters,
        principal,
        headers,
      }) => {
        const { batchId, action } = parseWith(BatchActionParams, pathParameters, 'path');
        const body = parseJsonBody(event, ActionRequest);
        // Maker and checker: officers submit, approvers approve, either may cancel.
        if (action === 'submit') requireRole(principal, ['payout-officer']);
        if (action === 'approve') requireRole(principal, ['payout-approver']);
        const batch = await load(principal, batchId);
        if (headers['if-match']) requireIfMatch(headers, batch.version);
        const next = await commandBatch(deps.batches, batch, action, {
          by: principal.subject,
          at: clock.now(),
          ...(body.reason ? { reason: body.reason } : {}),
        });
        return json(200, next, { etag: etagOf(next.version) });
      },
      'GET /v1/payout-batches/{batchId}/payment-file': async (request) => {
        const { pathParameters, principal, query } = request;
        const { batchId } = parseWith(BatchIdParams, pathParameters, 'path');
        const { purpose } = parseWith(PaymentFileQuery, query, 'query');
        const batch = await load(principal, batchId);
        if (!['disbursing', 'reconciled', 'nothing-to-pay'].includes(batch.state)) {
          throw new ConflictError('A batch has a payment file once disbursing has started.');
        }
        // Compressed as it is written: a part's file is larger than a function may answer.
        const file = paymentFileOf(deps, batch);
        const lines: PaymentLine[] = [];
        const documentGzipBase64 = await gzipBase64(file.text((page) => lines.push(...page)));
        // Recorded before the answer: a read that cannot be recorded is not handed out.
        await deps.reads.recordDecryptedRead({
          readId: newId(),
          at: clock.now().toISOString(),
          by: principal.subject,
          roles: principal.roles,
          scopePrefix: principal.scopePrefix ?? '',
          route: 'GET /v1/payout-batches/{batchId}/payment-file',
          purpose,
          batchId,
          subjects: lines.map(({ lineId, enrollmentId, personId }) => ({ lineId, enrollmentId, personId })),
        });
        // The family's side of the same read: each person in the file sees it in their access log.
        await recordRead(
          request,
          'payout-review',
          readsOf(lines, () => `payout-batch/${batchId}/payment-file`),
        );
        return json(200, {
          messageId: file.messageId,
          numberOfTransactions: file.count,
          controlSumFen: file.sumFen,
          contentType: 'application/xml',
          contentEncoding: 'gzip',
          documentGzipBase64,
        });
      },
      'POST /v1/payout-batches/{batchId}/status-reports': async ({ event, pathParameters, principal }) => {
        const { batchId } = parseWith(BatchIdParams, pathParameters, 'path');
        const body = parseJsonBody(event, StatusReportRequest);
        const batch = await load(principal, batchId);
        if (!['disbursing', 'reconciled'].includes(batch.state)) {
          throw new ConflictError('Status reports apply to a batch that has been sent to the bank.');
        }
        let summary: Awaited<ReturnType<typeof importStatusReport>>;
        try {
          summary = await importStatusReport(
            { batches: deps.batches, trust: deps.trust, now: () => clock.now() },
            { document: body.document, signature: body.signature },
            batchId,
          );
        } catch (error) {
          alertIfRefusedReport(obs, error, { batchId, by: principal.subject });
          throw error;
        }
        return json(200, { summary, batch: await deps.batches.find(batchId) });
      },
      'GET /v1/reports/payouts': async ({ query, principal }) => {
        const q = parseWith(PayoutReportQuery, query, 'query');
        const prefix = scopedRegion(principal, q.region);
        const batches = await deps.batches.list({
          regionPrefix: prefix,
          ...(q.scheme ? { scheme: q.scheme } : {}),
          ...(q.from ? { fromPeriod: q.from } : {}),
          ...(q.to ? { toPeriod: q.to } : {}),
        });
        return json(200, {
          region: prefix,
          items: payoutReport(batches),
        });
      },
    },
  });
}

export const handler = initOnce(async () => {
  const db = documentClient();
  const table = tableName('payout');
  const province = provinceOfDeployment();
  return buildBatchesApi({
    province,
    batches: dynamoBatchRepository(db, table),
    enrollments: dynamoEnrollmentRepository(db, table),
    accessReads: payoutAccessEvents(dynamoOutboxRepository(db, table), province),
    projection: dynamoProjectionRepository(db, table),
    accounts: sealedBankAccounts(fieldEnvelope(fieldKeyringsFromEnvironment())),
    reads: dynamoDecryptedReadLog(db, table),
    // Checked at start: a broken configuration fails the cold start, not a request.
    debtor: payoutConfiguration().debtor,
    trust: { bankCa: parseBankCa(await loadSecret('payout-bank-ca')).certificates },
    planning: sqsPlanningQueue(sqsClient(), queueUrl('payout-planning')),
    lineCap: configuredBatchLineCap(),
    idempotency: idempotencyStore(dynamoDbClient()),
    cursorSecret: await loadSecret('cursor-key'),
  });
});

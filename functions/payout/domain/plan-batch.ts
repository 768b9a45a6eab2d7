import { ConflictError, ValidationError } from '../../../shared/domain/errors';
import { scopePrefixOf } from '../../../shared/domain/region-code';
import { accountEverChanged, accountInForce } from './bank-account';
import { type Batch, EMPTY_LEDGER, type PaymentLine, waitsOnOpenList } from './batch';
import {
  type BatchPart,
  DEFAULT_BATCH_LINE_CAP,
  inPart,
  lastKeyOfPart,
  orderKeyOf,
  partOf,
} from './batch-parts';
import { loadBeneficiaryFacts, loadBeneficiaryFactsMany } from './beneficiary';
import type { Enrollment } from './enrollment';
import { decideLine, endToEndIdOf, holdIfAlreadyPaid, linePaymentKey } from './planning';
import type {
  BatchKey,
  BatchRepository,
  EnrollmentRepository,
  LineAddition,
  OpenItem,
  ProjectionRepository,
} from './ports';
import { type BeneficiaryFacts, periodFor, ruleSetFor, type Scheme } from './schemes';

/** How many carried-forward lines are decided at once (each reads on its own). */
const READ_AHEAD = 25;
/**
 * How many lines are decided (their facts read in bulk) and handed to the repository at
 * once; it fits them into transactions.
 */
const WRITE_BLOCK = 100;

export interface PlanningPorts {
  readonly batches: BatchRepository;
  readonly enrollments: EnrollmentRepository;
  readonly projection: ProjectionRepository;
}

export interface PlanRequest {
  readonly scheme: Scheme;
  readonly period: string;
  /** Region code: `330000` plans the whole province, `330100` a prefecture, `330106` a county. */
  readonly region: string;
  /** Which part of the region (domain/batch-parts.ts): 1, the default, or one after a planned part. */
  readonly partNumber?: number;
  /** The most enrolments one batch holds (DEFAULT_BATCH_LINE_CAP); a region with more is split into parts. */
  readonly lineCap?: number;
  readonly by: string;
  readonly at: Date;
  readonly newId: () => string;
  /**
   * How long the caller may still plan. When it runs out, planning stops between blocks of
   * lines and the batch is returned still `planning`, for a later run to finish (the API
   * answers within its gateway's timeout and leaves the rest to the planning queue).
   */
  readonly timeLeftMs?: () => number;
}

const PLANNED_STATUSES = ['active', 'suspended'] as const;

async function allEnrollments(
  ports: PlanningPorts,
  scheme: string,
  prefix: string,
  part: BatchPart | undefined,
): Promise<Enrollment[]> {
  const out: Enrollment[] = [];
  for (const status of PLANNED_STATUSES) {
    let cursor: string | undefined;
    do {
      const page = await ports.enrollments.list({
        status,
        scheme,
        regionPrefix: prefix,
        ...(part ? { part } : {}),
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      out.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
  }
  return out;
}

/**
 * Plans the batch of one scheme, period and region: a line for every active or suspended
 * enrolment (pending with its amount, or held with the reason), plus the held and failed
 * lines of earlier batches that can now be paid. Safe to run again at any point: the
 * (scheme, period, region) key names one batch, lines are written once each with their
 * ledger counts, and the batch is marked planned, with its control totals, only at the
 * end. Returns the batch, already planned when it was before, or still `planning` when
 * `timeLeftMs` ran out first.
 */
export async function planBatch(ports: PlanningPorts, request: PlanRequest): Promise<Batch> {
  const { scheme } = request;
  const period = periodFor(scheme, request.period);
  if (!period) {
    throw new ValidationError(
      {
        en: `Period ${request.period} is not a period of ${scheme.code}.`,
        zh: `${request.period} 不是项目 ${scheme.code} 的发放期。`,
      },
      [
        {
          field: 'body.period',
          message: scheme.frequency === 'monthly' ? 'must be YYYY-MM' : 'must be YYYY',
        },
      ],
    );
  }
  const ruleSet = ruleSetFor(scheme, period.start);
  if (!ruleSet) {
    throw new ConflictError({
      en: `No rule set of ${scheme.code} is in force on ${period.start}.`,
      zh: `项目 ${scheme.code} 在 ${period.start} 没有生效的规则版本。`,
    });
  }
  const prefix = scopePrefixOf(request.region);
  const at = request.at.toISOString();
  const key = {
    scheme: scheme.code,
    period: period.id,
    region: request.region,
    partNumber: request.partNumber ?? 1,
  };
  // A later part is refused before its key is claimed when no part comes before it.
  const after = await partStart(ports, key);
  const batchId = await ports.batches.claimKey({ ...key, batchId: request.newId() });
  const existing = await ports.batches.find(batchId);
  if (existing && existing.state !== 'planning') return existing;
  const part = existing
    ? existing.part
    : await partToPlan(ports, key, after, prefix, request.lineCap ?? DEFAULT_BATCH_LINE_CAP);
  await ports.batches.createHeader({
    batchId,
    scheme: scheme.code,
    period: period.id,
    region: request.region,
    ...(part ? { part } : {}),
    state: 'planning',
    ruleVersion: ruleSet.version,
    control: { count: 0, sumFen: 0 },
    ledger: EMPTY_LEDGER,
    plannedBy: request.by,
    version: 1,
    createdAt: at,
    updatedAt: at,
    actions: [],
  });

  const lineFrom = (
    enrollment: Enrollment,
    forPeriod: string,
    facts: BeneficiaryFacts | undefined,
    lastPaid: LastPaid,
    extra: Partial<PaymentLine> = {},
  ): PaymentLine | undefined => {
    const p = periodFor(scheme, forPeriod);
    if (!p) return undefined;
    const decision = decideLine(scheme, p, enrollment, facts);
    if (!decision.include) return undefined;
    const paymentKey = linePaymentKey(scheme, p, enrollment);
    const attempt = extra.attempt ?? 1;
    // The account this batch pays (a carried line too): the one in force for the batch's period.
    const fingerprint = accountInForce(enrollment, period.id).fingerprint;
    return {
      batchId,
      lineId: `${enrollment.enrollmentId}#${p.id}`,
      enrollmentId: enrollment.enrollmentId,
      personId: enrollment.personId,
      scheme: scheme.code,
      period: p.id,
      region: enrollment.region,
      amountFen: decision.amountFen,
      ...(decision.ruleVersion !== undefined ? { ruleVersion: decision.ruleVersion } : {}),
      state: decision.state,
      ...(decision.holdReason ? { holdReason: decision.holdReason } : {}),
      paymentKey,
      attempt,
      endToEndId: endToEndIdOf(paymentKey, attempt),
      ...(fingerprint ? { accountFingerprint: fingerprint } : {}),
      accountChanged: lastPaid !== undefined && lastPaid.fingerprint !== fingerprint,
      ...(facts ? { facts } : {}),
      reasons: decision.reasons,
      updatedAt: at,
      ...extra,
    };
  };
  const lineOf = async (enrollment: Enrollment, forPeriod: string, extra: Partial<PaymentLine> = {}) =>
    lineFrom(
      enrollment,
      forPeriod,
      await loadBeneficiaryFacts(ports.projection, enrollment.personId),
      (await lastPaidAccounts(ports.batches, [enrollment], batchId)).get(enrollment.enrollmentId),
      extra,
    );

  // Held and failed lines of earlier batches come first: once payable they join this batch.
  // A carried line belongs to the part its enrolment falls in, so exactly one part takes it.
  const open = (await ports.batches.openItems(scheme.code, prefix)).filter(
    (o) => o.batchId !== batchId && inPart(part, orderKeyOf(o)),
  );
  const goOn = () => (request.timeLeftMs?.() ?? Number.POSITIVE_INFINITY) > 0;
  const carriedAll = await inBlocks(
    open,
    READ_AHEAD,
    async (group) => {
      const carried = await Promise.all(group.map((o) => carryForward(ports, o, lineOf)));
      return carried.filter((c): c is LineAddition => c !== undefined);
    },
    (additions) => addLines(ports.batches, additions),
    goOn,
  );
  // Deciding a line only reads, the facts of a block at once; lines are written a block at
  // a time, many to a transaction with one ledger update each, while the next block is read.
  const enrollments = carriedAll ? await allEnrollments(ports, scheme.code, prefix, part) : [];
  const decidedAll = await inBlocks(
    enrollments,
    WRITE_BLOCK,
    async (group) => {
      const [facts, paid] = await Promise.all([
        loadBeneficiaryFactsMany(
          ports.projection,
          group.map((e) => e.personId),
        ),
        lastPaidAccounts(ports.batches, group, batchId),
      ]);
      const lines = group.map((enrollment) =>
        lineFrom(enrollment, period.id, facts.get(enrollment.personId), paid.get(enrollment.enrollmentId)),
      );
      return lines.filter((l): l is PaymentLine => l !== undefined).map((line) => ({ line }));
    },
    (additions) => addLines(ports.batches, additions),
    goOn,
  );

  const header = (await ports.batches.find(batchId)) as Batch;
  if (header.state !== 'planning' || !carriedAll || !decidedAll) return header;
  const planned: Batch = {
    ...header,
    state: 'planned',
    control: header.ledger.pending,
    version: header.version + 1,
    updatedAt: at,
    actions: [{ type: 'planned', by: request.by, at }],
  };
  await ports.batches.saveState(planned, 'planning');
  return planned;
}

/**
 * Where part `key.partNumber` of a region starts: after the previous part's last key (that
 * part must be planned or planning: parts are planned in order); part 1 at the start.
 */
async function partStart(ports: PlanningPorts, key: BatchKey): Promise<string | undefined> {
  if (key.partNumber === 1) return undefined;
  const previous = await ports.batches.findByKey({ ...key, partNumber: key.partNumber - 1 });
  const after = previous?.part?.last;
  if (after === undefined) {
    throw new ConflictError({
      en: `Part ${key.partNumber} of this batch follows no part: part ${key.partNumber - 1} is not planned, or covers the rest of the region.`,
      zh: `该批次第 ${key.partNumber} 部分之前没有已计划且未覆盖全部的第 ${key.partNumber - 1} 部分。`,
    });
  }
  return after;
}

/**
 * The enrolments part `key.partNumber` of a region covers, from `after`: up to where the
 * next part starts when that part exists already (a cancelled part planned again),
 * otherwise up to `lineCap` enrolments, or to the region's end when fewer remain.
 */
async function partToPlan(
  ports: PlanningPorts,
  key: BatchKey,
  after: string | undefined,
  prefix: string,
  lineCap: number,
): Promise<BatchPart | undefined> {
  const next = await ports.batches.findByKey({ ...key, partNumber: key.partNumber + 1 });
  const last =
    next?.part?.after ??
    lastKeyOfPart(
      await Promise.all(
        PLANNED_STATUSES.map((status) =>
          ports.enrollments.orderKeys({
            status,
            scheme: key.scheme,
            regionPrefix: prefix,
            ...(after !== undefined ? { after } : {}),
            limit: lineCap + 1,
          }),
        ),
      ),
      lineCap,
    );
  return partOf(key.partNumber, after, last);
}

/**
 * Writes a block of lines, those already paid elsewhere held as such: their payment keys
 * are read in bulk first, so the control totals leave them out (`holdIfAlreadyPaid`).
 */
async function addLines(batches: BatchRepository, additions: readonly LineAddition[]): Promise<void> {
  const pending = additions.filter((a) => a.line.state === 'pending').map((a) => a.line.paymentKey);
  const payments = pending.length > 0 ? await batches.findPayments(pending) : new Map();
  await batches.addLines(
    additions.map((a) => ({ ...a, line: holdIfAlreadyPaid(a.line, payments.get(a.line.paymentKey)) })),
  );
}

/** The account of an enrolment's last paid line; absent when nothing was paid (or not looked up). */
type LastPaid = { readonly fingerprint?: string } | undefined;

/**
 * The account fingerprint of each enrolment's last paid line outside this batch, for the
 * enrolments whose account was ever changed: for the others every line pays the same
 * account, so no read is needed and the flag stays false.
 */
async function lastPaidAccounts(
  batches: BatchRepository,
  enrollments: readonly Enrollment[],
  batchId: string,
): Promise<Map<string, LastPaid>> {
  const changed = enrollments.filter(accountEverChanged);
  const found = await Promise.all(
    changed.map(async (e) => {
      const paid = (await batches.linesOfEnrollment(e.enrollmentId))
        .filter((l) => l.state === 'paid' && l.batchId !== batchId)
        .sort((a, b) =>
          a.period === b.period ? (a.updatedAt < b.updatedAt ? -1 : 1) : a.period < b.period ? -1 : 1,
        )
        .at(-1);
      return [
        e.enrollmentId,
        paid ? { ...(paid.accountFingerprint ? { fingerprint: paid.accountFingerprint } : {}) } : undefined,
      ] as const;
    }),
  );
  return new Map(found);
}

/**
 * Decides `items` a block at a time (`readAhead` of them at once) and writes each block
 * while the next one is decided. Writes stay in order, one block after another; before
 * each, `goOn` may stop it. True when every block was written.
 */
async function inBlocks<T, A>(
  items: readonly T[],
  readAhead: number,
  decide: (group: readonly T[]) => Promise<A[]>,
  write: (additions: A[]) => Promise<unknown>,
  goOn: () => boolean,
): Promise<boolean> {
  const decideBlock = async (start: number): Promise<A[]> => {
    const out: A[] = [];
    const end = Math.min(items.length, start + WRITE_BLOCK);
    for (let i = start; i < end; i += readAhead)
      out.push(...(await decide(items.slice(i, Math.min(end, i + readAhead)))));
    return out;
  };
  let next: Promise<A[]> | undefined = items.length > 0 ? decideBlock(0) : undefined;
  for (let start = 0; next; start += WRITE_BLOCK) {
    const block: A[] = await next;
    if (!goOn()) return false;
    next = start + WRITE_BLOCK < items.length ? decideBlock(start + WRITE_BLOCK) : undefined;
    // A failed write ends planning; the block decided meanwhile is dropped, not left unhandled.
    next?.catch(() => undefined);
    if (block.length > 0) await write(block);
  }
  return true;
}

async function carryForward(
  ports: PlanningPorts,
  open: OpenItem,
  lineOf: (e: Enrollment, period: string, extra?: Partial<PaymentLine>) => Promise<PaymentLine | undefined>,
): Promise<LineAddition | undefined> {
  const enrollment = await ports.enrollments.find(open.enrollmentId);
  if (!enrollment) return undefined;
  const earlier = await ports.batches.findLine(open.batchId, open.lineId);
  if (!earlier) return undefined;
  // A failed payment is retried under its key with the next attempt number.
  const attempt = open.reason === 'failed' ? earlier.attempt + 1 : earlier.attempt;
  const line = await lineOf(enrollment, open.period, { attempt, carriedFrom: open.batchId });
  // Held for good (paid by another province meanwhile): written held here, which closes it.
  if (line?.state === 'held' && !waitsOnOpenList(line)) return { line, closes: open };
  // Still held (or no longer due at all): it stays on the list for a later batch.
  if (line?.state !== 'pending') return undefined;
  return { line: { ...line, endToEndId: endToEndIdOf(line.paymentKey, attempt) }, closes: open };
}

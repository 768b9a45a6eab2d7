import type { MandateChanged } from '../../../shared/events/catalog';
import type { EventEnvelope } from '../../../shared/events/envelope';
import type { Batch, BatchState, LedgerBucket, LineState, PaymentLine, Tally } from './batch';
import type { BatchPart } from './batch-parts';
import type { ClaimRegister } from './claim-register';
import type { BankAccount, Enrollment, EnrollmentStatus } from './enrollment';
import type { PersonFacts } from './person-facts';
import type { CertificateHolding, HouseholdFacts } from './projection';

export interface PersonFactsRepository {
  find(personId: string): Promise<PersonFacts | undefined>;
  /** The facts of many persons at once, by person id; persons without facts are absent. */
  findMany(personIds: readonly string[]): Promise<Map<string, PersonFacts>>;
  /**
   * Stores facts unless the table already holds the same or a newer version (a concurrent
   * consumer may have won); returns whether this write took effect.
   */
  saveIfNewer(facts: PersonFacts): Promise<boolean>;
}

/** Payout's own view of registry facts beyond persons: households and certificates. */
export interface ProjectionRepository extends PersonFactsRepository {
  /** Person ids whose facts carry this cross-province reference (one, unless the registry holds a duplicate). */
  personIdsByRef(personRef: string): Promise<string[]>;
  saveHouseholdIfNewer(household: HouseholdFacts): Promise<boolean>;
  householdsOf(personId: string): Promise<HouseholdFacts[]>;
  /** `householdsOf` for many persons at once, by person id. */
  householdsOfMany(personIds: readonly string[]): Promise<Map<string, HouseholdFacts[]>>;
  /** Records a certificate; once revoked it stays revoked whatever arrives later. */
  recordCertificate(holding: CertificateHolding): Promise<void>;
  certificatesOf(householdId: string): Promise<CertificateHolding[]>;
  /** `certificatesOf` for many households at once, by household id (absent: none recorded). */
  certificatesOfMany(householdIds: readonly string[]): Promise<Map<string, CertificateHolding[]>>;
  /** Records a mandate's latest version (older versions change nothing). */
  saveMandateIfNewer(mandate: MandateChanged): Promise<boolean>;
  /** The mandates a person holds that still stand. */
  mandatesHeldBy(personId: string): Promise<MandateChanged[]>;
}

/**
 * An envelope to leave the area through the payout table's stream: stored with the
 * change that causes it, published by the payout publisher. `key` makes the write
 * idempotent (an answer to an inbound message is keyed by that message's id).
 */
export interface OutboundMessage {
  readonly key: string;
  readonly envelope: EventEnvelope;
}

/** Messages leaving the area on their own (answers to other provinces' messages). */
export interface OutboxRepository {
  /** Stores each message once per key; a repeat (a retried inbound message) changes nothing. */
  put(messages: readonly OutboundMessage[]): Promise<void>;
}

export interface Page<T> {
  readonly items: T[];
  readonly cursor?: string;
}

/** Where a claim of another province is registered: looked up by the claim id alone. */
export interface RegisteredClaimRef {
  readonly personRef: string;
  readonly scheme: string;
  readonly province: string;
}

export interface ClaimRegisterRepository {
  find(personRef: string, scheme: string): Promise<ClaimRegister | undefined>;
  findClaim(claimId: string): Promise<RegisteredClaimRef | undefined>;
  /**
   * Saves the register (conditional on the version it was read at) with outbound messages,
   * in one transaction; StaleVersionError when it changed meanwhile.
   */
  save(register: ClaimRegister, outbound: readonly OutboundMessage[]): Promise<void>;
}

export interface EnrollmentRepository {
  find(enrollmentId: string): Promise<Enrollment | undefined>;
  /** Many enrolments at once, by enrolment id; ids not found are absent. */
  findMany(enrollmentIds: readonly string[]): Promise<Map<string, Enrollment>>;
  /** Creates an enrolment; ConflictError when the person already has an open one for the scheme. */
  create(enrollment: Enrollment): Promise<void>;
  /**
   * Saves a new version (conditional on the previous one) with any outbound messages in
   * the same transaction; StaleVersionError when someone else changed it first. Ending or
   * rejecting frees the (person, scheme) slot for a new application. A claim register given
   * is saved in the same transaction, conditional on its version.
   */
  save(
    enrollment: Enrollment,
    outbound?: readonly OutboundMessage[],
    register?: ClaimRegister,
  ): Promise<void>;
  byPerson(personId: string): Promise<Enrollment[]>;
  byApplicant(subject: string): Promise<Enrollment[]>;
  /** Every enrolment, a page at a time (operator work such as key rotation; a full scan). */
  scanAll(query: { cursor?: string; limit: number }): Promise<Page<Enrollment>>;
  /**
   * Replaces the sealed account of an enrolment, on condition that it still holds `from` at
   * `version`, and moves it to the next version; false when it changed meanwhile.
   */
  resealAccount(change: {
    enrollmentId: string;
    version: number;
    /** Where the sealed account sits: `bankAccount`, `earlierAccounts[i].account`, `pendingAccountChange.account`. */
    path: string;
    from: string;
    to: string;
  }): Promise<boolean>;
  /** A page of a scheme's enrolments in one status, in order-key order (domain/batch-parts.ts). */
  list(query: {
    status: EnrollmentStatus;
    scheme: string;
    regionPrefix: string;
    /** Only enrolments whose order key falls in this part. */
    part?: BatchPart;
    cursor?: string;
    limit: number;
  }): Promise<Page<Enrollment>>;
  /** Up to `limit` order keys of a scheme's enrolments in one status, in order, after `after`. */
  orderKeys(query: {
    status: EnrollmentStatus;
    scheme: string;
    regionPrefix: string;
    after?: string;
    limit: number;
  }): Promise<string[]>;
}

/** A held or failed line waiting for a later batch of its scheme and region. */
export interface OpenItem {
  readonly scheme: string;
  readonly region: string;
  readonly period: string;
  readonly enrollmentId: string;
  readonly batchId: string;
  readonly lineId: string;
  readonly reason: 'held' | 'failed';
}

export interface LineMove {
  readonly batchId: string;
  readonly lineId: string;
  readonly from: LineState;
  readonly to: LineState;
  readonly amountFen: number;
  readonly patch?: Partial<PaymentLine>;
  /** Record the payment's failure in the same transaction, which frees its key for a retry. */
  readonly paymentFailed?: { readonly paymentKey: string };
  readonly openItem?: OpenItem;
}

/** A line's claim on its payment key for one attempt: the payment record disbursing writes. */
export interface PaymentReservation {
  readonly batchId: string;
  readonly lineId: string;
  readonly paymentKey: string;
  readonly attempt: number;
  readonly amountFen: number;
}

/** A line to add, and the open item of an earlier batch it takes over. */
export interface LineAddition {
  readonly line: PaymentLine;
  readonly closes?: OpenItem;
}

export interface Payment {
  readonly paymentKey: string;
  readonly batchId: string;
  readonly lineId: string;
  readonly attempt: number;
  /**
   * `reserved` from the moment disbursing takes the key until the payment fails, if it
   * does; a paid payment stays reserved (its line reads paid). A failed one frees the key
   * for the next attempt.
   */
  readonly state: 'reserved' | 'failed';
  readonly amountFen: number;
}

/** What names one batch: scheme, period, region, and part number (1 when not split). */
export interface BatchKey {
  readonly scheme: string;
  readonly period: string;
  readonly region: string;
  readonly partNumber: number;
}

export interface BatchRepository {
  /** The batch id holding (scheme, period, region, part), claiming it for `batchId` if free. */
  claimKey(batch: BatchKey & { readonly batchId: string }): Promise<string>;
  /** The batch holding (scheme, period, region, part), if any. */
  findByKey(key: BatchKey): Promise<Batch | undefined>;
  /** Creates the batch header unless it exists. */
  createHeader(batch: Batch): Promise<void>;
  find(batchId: string): Promise<Batch | undefined>;
  /** Saves state fields of a new version (conditional on the previous); never the ledger. */
  saveState(batch: Batch, expectedState: BatchState): Promise<void>;
  /**
   * Takes the batch's disbursing lease for `owner` until `until`, unless another owner
   * holds an unexpired one; true when taken. Keeps two workers off one batch.
   */
  acquireLease(batchId: string, owner: string, until: string, now: string): Promise<boolean>;
  /** Gives up `owner`'s lease, so the next step's worker may take the batch at once. */
  releaseLease(batchId: string, owner: string): Promise<void>;
  /** Frees the (scheme, period, region, part) key of a cancelled batch so it may be planned again. */
  releaseKey(batch: Batch): Promise<void>;
  /**
   * Adds a line and counts it in the ledger (planned and its bucket) in one transaction;
   * false when the line exists already (a re-run of planning). `closes` deletes the open
   * item the line takes over, and marks the earlier line as carried.
   */
  addLine(line: PaymentLine, closes?: OpenItem): Promise<boolean>;
  /**
   * Adds lines of one batch as `addLine` would, many to a transaction with one ledger
   * update each; answers, per entry and in order, what `addLine` would have answered.
   */
  addLines(entries: readonly LineAddition[]): Promise<boolean[]>;
  /**
   * Moves a line from one state to another with its ledger buckets, its payment record and
   * open item, all in one transaction; false when the line is no longer in `from` or the
   * payment key is taken (the caller reads why).
   */
  moveLine(move: LineMove): Promise<boolean>;
  /**
   * Moves lines of one batch as `moveLine` would, many to a transaction with one ledger
   * update each; answers, per move and in order, what `moveLine` would have answered.
   */
  moveLines(moves: readonly LineMove[]): Promise<boolean[]>;
  /**
   * Reserves the payment keys of lines of one batch, many to a transaction, without
   * writing the lines: per reservation and in order, true when the key is now this line's
   * attempt's (free, failed in an earlier attempt, or reserved by this very attempt
   * before), false when another payment holds it.
   */
  reservePayments(reservations: readonly PaymentReservation[]): Promise<boolean[]>;
  /** Records where a disbursing batch's reservations resume (`Batch.reservedThrough`). */
  saveReservedThrough(batchId: string, cursor: string): Promise<void>;
  /** Marks a disbursing batch's lines all reserved or held (`Batch.sentAt`); once. */
  markSent(batchId: string, at: string): Promise<void>;
  /**
   * Settles a disbursing batch whose pending lines the bank has all answered: moves
   * `paid` (which must be the whole pending ledger) from pending to paid and sets
   * `settledAt`, in one write. False when the batch is settled already or its pending
   * ledger is not `paid` (a concurrent change: read again).
   */
  settle(batchId: string, paid: Tally, at: string): Promise<boolean>;
  lines(
    batchId: string,
    query: { cursor?: string; limit: number; state?: LineState },
  ): Promise<Page<PaymentLine>>;
  findLine(batchId: string, lineId: string): Promise<PaymentLine | undefined>;
  linesOfEnrollment(enrollmentId: string): Promise<PaymentLine[]>;
  findPayment(paymentKey: string): Promise<Payment | undefined>;
  /** The payments recorded under these keys, by key; keys without one are absent. */
  findPayments(paymentKeys: readonly string[]): Promise<Map<string, Payment>>;
  openItems(scheme: string, regionPrefix: string): Promise<OpenItem[]>;
  list(query: {
    scheme?: string;
    regionPrefix: string;
    fromPeriod?: string;
    toPeriod?: string;
  }): Promise<Batch[]>;
  /**
   * A page of batch headers that `keep` accepts, newest period first within a scheme;
   * narrowed on the index by scheme (and period with it) when given.
   */
  page(
    query: { scheme?: string; period?: string; cursor?: string; limit: number },
    keep: (batch: Batch) => boolean,
  ): Promise<Page<Batch>>;
}

/** Where a scheme has anyone to plan for: the scheduled planner's fan-out. */
export interface PlanningScope {
  /**
   * The distinct region codes under `regionPrefix` holding an active or suspended enrolment
   * of the scheme, or a held or failed line waiting for a later batch.
   */
  regionsWithBeneficiaries(scheme: string, regionPrefix: string): Promise<string[]>;
}

/** A request to plan one batch, one per region, queued by the schedule (`payout-planning`). */
/** A batch to plan: (scheme, period, region), and the part when it is not the first. */
export interface PlanningRequest {
  readonly scheme: string;
  readonly period: string;
  readonly region: string;
  readonly part?: number;
}

export interface PlanningQueue {
  request(requests: readonly PlanningRequest[]): Promise<void>;
}

export type { LedgerBucket };

/** The enrolment fields a sealed account is read from: it opens only for its own enrolment. */
export type SealedAccountOf = Pick<Enrollment, 'enrollmentId'> & {
  readonly bankAccount: Pick<Enrollment['bankAccount'], 'encrypted'>;
};

/**
 * Bank accounts sealed under the field keys (envelope encryption; KMS in the cloud), each
 * bound to its enrolment. Decrypted accounts exist in memory only.
 */
export interface BankAccountVault {
  /** The key new accounts are sealed under. */
  readonly currentKeyId: string;
  seal(account: BankAccount, enrollmentId: string): Promise<string>;
  open(enrollment: SealedAccountOf): Promise<BankAccount>;
  /** Opens many accounts, in order, a few at a time. */
  openMany(enrollments: readonly SealedAccountOf[]): Promise<BankAccount[]>;
  /** The key an enrolment's account is sealed under, read from the sealed value itself. */
  keyIdOf(enrollment: SealedAccountOf): string;
}

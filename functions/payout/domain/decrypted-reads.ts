import type { Role } from '../../../shared/manifest';

/** A person whose decrypted account a read disclosed, by the payment line it was read for. */
export interface ReadSubject {
  readonly lineId: string;
  readonly enrollmentId: string;
  readonly personId: string;
}

/**
 * Why decrypted accounts were read. `bank-file`: the batch's payment file, handed to the
 * bank or checked against what the bank received; `bank-query`: answering the bank about
 * a payment; `audit`: an auditor's or approver's check of the file.
 */
export type ReadPurpose = 'bank-file' | 'bank-query' | 'audit';
export const READ_PURPOSES: readonly ReadPurpose[] = ['bank-file', 'bank-query', 'audit'];

/**
 * One read of decrypted bank accounts by a person: who (token subject), in which roles and
 * region scope, through which route, of which batch and persons, when and why. Recorded
 * before the accounts leave the service, kept append-only, and shaped so the access log of
 * a family's data can take the entries over.
 */
export interface DecryptedRead {
  readonly readId: string;
  readonly at: string;
  readonly by: string;
  readonly roles: readonly Role[];
  /** The caller's region scope (a region-code prefix). */
  readonly scopePrefix: string;
  /** The route key, e.g. `GET /v1/payout-batches/{batchId}/payment-file`. */
  readonly route: string;
  readonly purpose: ReadPurpose;
  readonly batchId: string;
  readonly subjects: readonly ReadSubject[];
}

/** The append-only record of reads of decrypted accounts. */
export interface DecryptedReadLog {
  /**
   * Records a read, whole or not at all, before the decrypted accounts are handed out; an
   * entry once written is never changed or removed, and a second write of the same read
   * id changes nothing.
   */
  recordDecryptedRead(read: DecryptedRead): Promise<void>;
  /** The reads of one batch's accounts, oldest first, each with all its subjects. */
  decryptedReadsOf(batchId: string): Promise<DecryptedRead[]>;
}

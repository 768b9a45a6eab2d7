import type { BankSignature } from './bank-trust';

/** A status report as the bank sent it: the document and the bank's signature over its bytes. */
export interface SignedReport {
  readonly document: string;
  readonly signature?: BankSignature;
}

/** A status report read as it arrives, for reports too large to hold as one string. */
export interface StreamedReport {
  readonly chunks: AsyncIterable<string>;
  readonly signature?: BankSignature;
}

/**
 * The bank, as payout sees it: a credit-transfer file goes in, status reports come back.
 * A bank must treat a repeated message id as the same file (ISO 20022 duplicate check),
 * so re-sending after a crash answers the first report again instead of paying twice.
 * Every report carries the bank's signature; payout verifies it and matches the report
 * to a file it sent before changing anything (domain/disburse.ts).
 */
/**
 * A pain.001 file's text, written as it is sent: each call starts it again from the
 * beginning (a retried upload), so a file of any size is never held whole.
 */
export type FileText = () => AsyncIterable<string> | Iterable<string>;

export interface BankRail {
  /** Submits a pain.001 file; answers the bank's first pain.002 status report. */
  submit(messageId: string, pain001: FileText): Promise<SignedReport>;
  /** Sequence numbers of the later status reports (returns after settlement) after `after`, oldest first. */
  laterReports(after: number): Promise<number[]>;
  /** One later report, streamed. */
  report(seq: number): Promise<StreamedReport>;
}

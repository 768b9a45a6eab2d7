export const PAIN_002_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:pain.002.001.10';

/** Settled (ACSC) is paid; rejected (RJCT) is failed, or returned when it had been paid; the rest wait. */
export type TransactionOutcome = 'paid' | 'rejected' | 'pending';

export interface TransactionStatus {
  readonly endToEndId: string;
  readonly status: string;
  readonly outcome: TransactionOutcome;
  readonly reasonCode?: string;
}

export interface StatusReport {
  readonly messageId: string;
  readonly originalMessageId: string;
  readonly transactions: readonly TransactionStatus[];
}

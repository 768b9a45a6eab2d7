/**
 * The bank, as payout sees it: a credit-transfer file goes in, status reports come back.
 * A bank must treat a repeated message id as the same file (ISO 20022 duplicate check),
 * so re-sending after a crash answers the first report again instead of paying twice.
 */
export interface BankRail {
  /** Submits a pain.001 file; answers the bank's first pain.002 status report. */
  submit(messageId: string, pain001: string): Promise<string>;
  /** Later status reports (returns after settlement) numbered after `after`, oldest first. */
  laterReports(after: number): Promise<{ seq: number; document: string }[]>;
}

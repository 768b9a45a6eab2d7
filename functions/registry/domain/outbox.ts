import type { EventType } from '../../../shared/events/catalog';

/**
 * A message for another province, as the registry asks the exchange to deliver it. It
 * leaves through the table stream: either derived from a stored record (a person's move, a
 * registered birth) or written as an outbox item in the same transaction as the change it
 * reports (acks, certificate verification), so nothing is sent that was not stored and
 * nothing stored is left unsent.
 */
export interface OutboxMessage {
  /** ULID, stored (or derived from a stored id), so a retried publisher sends the same id. */
  readonly messageId: string;
  /** Two-digit code of the receiving province. */
  readonly recipient: string;
  readonly type: EventType;
  /** An opaque case reference: never a resident ID or person reference. */
  readonly subject: string;
  readonly data: unknown;
  readonly correlationid?: string;
  readonly createdAt: string;
}

import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';

/**
 * Whether DynamoDB refused a write because its condition did not hold: a conditional put,
 * update or delete, or a transaction one of whose conditions failed. Such a refusal is an
 * answer (the item was there already, is newer, or changed meanwhile), not a fault.
 */
export const conditionFailed = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException ||
  (error instanceof TransactionCanceledException &&
    (error.CancellationReasons ?? []).some((reason) => reason.Code === 'ConditionalCheckFailed'));

/** Whether a transaction was cancelled because the condition of its `index`th item did not hold. */
export const conditionFailedAt = (error: unknown, index: number): boolean =>
  error instanceof TransactionCanceledException &&
  error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed';

/**
 * Awaits a conditional write: true when it was written, false when its condition did not
 * hold. Any other failure is thrown.
 */
export async function writtenIfCondition(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (conditionFailed(error)) return false;
    throw error;
  }
}

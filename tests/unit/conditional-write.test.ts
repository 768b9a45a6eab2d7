import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { conditionFailed, conditionFailedAt, writtenIfCondition } from '../../shared/aws/conditional-write';

const conditionalCheck = () => new ConditionalCheckFailedException({ message: 'condition', $metadata: {} });
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe('conditional writes', () => {
  it('tells a failed condition, alone or in a transaction, from any other failure', () => {
    expect(conditionFailed(conditionalCheck())).toBe(true);
    expect(conditionFailed(cancelled('None', 'ConditionalCheckFailed'))).toBe(true);
    expect(conditionFailed(cancelled('TransactionConflict'))).toBe(false);
    expect(conditionFailed(new Error('throttled'))).toBe(false);
    expect(conditionFailedAt(cancelled('None', 'ConditionalCheckFailed'), 1)).toBe(true);
    expect(conditionFailedAt(cancelled('None', 'ConditionalCheckFailed'), 0)).toBe(false);
  });

  it('answers whether the write happened, and throws what is not a failed condition', async () => {
    expect(await writtenIfCondition(Promise.resolve({}))).toBe(true);
    expect(await writtenIfCondition(Promise.reject(conditionalCheck()))).toBe(false);
    await expect(writtenIfCondition(Promise.reject(new Error('throttled')))).rejects.toThrow('throttled');
  });
});

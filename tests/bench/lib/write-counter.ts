import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

type Input = Record<string, unknown>;
type Output = { UnprocessedItems?: Record<string, unknown[]> };

/** The items a write request asks to put, update or delete; 0 for a read. */
const itemsOf = (input: Input, command: string): number => {
  switch (command) {
    case 'PutItemCommand':
    case 'UpdateItemCommand':
    case 'DeleteItemCommand':
      return 1;
    case 'TransactWriteItemsCommand':
      return ((input.TransactItems as Record<string, unknown>[] | undefined) ?? []).filter(
        (t) => t.Put || t.Update || t.Delete,
      ).length;
    case 'BatchWriteItemCommand':
      return Object.values((input.RequestItems as Record<string, unknown[]> | undefined) ?? {}).reduce(
        (sum, requests) => sum + requests.length,
        0,
      );
    default:
      return 0;
  }
};

/**
 * Counts, at the client, the table items DynamoDB accepted writes to: a refused call (a
 * failed condition, a cancelled transaction) wrote nothing and counts nothing, and a batch's
 * unprocessed items are taken off. Index writes are not counted: DynamoDB Local does not
 * report them as AWS would, so the capacity model derives them from the indexes' keys.
 * `take()` answers the count since the last call and starts again.
 */
export function countItemWrites(client: DynamoDBClient): { take(): number } {
  let items = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const asked = itemsOf(args.input as Input, String(context.commandName));
      const result = await next(args);
      const unprocessed = Object.values((result.output as Output).UnprocessedItems ?? {}).reduce(
        (sum, requests) => sum + requests.length,
        0,
      );
      items += asked - unprocessed;
      return result;
    },
    { step: 'initialize', name: 'benchItemWriteCounter' },
  );
  return {
    take() {
      const count = items;
      items = 0;
      return count;
    },
  };
}

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

type Output = {
  Item?: unknown;
  Items?: unknown[];
  Responses?: Record<string, unknown[]>;
};

const READS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand']);

/** The items a read answered with: the item of a GetItem, the items of a query or a batch. */
const itemsOf = (output: Output): number =>
  (output.Item ? 1 : 0) +
  (output.Items?.length ?? 0) +
  Object.values(output.Responses ?? {}).reduce((sum, items) => sum + items.length, 0);

export interface ReadCount {
  /** Read calls made: GetItem, BatchGetItem, Query, Scan. */
  readonly requests: number;
  /** Items those calls answered with. */
  readonly items: number;
}

/**
 * Counts, at the client, the reads made of DynamoDB: calls and the items they answered with
 * (a transaction's condition checks are not reads here). `take()` answers the counts since
 * the last call and starts again.
 */
export function countReads(client: DynamoDBClient): { take(): ReadCount } {
  let requests = 0;
  let items = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (READS.has(String(context.commandName))) {
        requests += 1;
        items += itemsOf(result.output as Output);
      }
      return result;
    },
    { step: 'initialize', name: 'benchReadCounter' },
  );
  return {
    take() {
      const count = { requests, items };
      requests = 0;
      items = 0;
      return count;
    },
  };
}

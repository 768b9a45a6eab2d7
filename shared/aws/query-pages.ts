import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

/**
 * The items a query matches, page after page, following `LastEvaluatedKey` until the last
 * page. The caller stops reading when it has enough; no page is asked for before it is
 * needed, so a caller that stops early reads only what it used (give `Limit` to keep a
 * page no larger than that).
 */
export async function* queryItems(
  db: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): AsyncGenerator<Record<string, unknown>> {
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.send(new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }));
    yield* out.Items ?? [];
    start = out.LastEvaluatedKey;
  } while (start);
}

/**
 * Fast seeding for the benchmarks: the repositories' own writes are captured instead of
 * sent, then stored with BatchWriteItem (25 items a request, several requests at once).
 * The items are exactly those the repositories write; their conditions are dropped, which
 * is sound only for fresh, unique generated data, never for anything already stored.
 */
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { pool } from './stats';

type Item = Record<string, unknown>;

/**
 * A document client that keeps every put (plain or in a transaction) for a later bulk
 * write. Any other write (an update, such as adding to a person's household ids) goes to
 * `passThrough` as it is, one at a time.
 */
export function recordingClient(passThrough: DynamoDBDocumentClient): {
  readonly client: DynamoDBDocumentClient;
  take(): Map<string, Item[]>;
} {
  let items = new Map<string, Item[]>();
  const keep = (table: string | undefined, item: Item | undefined) => {
    if (!table || !item) throw new Error('a captured put without table or item');
    const list = items.get(table) ?? [];
    list.push(item);
    items.set(table, list);
  };
  const client = {
    async send(command: unknown) {
      if (command instanceof PutCommand) keep(command.input.TableName, command.input.Item);
      else if (command instanceof TransactWriteCommand) {
        for (const t of command.input.TransactItems ?? []) {
          if (!t.Put) throw new Error('seeding captures puts only');
          keep(t.Put.TableName, t.Put.Item);
        }
      } else return passThrough.send(command as Parameters<DynamoDBDocumentClient['send']>[0]);
      return {};
    },
  };
  return {
    client: client as unknown as DynamoDBDocumentClient,
    take() {
      const taken = items;
      items = new Map();
      return taken;
    },
  };
}

/** Stores items with BatchWriteItem, `concurrency` requests at once, until none is left unprocessed. */
export async function batchWriteAll(
  db: DynamoDBDocumentClient,
  items: Map<string, Item[]>,
  concurrency: number,
): Promise<void> {
  const requests: { table: string; items: Item[] }[] = [];
  for (const [table, all] of items)
    for (let i = 0; i < all.length; i += 25) requests.push({ table, items: all.slice(i, i + 25) });
  await pool(requests.length, concurrency, async (n) => {
    const { table, items: chunk } = requests[n] as { table: string; items: Item[] };
    let pending: NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']> = {
      [table]: chunk.map((Item) => ({ PutRequest: { Item } })),
    };
    for (let attempt = 0; Object.keys(pending).length > 0; attempt++) {
      if (attempt > 20) throw new Error('seeding: items left unprocessed after 20 attempts');
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
      const out = await db.send(new BatchWriteCommand({ RequestItems: pending }));
      pending = (out.UnprocessedItems ?? {}) as typeof pending;
    }
  });
}

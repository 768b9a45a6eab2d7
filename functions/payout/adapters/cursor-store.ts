import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';

/** A named integer cursor in the payout table (how far the bank's later reports were read). */
export function dynamoCursor(db: DynamoDBDocumentClient, table: string, name: string) {
  const Key = { pk: `CURSOR#${name}`, sk: 'CURSOR' };
  return {
    async get(): Promise<number> {
      const { Item } = await db.send(new GetCommand({ TableName: table, Key, ConsistentRead: true }));
      return Number(Item?.value ?? 0);
    },
    async set(value: number): Promise<void> {
      await db.send(new PutCommand({ TableName: table, Item: { ...Key, entity: 'Cursor', value } }));
    },
  };
}

import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { writtenIfCondition } from '../../../shared/aws/conditional-write';
import { decodeCursor, encodeCursor } from '../../../shared/http/cursor';
import {
  AccessAction,
  type AccessEntry,
  type AccessLog,
  type AccessPage,
  accessEntryExpiry,
  PartyAccessEntry,
  StaffAccessEntry,
} from '../domain/access-log';

const sortKey = (entry: AccessEntry) => `${entry.at}#${entry.readId}`;

/**
 * An access entry as stored. Entries written before mandate actions were logged carry
 * neither `actor` nor `action`: they are staff reads, and read as such.
 */
const StoredAccessEntry = z.union([
  PartyAccessEntry,
  StaffAccessEntry.extend({
    actor: StaffAccessEntry.shape.actor.default('staff'),
    action: AccessAction.default('read'),
  }),
]);

const toEntry = (item: unknown): AccessEntry => StoredAccessEntry.parse(item);

/**
 * The put that appends one entry: keyed by person, indexed by staff member (gsi1) when staff
 * made it, both newest last, and only if no item holds its key, so an entry, once written,
 * is never overwritten. An entry a person made in the app names no staff member and is not
 * indexed by one. Shared with the mandate adapter, which writes it in the mandate's
 * transaction.
 */
export const accessEntryPut = (table: string, entry: AccessEntry) => ({
  TableName: table,
  Item: {
    pk: `ACCESS#${entry.personId}`,
    sk: sortKey(entry),
    entity: 'AccessEntry',
    ...(entry.actor === 'staff'
      ? { gsi1pk: `ACCESSBY#${entry.subject}`, gsi1sk: `${sortKey(entry)}#${entry.personId}` }
      : {}),
    expiresAt: accessEntryExpiry(entry.at),
    ...entry,
  },
  ConditionExpression: 'attribute_not_exists(pk)',
});

/** Where a merged page of several persons' entries stopped: the last entry's sort key and person. */
const Position = z.object({ sk: z.string().min(1), personId: z.string().min(1) });

/**
 * The access log in the registry table. Each entry is put once under a condition that no
 * item holds its key, so an entry, once written, is never overwritten; this adapter has no
 * update or delete. Entries expire through the table's TTL after the retention period.
 */
export function dynamoAccessLog(db: DynamoDBDocumentClient, table: string): AccessLog {
  const query = async (personId: string, limit: number, before?: { sk: string; inclusive: boolean }) => {
    const out = await db.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: before ? `pk = :pk AND sk ${before.inclusive ? '<=' : '<'} :sk` : 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `ACCESS#${personId}`, ...(before ? { ':sk': before.sk } : {}) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => ({ sk: String(item.sk), entry: toEntry(item) }));
  };

  return {
    async append(entries) {
      for (const entry of entries) {
        // Kept once: an entry already there was appended by an earlier delivery.
        await writtenIfCondition(db.send(new PutCommand(accessEntryPut(table, entry))));
      }
    },

    async ofPersons(personIds, limit, after): Promise<AccessPage> {
      const position = after === undefined ? undefined : Position.parse(decodeCursor(after));
      // Newest first across persons, ties broken by person id (descending): a person sorting
      // at or after the last one shown continues strictly before its sort key.
      const pages = await Promise.all(
        personIds.map(async (personId) => ({
          personId,
          rows: await query(
            personId,
            limit + 1,
            position ? { sk: position.sk, inclusive: personId < position.personId } : undefined,
          ),
        })),
      );
      const rows = pages
        .flatMap((p) => p.rows)
        .sort((a, b) =>
          a.sk === b.sk ? (a.entry.personId < b.entry.personId ? 1 : -1) : a.sk < b.sk ? 1 : -1,
        );
      const shown = rows.slice(0, limit);
      const last = shown.at(-1);
      return {
        items: shown.map((r) => r.entry),
        ...(rows.length > limit && last
          ? { next: encodeCursor({ sk: last.sk, personId: last.entry.personId }) }
          : {}),
      };
    },

    async ofStaff(subject, limit, after): Promise<AccessPage> {
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': `ACCESSBY#${subject}` },
          ScanIndexForward: false,
          Limit: limit,
          ...(after ? { ExclusiveStartKey: decodeCursor(after) } : {}),
        }),
      );
      const next = encodeCursor(out.LastEvaluatedKey);
      return { items: (out.Items ?? []).map(toEntry), ...(next ? { next } : {}) };
    },
  };
}

import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { StaleVersionError } from '../../../shared/domain/errors';
import type { BirthRegistrationElsewhere } from '../domain/birth-elsewhere';
import type { BirthsElsewhereReader } from '../domain/birth-registration-ports';
import type { InboundEffect, InboundStore } from '../domain/inbound-ports';
import type { OutboxMessage } from '../domain/outbox';
import type { RemoteVerification, RemoteVerificationStore } from '../domain/remote-verification';
import { heldDeathNoticeItem } from './held-death-notices';
import { outboxItem } from './outbox-item';
import { personActionItem, personItem } from './person-item';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/*
 * Items of the exchange with other provinces, in the registry table:
 *   INBOX#<messageId> / INBOX                 a handled message: its outcome (idempotency marker)
 *   BREGX#<id> / REGION#<region>              a birth registered elsewhere, one copy per hukou
 *                                             region here (gsi1 lists it under that region)
 *   RVERIFY#<requestId> / RVERIFY             a remote certificate verification and its answer
 *   HELDDEATH#<noticeId> / HELDDEATH          a death notice held for a registrar (held-death-notices.ts)
 *   OUTBOX#<messageId>#<recipient> / OUTBOX   a message for another province (outbox-item.ts)
 */
const inboxKey = (messageId: string) => ({ pk: `INBOX#${messageId}`, sk: 'INBOX' });
const verificationKey = (requestId: string) => ({ pk: `RVERIFY#${requestId}`, sk: 'RVERIFY' });
const ELSEWHERE_STATUS_KEY = 'BREGSTATUS#registered-elsewhere';

const elsewhereItems = (record: BirthRegistrationElsewhere) =>
  record.regionScope.map((region) => ({
    pk: `BREGX#${record.registrationId}`,
    sk: `REGION#${region}`,
    entity: 'BirthRegistrationElsewhere',
    gsi1pk: ELSEWHERE_STATUS_KEY,
    gsi1sk: `${region}#${record.registrationId}`,
    ...record,
  }));

const strip = <T>(item: Record<string, unknown>): T => {
  const { pk: _pk, sk: _sk, entity: _e, gsi1pk: _a, gsi1sk: _b, ...rest } = item;
  return rest as T;
};

const verificationItem = (verification: RemoteVerification) => ({
  ...verificationKey(verification.requestId),
  entity: 'RemoteVerification',
  ...verification,
});

function effectItems(table: string, effect: InboundEffect): TransactItem[] {
  switch (effect.kind) {
    case 'person':
      return [
        {
          Put: {
            TableName: table,
            Item: personItem(effect.next, effect.residentIdHash),
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': effect.expectedVersion },
          },
        },
        {
          Put: {
            TableName: table,
            Item: personActionItem(effect.action),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ];
    case 'birth-elsewhere':
      return elsewhereItems(effect.record).map((Item) => ({
        Put: { TableName: table, Item, ConditionExpression: 'attribute_not_exists(pk)' },
      }));
    case 'held-death-notice':
      return [
        {
          Put: {
            TableName: table,
            Item: heldDeathNoticeItem(effect.notice),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ];
    case 'verification':
      return [
        {
          Put: {
            TableName: table,
            Item: verificationItem(effect.next),
            ConditionExpression: '#status = :pending',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':pending': 'pending' },
          },
        },
      ];
  }
}

const outboxPut = (table: string, message: OutboxMessage): TransactItem => ({
  Put: { TableName: table, Item: outboxItem(message), ConditionExpression: 'attribute_not_exists(pk)' },
});

/**
 * Handled messages from other provinces: the marker, the records the message changes and
 * the answers to send, in one transaction, so a message is acted on and answered exactly
 * once however often it is delivered.
 */
export function dynamoInboundStore(db: DynamoDBDocumentClient, table: string): InboundStore {
  return {
    async seen(messageId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: inboxKey(messageId), ConsistentRead: true }),
      );
      return Item !== undefined;
    },
    async commit(commit) {
      const items: TransactItem[] = [
        {
          Put: {
            TableName: table,
            Item: {
              ...inboxKey(commit.messageId),
              entity: 'InboundMessage',
              messageId: commit.messageId,
              sourceProvince: commit.sourceProvince,
              type: commit.type,
              receivedAt: commit.receivedAt,
              ...commit.outcome,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...commit.effects.flatMap((effect) => effectItems(table, effect)),
        ...commit.outbox.map((message) => outboxPut(table, message)),
      ];
      try {
        await db.send(new TransactWriteCommand({ TransactItems: items }));
        return 'committed';
      } catch (error) {
        if (error instanceof TransactionCanceledException) {
          if (error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return 'duplicate';
          throw new StaleVersionError('A record changed while the message was handled; it will be retried.');
        }
        throw error;
      }
    },
  };
}

/** Births registered in other provinces, listed by hukou region (read-only). */
export function dynamoBirthsElsewhere(db: DynamoDBDocumentClient, table: string): BirthsElsewhereReader {
  return {
    async find(registrationId) {
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `BREGX#${registrationId}` },
          ConsistentRead: true,
          Limit: 1,
        }),
      );
      const [item] = out.Items ?? [];
      return item ? strip<BirthRegistrationElsewhere>(item) : undefined;
    },
    async listByRegion(regionPrefix, limit, start) {
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :region)',
          ExpressionAttributeValues: { ':pk': ELSEWHERE_STATUS_KEY, ':region': regionPrefix },
          Limit: limit,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      return {
        items: (out.Items ?? []).map((item) => strip<BirthRegistrationElsewhere>(item)),
        ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}),
      };
    },
  };
}

/** Remote certificate verifications: asked here, answered by the issuing province. */
export function dynamoRemoteVerifications(
  db: DynamoDBDocumentClient,
  table: string,
): RemoteVerificationStore {
  return {
    async find(requestId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: verificationKey(requestId), ConsistentRead: true }),
      );
      if (!Item) return undefined;
      const { pk: _pk, sk: _sk, entity: _e, ...verification } = Item;
      return verification as RemoteVerification;
    },
    async request(verification, message) {
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: table,
                Item: verificationItem(verification),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            outboxPut(table, message),
          ],
        }),
      );
    },
  };
}

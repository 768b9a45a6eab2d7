import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { batchGetAll } from '../../../shared/aws/batch-get';
import { conditionFailedAt, writtenIfCondition } from '../../../shared/aws/conditional-write';
import { queryItems } from '../../../shared/aws/query-pages';
import { ConflictError, StaleVersionError } from '../../../shared/domain/errors';
import { decodeCursor, encodeCursor } from '../../../shared/http/cursor';
import type { Enrollment } from '../domain/enrollment';
import type { EnrollmentRepository, OutboundMessage } from '../domain/ports';
import { claimRegisterWrites, staleRegister } from './claim-register-repository';
import { outboxPut } from './outbox';

const key = (id: string) => ({ pk: `ENROLLMENT#${id}`, sk: 'ENROLLMENT' });
/** One open enrolment per person and scheme: a guard item written with it. */
const guardKey = (e: Pick<Enrollment, 'personId' | 'scheme'>) => ({
  pk: `ENROLLMENT-OF#${e.personId}#${e.scheme}`,
  sk: 'GUARD',
});

const FINAL = new Set(['ended', 'rejected']);

function item(e: Enrollment) {
  return {
    ...key(e.enrollmentId),
    entity: 'Enrollment',
    ...e,
    gsi1pk: `PERSON#${e.personId}`,
    gsi1sk: `ENROLLMENT#${e.scheme}#${e.enrollmentId}`,
    gsi2pk: `ENROLLMENTS#${e.status}#${e.scheme}`,
    gsi2sk: `${e.region}#${e.enrollmentId}`,
    ...(e.applicantSubject
      ? { gsi3pk: `APPLICANT#${e.applicantSubject}`, gsi3sk: `ENROLLMENT#${e.enrollmentId}` }
      : {}),
  };
}

function fromItem(raw: Record<string, unknown>): Enrollment {
  const {
    pk: _a,
    sk: _b,
    entity: _c,
    gsi1pk: _d,
    gsi1sk: _e,
    gsi2pk: _f,
    gsi2sk: _g,
    gsi3pk: _h,
    gsi3sk: _i,
    ...rest
  } = raw;
  return rest as unknown as Enrollment;
}

/** Enrolments in the payout table, with their (person, scheme) guard and list indexes. */
/** Sorts above every character of an order key. */
const PAST = '\uffff';

/**
 * The key condition for a scheme's enrolments in one status under a region prefix, after
 * one order key and up to another (both optional). Order keys are all as long
 * (`<six-digit region>#<26-character ULID>`), so `${after}!` is past `after` and before
 * every later key ('!' sorts below every character of a key).
 */
function orderKeyRange(
  pk: string,
  regionPrefix: string,
  after: string | undefined,
  last: string | undefined,
) {
  const from = after !== undefined && after >= regionPrefix ? `${after}!` : regionPrefix;
  const to = last !== undefined && last < `${regionPrefix}${PAST}` ? last : `${regionPrefix}${PAST}`;
  return {
    KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': pk, ':from': from, ':to': to },
  };
}

export function dynamoEnrollmentRepository(db: DynamoDBDocumentClient, table: string): EnrollmentRepository {
  const query = async (index: string, pk: string, prefix: string) => {
    const out = await db.send(
      new QueryCommand({
        TableName: table,
        IndexName: index,
        KeyConditionExpression: `${index}pk = :pk AND begins_with(${index}sk, :sk)`,
        ExpressionAttributeValues: { ':pk': pk, ':sk': prefix },
      }),
    );
    return (out.Items ?? []).map(fromItem);
  };
  return {
    async find(enrollmentId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: key(enrollmentId), ConsistentRead: true }),
      );
      return Item ? fromItem(Item) : undefined;
    },
    async findMany(enrollmentIds) {
      const items = await batchGetAll(db, table, enrollmentIds.map(key));
      return new Map(
        items.map((i) => {
          const e = fromItem(i);
          return [e.enrollmentId, e];
        }),
      );
    },
    async create(enrollment) {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: {
                    ...guardKey(enrollment),
                    entity: 'EnrollmentGuard',
                    enrollmentId: enrollment.enrollmentId,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: table,
                  Item: item(enrollment),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        );
      } catch (error) {
        if (conditionFailedAt(error, 0)) {
          throw new ConflictError('This person already has an open enrolment in this scheme.');
        }
        throw error;
      }
    },
    async save(enrollment, outbound: readonly OutboundMessage[] = [], register?) {
      const release = FINAL.has(enrollment.status)
        ? [
            {
              Delete: {
                TableName: table,
                Key: guardKey(enrollment),
                ConditionExpression: 'enrollmentId = :id',
                ExpressionAttributeValues: { ':id': enrollment.enrollmentId },
              },
            },
          ]
        : [];
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: item(enrollment),
                  ConditionExpression: 'version = :previous',
                  ExpressionAttributeValues: { ':previous': enrollment.version - 1 },
                },
              },
              ...release,
              ...(register ? claimRegisterWrites(table, register) : []),
              ...outbound.map((m) => ({ Put: outboxPut(table, m) })),
            ],
          }),
        );
      } catch (error) {
        if (conditionFailedAt(error, 0))
          throw new StaleVersionError('The enrolment changed meanwhile; read it again.');
        if (register && conditionFailedAt(error, 1 + release.length)) throw staleRegister();
        throw error;
      }
    },
    byPerson: (personId) => query('gsi1', `PERSON#${personId}`, 'ENROLLMENT#'),
    byApplicant: (subject) => query('gsi3', `APPLICANT#${subject}`, 'ENROLLMENT#'),
    async list({ status, scheme, regionPrefix, part, cursor, limit }) {
      const start = decodeCursor(cursor);
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'gsi2',
          ...orderKeyRange(`ENROLLMENTS#${status}#${scheme}`, regionPrefix, part?.after, part?.last),
          Limit: limit,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      const next = encodeCursor(out.LastEvaluatedKey);
      return { items: (out.Items ?? []).map(fromItem), ...(next ? { cursor: next } : {}) };
    },
    async orderKeys({ status, scheme, regionPrefix, after, limit }) {
      const keys: string[] = [];
      for await (const item of queryItems(db, {
        TableName: table,
        IndexName: 'gsi2',
        ...orderKeyRange(`ENROLLMENTS#${status}#${scheme}`, regionPrefix, after, undefined),
        ProjectionExpression: 'gsi2sk',
        Limit: limit,
      })) {
        keys.push(z.string().parse(item.gsi2sk));
        if (keys.length >= limit) break;
      }
      return keys;
    },
    async scanAll({ cursor, limit }) {
      // A full scan, for rare operator work (key rotation); `limit` counts items read, not kept.
      const start = decodeCursor(cursor);
      const out = await db.send(
        new ScanCommand({
          TableName: table,
          FilterExpression: 'entity = :entity',
          ExpressionAttributeValues: { ':entity': 'Enrollment' },
          Limit: limit,
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      const next = encodeCursor(out.LastEvaluatedKey);
      return { items: (out.Items ?? []).map(fromItem), ...(next ? { cursor: next } : {}) };
    },
    async resealAccount({ enrollmentId, version, path, from, to }) {
      // The path comes from the domain's own list of places, never from a request.
      if (!/^(bankAccount|earlierAccounts\[\d+\]\.account|pendingAccountChange\.account)$/.test(path)) {
        throw new Error(`not a place of a sealed account: ${path}`);
      }
      return writtenIfCondition(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: key(enrollmentId),
            // A new version, so a writer holding the old one fails instead of writing the old seal back.
            UpdateExpression: `SET ${path}.encrypted = :to, version = :next`,
            ConditionExpression: `version = :version AND ${path}.encrypted = :from`,
            ExpressionAttributeValues: {
              ':to': to,
              ':from': from,
              ':version': version,
              ':next': version + 1,
            },
          }),
        ),
      );
    },
  };
}

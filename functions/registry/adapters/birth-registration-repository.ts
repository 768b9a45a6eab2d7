import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../../../shared/aws/batch-get';
import { conditionFailed } from '../../../shared/aws/conditional-write';
import { ConflictError, StaleVersionError } from '../../../shared/domain/errors';
import { type BirthDetails, type BirthRegistration, deriveStatus } from '../domain/birth-registration';
import type { BirthRegistrationRepository, DuplicateKeys } from '../domain/birth-registration-ports';
import type { FieldCipher } from './field-cipher';
import { commitRegistration } from './registration-commit';

/** A family's registrations are few; this bounds one parent's list all the same. */
const MAX_PER_PARENT = 100;

const key = (id: string) => ({ pk: `BREG#${id}`, sk: 'BREG' });
/** Index entries that find a family's registrations by a parent's person reference, whoever filed them. */
const parentIndexItems = (registration: BirthRegistration) =>
  [registration.parentRefs?.mother, registration.parentRefs?.father].flatMap((ref) =>
    ref
      ? [
          {
            pk: `BREGPARENT#${ref}`,
            sk: `BREG#${registration.registrationId}`,
            entity: 'BirthRegistrationIndex',
            registrationId: registration.registrationId,
          },
        ]
      : [],
  );
const claimKeys = (keys: DuplicateKeys) => [
  { pk: `BDUP#${keys.motherAndBirthDate}`, sk: 'BDUP' },
  ...(keys.child ? [{ pk: `BCHILD#${keys.child}`, sk: 'BCHILD' }] : []),
];

type Mapper = (value: string) => string;

/** Applies `map` to every resident ID in the details. */
function mapDetailIds(details: BirthDetails, map: Mapper): BirthDetails {
  return {
    ...details,
    child: details.child.residentId
      ? { ...details.child, residentId: map(details.child.residentId) }
      : details.child,
    mother: { ...details.mother, residentId: map(details.mother.residentId) },
    ...(details.father ? { father: { ...details.father, residentId: map(details.father.residentId) } } : {}),
  };
}

/** Applies `map` to every resident ID in a registration: details and corrections' old and new values. */
function mapIds(registration: BirthRegistration, map: Mapper): BirthRegistration {
  const mapValue = (v: unknown) => (typeof v === 'string' ? map(v) : v);
  return {
    ...registration,
    details: mapDetailIds(registration.details, map),
    actions: registration.actions.map((action) =>
      action.changes
        ? {
            ...action,
            changes: Object.fromEntries(
              Object.entries(action.changes).map(([path, change]) =>
                path.endsWith('residentId')
                  ? [path, { from: mapValue(change.from), to: mapValue(change.to) }]
                  : [path, change],
              ),
            ),
          }
        : action,
    ),
  };
}

/**
 * Birth registrations in the registry table, one item each with its whole (append-only)
 * action history; resident IDs inside are encrypted field by field. The status is derived
 * from the actions and copied into the index keys only, so lists can be queried by status
 * and residence region, and a family's by a parent's person reference.
 */
export function birthRegistrationItem(cipher: FieldCipher) {
  return (registration: BirthRegistration) => {
    const status = deriveStatus(registration.actions);
    const current = registration.actions.at(-1);
    return {
      ...key(registration.registrationId),
      entity: 'BirthRegistration',
      gsi1pk: `BREGSTATUS#${status}`,
      gsi1sk: `${registration.details.residenceRegion}#${registration.registrationId}`,
      lastActionType: current?.type,
      ...mapIds(registration, cipher.encrypt),
    };
  };
}

export function dynamoBirthRegistrationRepository(
  db: DynamoDBDocumentClient,
  table: string,
  cipher: FieldCipher,
): BirthRegistrationRepository {
  const item = birthRegistrationItem(cipher);
  const fromItem = (stored: Record<string, unknown>): BirthRegistration => {
    const {
      pk: _pk,
      sk: _sk,
      entity: _e,
      gsi1pk: _a,
      gsi1sk: _b,
      gsi2pk: _c,
      gsi2sk: _d,
      lastActionType: _l,
      ...rest
    } = stored;
    return mapIds(rest as unknown as BirthRegistration, cipher.decrypt);
  };
  const page = async (input: ConstructorParameters<typeof QueryCommand>[0]) => {
    const out = await db.send(new QueryCommand(input));
    return {
      items: (out.Items ?? []).map(fromItem),
      ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}),
    };
  };

  return {
    async add(registration, keys, claim) {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: item(registration),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              ...parentIndexItems(registration).map((Item) => ({ Put: { TableName: table, Item } })),
              ...(claim
                ? claimKeys(keys).map((k) => ({
                    Put: {
                      TableName: table,
                      Item: { ...k, entity: 'BirthClaim', registrationId: registration.registrationId },
                      ConditionExpression: 'attribute_not_exists(pk)',
                    },
                  }))
                : []),
            ],
          }),
        );
      } catch (error) {
        if (error instanceof TransactionCanceledException) {
          throw new ConflictError(
            'The same birth was registered at the same moment; submit again to have it reviewed.',
          );
        }
        throw error;
      }
    },

    async find(id) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: key(id), ConsistentRead: true }),
      );
      return Item ? fromItem(Item) : undefined;
    },

    async findDuplicate(keys) {
      for (const k of claimKeys(keys)) {
        const { Item } = await db.send(new GetCommand({ TableName: table, Key: k, ConsistentRead: true }));
        if (Item) return String(Item.registrationId);
      }
      return undefined;
    },

    async save(next, expectedVersion) {
      try {
        await db.send(
          new PutCommand({
            TableName: table,
            Item: item(next),
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': expectedVersion },
          }),
        );
      } catch (error) {
        if (conditionFailed(error)) {
          throw new StaleVersionError(
            'The registration was changed by someone else; read it again and retry.',
          );
        }
        throw error;
      }
      // A corrected parent's resident ID makes a new reference: index it too (readers check
      // the registration's current references, so the old entry finds nothing).
      for (const Item of parentIndexItems(next)) await db.send(new PutCommand({ TableName: table, Item }));
    },

    listByStatus: (status, regionPrefix, limit, start) =>
      page({
        TableName: table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :region)',
        ExpressionAttributeValues: { ':pk': `BREGSTATUS#${status}`, ':region': regionPrefix },
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),

    async listByParent(personRef) {
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
          ExpressionAttributeValues: { ':pk': `BREGPARENT#${personRef}`, ':sk': 'BREG#' },
          ScanIndexForward: false,
          Limit: MAX_PER_PARENT,
        }),
      );
      const ids = (out.Items ?? []).map((i) => String(i.registrationId));
      const found = (await batchGetAll(db, table, ids.map(key))).map(fromItem);
      return found
        .filter((r) => r.parentRefs?.mother === personRef || r.parentRefs?.father === personRef)
        .sort((a, b) => (a.registrationId < b.registrationId ? 1 : -1));
    },

    commitRegistration: (outcome) => commitRegistration(db, table, item, outcome),

    async nextSerial(region, year) {
      const out = await db.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: `COUNTER#BREG#${region}#${year}`, sk: 'COUNTER' },
          UpdateExpression: 'ADD serial :one SET entity = :entity',
          ExpressionAttributeValues: { ':one': 1, ':entity': 'Counter' },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(out.Attributes?.serial);
    },
  };
}

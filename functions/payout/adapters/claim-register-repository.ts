import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { conditionFailedAt } from '../../../shared/aws/conditional-write';
import { StaleVersionError } from '../../../shared/domain/errors';
import type { ClaimRegister } from '../domain/claim-register';
import type { ClaimRegisterRepository } from '../domain/ports';
import { outboxPut } from './outbox';

const registerKey = (personRef: string, scheme: string) => ({
  pk: `CLAIMS#${personRef}#${scheme}`,
  sk: 'REGISTER',
});
/** A pointer from a claim id to its register: withdrawals name the claim only. */
const claimKey = (claimId: string) => ({ pk: `CLAIM#${claimId}`, sk: 'CLAIM' });

const RegisteredClaimItem = z.object({
  claimId: z.string(),
  province: z.string(),
  fromPeriod: z.string(),
  region: z.string(),
  state: z.enum(['granted', 'waiting', 'released']),
  registeredAt: z.string(),
  changedAt: z.string(),
});
const ClaimRegisterItem = z.object({
  personRef: z.string(),
  scheme: z.string(),
  claims: z.array(RegisteredClaimItem),
  paidThrough: z.string().optional(),
  version: z.number().int().positive(),
});
const ClaimPointerItem = z.object({ personRef: z.string(), scheme: z.string(), province: z.string() });

/**
 * The transaction items that store a register: the register itself, conditional on the
 * version it was read at (absent for version 0), and a pointer per claim. The register
 * item is first, so a failed condition at index 0 means someone changed it meanwhile.
 */
export function claimRegisterWrites(table: string, register: ClaimRegister) {
  const { personRef, scheme, claims, paidThrough } = register;
  return [
    {
      Put: {
        TableName: table,
        Item: {
          ...registerKey(personRef, scheme),
          entity: 'ClaimRegister',
          personRef,
          scheme,
          claims,
          ...(paidThrough ? { paidThrough } : {}),
          version: register.version + 1,
        },
        ...(register.version === 0
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: 'version = :read',
              ExpressionAttributeValues: { ':read': register.version },
            }),
      },
    },
    ...claims.map((c) => ({
      Put: {
        TableName: table,
        Item: { ...claimKey(c.claimId), entity: 'ClaimPointer', personRef, scheme, province: c.province },
      },
    })),
  ];
}

export const staleRegister = () =>
  new StaleVersionError('The cross-province claims of this person changed meanwhile; try again.');

export function dynamoClaimRegisterRepository(
  db: DynamoDBDocumentClient,
  table: string,
): ClaimRegisterRepository {
  const get = async (key: { pk: string; sk: string }) =>
    (await db.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
  return {
    async find(personRef, scheme) {
      const item = await get(registerKey(personRef, scheme));
      return item ? ClaimRegisterItem.parse(item) : undefined;
    },
    async findClaim(claimId) {
      const item = await get(claimKey(claimId));
      return item ? ClaimPointerItem.parse(item) : undefined;
    },
    async save(register, outbound) {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              ...claimRegisterWrites(table, register),
              ...outbound.map((m) => ({ Put: outboxPut(table, m) })),
            ],
          }),
        );
      } catch (error) {
        if (conditionFailedAt(error, 0)) throw staleRegister();
        throw error;
      }
    },
  };
}

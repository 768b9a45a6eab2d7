import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { AppendOnlyRecord, FunctionSpec } from '../../shared/manifest';
import type { DataStack } from '../stacks/data-stack';
import { type Acknowledgements, wildcardActionFinding, wildcardResourceFinding } from './nag';
import { pascal } from './names';

/** Why KMS grants made by CDK grant methods carry wildcard actions. */
const KMS_WILDCARD_REASON =
  'CDK grant methods add kms:GenerateDataKey* and kms:ReEncrypt* (the variants DynamoDB and SQS ' +
  'call for envelope encryption), restricted to the one customer-managed key of the table or queues.';

/**
 * Grants what the manifest lists, through the resources' own grant methods (which add the
 * key permissions too), and records the wildcard findings those grants produce.
 * Triggers grant their own permissions (see function-triggers.ts).
 */
export function grantManifestAccess(
  scope: Construct,
  fn: IFunction,
  spec: FunctionSpec,
  data: DataStack,
  findings: Acknowledgements,
): void {
  for (const { table, access } of spec.tables) {
    const protectedTable = data.table(table);
    const ref = protectedTable.referenceIn(scope, `${pascal(table)}Table`);
    if (access === 'read') {
      ref.grantReadData(fn);
    } else {
      ref.grantReadWriteData(fn);
      denyChangingAppendOnly(fn, spec, ref.tableArn, data.appendOnly.get(table) ?? []);
      findings.add(wildcardActionFinding('kms:GenerateDataKey*'), KMS_WILDCARD_REASON);
      findings.add(wildcardActionFinding('kms:ReEncrypt*'), KMS_WILDCARD_REASON);
    }
    if (protectedTable.indexes.length > 0) {
      findings.add(
        wildcardResourceFinding(scope, `${ref.tableArn}/index/*`),
        `Queries the global secondary indexes (${protectedTable.indexes.join(', ')}) of table ` +
          `${protectedTable.tableName}; the wildcard covers only that table's indexes.`,
      );
    }
  }
  for (const { queue } of spec.sends) {
    data.queue(queue).queue.grantSendMessages(fn);
    findings.add(wildcardActionFinding('kms:GenerateDataKey*'), KMS_WILDCARD_REASON);
    findings.add(wildcardActionFinding('kms:ReEncrypt*'), KMS_WILDCARD_REASON);
  }
  for (const secret of spec.secrets ?? []) {
    data.secret(secret).grantRead(scope, `${pascal(secret)}Secret`, fn);
  }
  grantFieldKeys(fn, spec, data);
}

/**
 * Append-only records stay so whatever the code does: a writer of the table may not
 * update or delete their items (nor delete through a batch write), and only their named
 * writers may put any. A put cannot be limited to new items by IAM; the writer's code puts
 * on condition that the item does not exist.
 */
function denyChangingAppendOnly(
  fn: IFunction,
  spec: FunctionSpec,
  tableArn: string,
  records: readonly AppendOnlyRecord[],
): void {
  for (const { prefix, writers } of records) {
    const actions = ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
    if (!writers.includes(spec.name)) actions.push('dynamodb:PutItem');
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.DENY,
        actions,
        resources: [tableArn],
        conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': [`${prefix}*`] } },
      }),
    );
  }
}

/**
 * The field keys, for the fields the manifest names only: sealing may ask the current key
 * for data keys (kms:GenerateDataKey), opening may unwrap them under the current or a
 * retiring key (kms:Decrypt), each only with the encryption context of that field. A role
 * that may open bank accounts cannot use the keys for anything else, nor seal.
 */
function grantFieldKeys(fn: IFunction, spec: FunctionSpec, data: DataStack): void {
  for (const { field, use } of spec.fieldKeys ?? []) {
    const keys = data.requireFieldKeys();
    const [table, name] = field.split('/');
    const conditions = {
      StringEquals: { 'kms:EncryptionContext:table': table, 'kms:EncryptionContext:field': name },
    };
    if (use !== 'open') {
      fn.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['kms:GenerateDataKey'],
          resources: [keys.current.keyArn],
          conditions,
        }),
      );
    }
    if (use !== 'seal') {
      fn.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['kms:Decrypt'],
          resources: [keys.current.keyArn, ...keys.retiring.map((k) => k.keyArn)],
          conditions,
        }),
      );
    }
  }
}

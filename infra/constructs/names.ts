/**
 * Physical names. Stateful resources carry fixed names so operators (and the runbook) can
 * find them, and so a retained table or queue is never silently replaced by a new one
 * with a generated name: a rename fails loudly instead. The province is part of every
 * name, so several provinces can share one account.
 */

/** `jiahe-p33`: the prefix of every physical name of one province's deployment. */
export const resourcePrefix = (province: string): string => `jiahe-p${province}`;

/** `Jiahe-P33-Data`: CloudFormation stack names. */
export const stackName = (province: string, part: string): string => `Jiahe-P${province}-${part}`;

/** `jiahe-p33-registry`: a DynamoDB table's name. */
export const tablePhysicalName = (province: string, table: string): string =>
  `${resourcePrefix(province)}-${table}`;

/** `jiahe-p33-payout-inbound`: an SQS queue's name (DLQs append `-dlq`). */
export const queuePhysicalName = (province: string, queue: string): string =>
  `${resourcePrefix(province)}-${queue}`;

/** `jiahe/p33/resident-id-hash-key`: a Secrets Manager secret's name. */
export const secretPhysicalName = (province: string, secret: string): string =>
  `jiahe/p${province}/${secret}`;

/** `alias/jiahe-p33/registry-table`: a KMS key alias. */
export const keyAlias = (province: string, purpose: string): string =>
  `alias/${resourcePrefix(province)}/${purpose}`;

/** `Registry`, `PayoutInbound`: a construct-id friendly form of a kebab-case name. */
export const pascal = (name: string): string =>
  name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

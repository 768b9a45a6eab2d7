import { setTimeout as sleep } from 'node:timers/promises';
import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type TableDescription,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  AREAS,
  type AreaManifest,
  type AreaName,
  type QueueSpec,
  type TableName,
} from '../../shared/manifest';

export { localClientConfig } from './clients';

/** Where a queue is: its URL for SDK calls, its ARN for policies and redrive. */
export interface QueueAddress {
  readonly url: string;
  readonly arn: string;
}

/** A queue and the dead-letter queue its failed messages move to. */
export interface QueueResource extends QueueAddress {
  readonly dlqUrl: string;
  readonly dlqArn: string;
}

/** Physical names and addresses of one province's tables and queues. */
export interface ProvinceResources {
  readonly province: string;
  /** Physical table name by logical name, e.g. `registry` → `p33-registry`. */
  readonly tables: Record<TableName, string>;
  /** Stream ARN of each area table that has a stream. */
  readonly streams: Partial<Record<AreaName, string>>;
  /** By logical queue name, e.g. `payout-inbound`. */
  readonly queues: Record<string, QueueResource>;
  /** Failure destination (a queue) of each area stream that feeds at least one function. */
  readonly streamDlqs: Partial<Record<AreaName, QueueAddress>>;
}

export interface ProvisionInput {
  /** Two-digit province code (GB/T 2260), e.g. `33` for Zhejiang. */
  readonly province: string;
  readonly dynamodb: DynamoDBClient;
  readonly sqs: SQSClient;
  /** Every area's manifest: a province always has all of them. */
  readonly manifests: readonly AreaManifest[];
}

/** The physical name of a province's resource: `p33-registry`, `p33-payout-inbound-dlq`. */
export const physicalName = (province: string, logicalName: string): string => `p${province}-${logicalName}`;

const TABLES: readonly TableName[] = [...AREAS, 'idempotency'];
const DAY_SECONDS = 86_400;
/** Stream failures are kept as long as SQS allows: they are the only trace of a lost change. */
const STREAM_DLQ_RETENTION_SECONDS = 14 * DAY_SECONDS;
const ACTIVE_TIMEOUT_MS = 60_000;

/**
 * Creates a province's tables and queues from the manifests, mirroring the CDK data stack:
 * one table per area (`pk`/`sk`, GSIs `<name>pk`/`<name>sk` projecting all attributes,
 * on-demand billing, NEW_AND_OLD_IMAGES stream where the manifest asks, TTL on `expiresAt`),
 * the Powertools idempotency table (`id`, TTL on `expiration`), each queue with its DLQ and
 * redrive policy, and a DLQ for every stream that feeds a function.
 *
 * Idempotent: resources that already exist (a persisted data folder, a second call) are
 * reused, brought up to date where that is possible in place (a new GSI, a stream switched
 * on, queue attributes), and their stream ARNs looked up. Resolves once every table is ACTIVE.
 */
export const provisionProvince = async (input: ProvisionInput): Promise<ProvinceResources> => {
  const { province, dynamodb, sqs, manifests } = input;
  if (!/^\d{2}$/.test(province)) throw new Error(`Province must be a two-digit code, got '${province}'`);
  const missing = AREAS.filter((area) => !manifests.some((m) => m.area === area));
  if (missing.length > 0) throw new Error(`Manifests missing for area(s): ${missing.join(', ')}`);
  const name = (logical: string) => physicalName(province, logical);
  const specs = [
    ...manifests.map((m) => areaTable(name(m.area), m)),
    idempotencyTableSpec(name('idempotency')),
  ];

  const [created, queueEntries, dlqEntries] = await Promise.all([
    Promise.all(specs.map((spec) => ensureTable(dynamodb, spec))),
    Promise.all(
      manifests
        .flatMap((m) => m.queues)
        .map(async (q) => [q.name, await ensureQueueWithDlq(sqs, name(q.name), q)] as const),
    ),
    Promise.all(
      streamsWithSubscribers(manifests).map(
        async (area) =>
          [
            area,
            await ensureQueue(sqs, name(`${area}-stream-dlq`), {
              MessageRetentionPeriod: String(STREAM_DLQ_RETENTION_SECONDS),
            }),
          ] as const,
      ),
    ),
  ]);
  // Existing tables are brought up to date one after another, after everything else: index
  // builds are slow background jobs, and one at a time keeps DynamoDB Local's job pool free.
  const tables: TableDescription[] = [];
  for (const [i, spec] of specs.entries()) tables.push(await bringUpToDate(dynamodb, spec, created[i]));

  const streams: Partial<Record<AreaName, string>> = {};
  for (const m of manifests) {
    const arn = tables.find((t) => t.TableName === name(m.area))?.LatestStreamArn;
    if (m.table.stream && arn !== undefined) streams[m.area] = arn;
  }
  return {
    province,
    tables: Object.fromEntries(TABLES.map((t) => [t, name(t)])) as Record<TableName, string>,
    streams,
    queues: Object.fromEntries(queueEntries),
    streamDlqs: Object.fromEntries(dlqEntries),
  };
};

/** What a table must look like, and which attribute its TTL reads. */
interface TableSpecification {
  readonly create: CreateTableCommandInput & { TableName: string };
  readonly ttlAttribute: string;
}

const stringKey = (AttributeName: string): AttributeDefinition => ({ AttributeName, AttributeType: 'S' });

const areaTable = (tableName: string, manifest: AreaManifest): TableSpecification => {
  const { indexes, stream, keysOnly = [] } = manifest.table;
  return {
    ttlAttribute: 'expiresAt',
    create: {
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        stringKey('pk'),
        stringKey('sk'),
        ...indexes.flatMap((i) => [stringKey(`${i}pk`), stringKey(`${i}sk`)]),
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      // DynamoDB rejects an empty index list, so none is sent for a table without indexes.
      GlobalSecondaryIndexes:
        indexes.length === 0
          ? undefined
          : indexes.map((i) => ({
              IndexName: i,
              KeySchema: [
                { AttributeName: `${i}pk`, KeyType: 'HASH' },
                { AttributeName: `${i}sk`, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: keysOnly.includes(i) ? 'KEYS_ONLY' : 'ALL' },
            })),
      StreamSpecification: stream ? { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } : undefined,
    },
  };
};

/** The layout Powertools idempotency expects by default. */
const idempotencyTableSpec = (tableName: string): TableSpecification => ({
  ttlAttribute: 'expiration',
  create: {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [stringKey('id')],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  },
});

/** Creates the table unless it exists, waits until it is ACTIVE, and switches TTL on. */
const ensureTable = async (dynamodb: DynamoDBClient, spec: TableSpecification): Promise<TableDescription> => {
  const { TableName } = spec.create;
  if ((await describeTable(dynamodb, TableName)) === undefined) {
    try {
      await dynamodb.send(new CreateTableCommand(spec.create));
    } catch (error) {
      // Someone else created it between our look and our create: theirs is as good as ours.
      if ((error as Error).name !== 'ResourceInUseException') throw error;
    }
  }
  const table = await waitUntilActive(dynamodb, TableName);
  await ensureTtl(dynamodb, TableName, spec.ttlAttribute);
  return table;
};

const describeTable = async (dynamodb: DynamoDBClient, TableName: string) => {
  try {
    return (await dynamodb.send(new DescribeTableCommand({ TableName }))).Table;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
};

/**
 * Adds what a manifest gained since the table was created (GSIs, a stream), as a CDK deploy
 * would, and returns the table as it now is. Key schema and stream view type cannot change in
 * place: those are reported.
 */
const bringUpToDate = async (
  dynamodb: DynamoDBClient,
  spec: TableSpecification,
  table: TableDescription | undefined,
): Promise<TableDescription> => {
  const { TableName, KeySchema, StreamSpecification } = spec.create;
  if (table === undefined) throw new Error(`Table ${TableName} vanished while being provisioned`);
  const keyOf = (keys: typeof KeySchema) => JSON.stringify(keys?.map((k) => [k.AttributeName, k.KeyType]));
  if (keyOf(table.KeySchema) !== keyOf(KeySchema)) {
    throw new Error(`Table ${TableName} exists with another key schema; delete it (or its data folder)`);
  }
  const wanted = StreamSpecification?.StreamViewType;
  const actual = table.StreamSpecification?.StreamEnabled
    ? table.StreamSpecification.StreamViewType
    : undefined;
  if (wanted !== undefined && actual !== undefined && wanted !== actual) {
    throw new Error(`Table ${TableName} has a ${actual} stream, the manifest wants ${wanted}`);
  }
  const present = new Set(table.GlobalSecondaryIndexes?.map((i) => i.IndexName));
  const missing = (spec.create.GlobalSecondaryIndexes ?? []).filter((i) => !present.has(i.IndexName));
  if (missing.length === 0 && (wanted === undefined || actual !== undefined)) return table;

  if (wanted !== undefined && actual === undefined) {
    await dynamodb.send(new UpdateTableCommand({ TableName, StreamSpecification }));
  }
  for (const index of missing) {
    // One index per UpdateTable, each after the previous one is built.
    await waitUntilActive(dynamodb, TableName);
    const keys = new Set(index.KeySchema?.map((k) => k.AttributeName));
    await dynamodb.send(
      new UpdateTableCommand({
        TableName,
        AttributeDefinitions: spec.create.AttributeDefinitions?.filter((a) => keys.has(a.AttributeName)),
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
  }
  return waitUntilActive(dynamodb, TableName);
};

const waitUntilActive = async (dynamodb: DynamoDBClient, TableName: string): Promise<TableDescription> => {
  const deadline = Date.now() + ACTIVE_TIMEOUT_MS;
  for (;;) {
    const table = await describeTable(dynamodb, TableName);
    const pending = (table?.GlobalSecondaryIndexes ?? []).filter((i) => i.IndexStatus !== 'ACTIVE');
    if (table?.TableStatus === 'ACTIVE' && pending.length === 0) return table;
    if (Date.now() > deadline) {
      const what = pending.map((i) => `index ${i.IndexName} ${i.IndexStatus}`).join(', ');
      throw new Error(
        `Table ${TableName} not ACTIVE after ${ACTIVE_TIMEOUT_MS} ms (${what || table?.TableStatus})`,
      );
    }
    await sleep(100);
  }
};

/** Errors meaning the endpoint does not implement TTL at all, which is tolerable locally. */
const TTL_UNSUPPORTED = new Set(['UnknownOperationException', 'UnrecognizedClientException']);

const ensureTtl = async (dynamodb: DynamoDBClient, TableName: string, AttributeName: string) => {
  try {
    const { TimeToLiveDescription: ttl } = await dynamodb.send(new DescribeTimeToLiveCommand({ TableName }));
    const on = ttl?.TimeToLiveStatus === 'ENABLED' || ttl?.TimeToLiveStatus === 'ENABLING';
    if (on && ttl?.AttributeName === AttributeName) return;
    if (on) throw new Error(`Table ${TableName} has TTL on ${ttl?.AttributeName}, expected ${AttributeName}`);
    await dynamodb.send(
      new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: true, AttributeName } }),
    );
  } catch (error) {
    if (!TTL_UNSUPPORTED.has((error as Error).name)) throw error;
  }
};

/** Areas whose table stream feeds at least one function, in any manifest. */
const streamsWithSubscribers = (manifests: readonly AreaManifest[]): AreaName[] =>
  manifests
    .filter((m) => m.table.stream)
    .map((m) => m.area)
    .filter((area) => manifests.some((m) => m.functions.some((fn) => fn.stream?.table === area)));

const ensureQueueWithDlq = async (
  sqs: SQSClient,
  queueName: string,
  spec: QueueSpec,
): Promise<QueueResource> => {
  const retention = String(spec.retentionDays * DAY_SECONDS);
  const dlq = await ensureQueue(sqs, `${queueName}-dlq`, { MessageRetentionPeriod: retention });
  const queue = await ensureQueue(sqs, queueName, {
    VisibilityTimeout: String(spec.visibilityTimeoutSeconds),
    MessageRetentionPeriod: retention,
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: spec.maxReceiveCount }),
  });
  return { ...queue, dlqUrl: dlq.url, dlqArn: dlq.arn };
};

/**
 * Creates the queue if needed, then sets its attributes. Creating without attributes and
 * setting them afterwards keeps a rerun from failing where an existing queue's attributes
 * differ (CreateQueue refuses that) and applies manifest changes to it.
 */
const ensureQueue = async (
  sqs: SQSClient,
  QueueName: string,
  Attributes: Record<string, string>,
): Promise<QueueAddress> => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName }));
  if (QueueUrl === undefined) throw new Error(`CreateQueue ${QueueName} returned no URL`);
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes }));
  const { Attributes: read } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = read?.QueueArn;
  if (arn === undefined) throw new Error(`Queue ${QueueName} has no QueueArn`);
  return { url: QueueUrl, arn };
};

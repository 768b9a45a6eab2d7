import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import {
  GetQueueAttributesCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { manifests } from '../../functions/manifests';
import { localClientConfig } from '../../local/services/clients';
import { startDynamoDbLocal } from '../../local/services/dynamodb-local';
import { listeningAddresses, type RunningService } from '../../local/services/ports';
import { type ProvinceResources, provisionProvince } from '../../local/services/provision';
import { startSqsLocal } from '../../local/services/sqs-local';
import type { AreaManifest } from '../../shared/manifest';

/** Start and stop times seen in this run, printed at the end. */
const timings: Record<string, number> = {};
const timed = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
  const started = performance.now();
  try {
    return await work();
  } finally {
    timings[label] = Math.round(performance.now() - started);
  }
};

afterAll(() => {
  console.info(`emulator timings (ms): ${JSON.stringify(timings)}`);
});

const clientsFor = (dynamodbEndpoint: string, sqsEndpoint: string) => ({
  dynamodb: new DynamoDBClient(localClientConfig(dynamodbEndpoint)),
  streams: new DynamoDBStreamsClient(localClientConfig(dynamodbEndpoint)),
  sqs: new SQSClient(localClientConfig(sqsEndpoint)),
});

/** Resolves if a TCP connection to host:port is accepted, rejects with the socket error if not. */
const tryConnect = (host: string, port: number): Promise<void> =>
  new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: 2_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error('timeout'));
    });
    socket.once('error', reject);
  });

const nonLoopbackAddresses = (): string[] =>
  Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((info) => !info.internal && !info.address.startsWith('fe80'))
    .map((info) => info.address);

describe('local emulators, in memory', () => {
  let dynamo: RunningService;
  let sqsService: RunningService;
  let clients: ReturnType<typeof clientsFor>;
  let p33: ProvinceResources;
  let p51: ProvinceResources;

  beforeAll(async () => {
    [dynamo, sqsService] = await Promise.all([
      timed('dynamodb start (cold)', () => startDynamoDbLocal({ port: 0 })),
      timed('sqs start', () => startSqsLocal({ port: 0 })),
    ]);
    clients = clientsFor(dynamo.endpoint, sqsService.endpoint);
  }, 60_000);

  afterAll(async () => {
    for (const client of Object.values(clients ?? {})) client.destroy();
    await Promise.all([
      dynamo && timed('dynamodb stop', () => dynamo.stop()),
      sqsService && timed('sqs stop', () => sqsService.stop()),
    ]);
  });

  test('both listen on 127.0.0.1 only', async () => {
    for (const service of [dynamo, sqsService]) {
      expect(service.endpoint).toBe(`http://127.0.0.1:${service.port}`);
      expect(await listeningAddresses(service.port)).toEqual(['127.0.0.1']);
      await tryConnect('127.0.0.1', service.port);
      // The machine's other addresses must not reach it (a socket on every interface would answer).
      for (const address of nonLoopbackAddresses()) {
        await expect(tryConnect(address, service.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      }
    }
  });

  test('provisions provinces 33 and 51 side by side with the data stack layout', async () => {
    [p33, p51] = await timed('provision 33+51', () =>
      Promise.all([
        provisionProvince({ province: '33', manifests, dynamodb: clients.dynamodb, sqs: clients.sqs }),
        provisionProvince({ province: '51', manifests, dynamodb: clients.dynamodb, sqs: clients.sqs }),
      ]),
    );
    for (const [code, resources] of [
      ['33', p33],
      ['51', p51],
    ] as const) {
      expect(resources.tables).toEqual({
        registry: `p${code}-registry`,
        payout: `p${code}-payout`,
        exchange: `p${code}-exchange`,
        idempotency: `p${code}-idempotency`,
      });
      // Derived from the manifests: streams where a table asks, every queue, a stream DLQ
      // where a stream feeds a function.
      expect(Object.keys(resources.streams).sort()).toEqual(
        manifests
          .filter((m) => m.table.stream)
          .map((m) => m.area)
          .sort(),
      );
      expect(Object.keys(resources.queues).sort()).toEqual(
        manifests.flatMap((m) => m.queues.map((q) => q.name)).sort(),
      );
      expect(Object.keys(resources.streamDlqs).sort()).toEqual(
        manifests
          .filter((m) => m.functions.some((fn) => fn.stream))
          .map((m) => m.area)
          .sort(),
      );
    }
    const { TableNames } = await clients.dynamodb.send(new ListTablesCommand({}));
    expect(TableNames).toEqual(
      expect.arrayContaining([...Object.values(p33.tables), ...Object.values(p51.tables)]),
    );
  });

  test('area tables: pk/sk, GSIs, on-demand, streams, TTL on expiresAt', async () => {
    for (const manifest of manifests) {
      const name = p33.tables[manifest.area];
      const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: name }));
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect(Table?.KeySchema).toEqual([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
      expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual(
        [...manifest.table.indexes].sort(),
      );
      for (const index of Table?.GlobalSecondaryIndexes ?? []) {
        expect(index.KeySchema).toEqual([
          { AttributeName: `${index.IndexName}pk`, KeyType: 'HASH' },
          { AttributeName: `${index.IndexName}sk`, KeyType: 'RANGE' },
        ]);
        const keysOnly = manifest.table.keysOnly?.includes(index.IndexName ?? '') ?? false;
        expect(index.Projection?.ProjectionType).toBe(keysOnly ? 'KEYS_ONLY' : 'ALL');
        expect(index.IndexStatus).toBe('ACTIVE');
      }
      if (manifest.table.stream) {
        expect(Table?.StreamSpecification).toEqual({
          StreamEnabled: true,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        });
        expect(Table?.LatestStreamArn).toBe(p33.streams[manifest.area]);
      } else {
        expect(Table?.StreamSpecification?.StreamEnabled ?? false).toBe(false);
        expect(p33.streams[manifest.area]).toBeUndefined();
      }
      const ttl = await clients.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: name }));
      expect(ttl.TimeToLiveDescription).toMatchObject({
        TimeToLiveStatus: 'ENABLED',
        AttributeName: 'expiresAt',
      });
    }
  });

  test('idempotency table: id key, TTL on expiration', async () => {
    const TableName = p51.tables.idempotency;
    const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName }));
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.GlobalSecondaryIndexes).toBeUndefined();
    const ttl = await clients.dynamodb.send(new DescribeTimeToLiveCommand({ TableName }));
    expect(ttl.TimeToLiveDescription).toMatchObject({
      TimeToLiveStatus: 'ENABLED',
      AttributeName: 'expiration',
    });
  });

  test('queues: names, loopback URLs, settings and redrive to the DLQ', async () => {
    const spec = manifests.flatMap((m) => m.queues).find((q) => q.name === 'payout-inbound');
    const queue = p33.queues['payout-inbound'];
    expect(queue?.url).toBe(`${sqsService.endpoint}/000000000000/p33-payout-inbound`);
    expect(queue?.dlqUrl).toBe(`${sqsService.endpoint}/000000000000/p33-payout-inbound-dlq`);
    expect(queue?.arn).toBe('arn:aws:sqs:us-east-1:000000000000:p33-payout-inbound');
    const { Attributes } = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queue?.url, AttributeNames: ['All'] }),
    );
    expect(Attributes?.VisibilityTimeout).toBe(String(spec?.visibilityTimeoutSeconds));
    expect(Attributes?.MessageRetentionPeriod).toBe(String((spec?.retentionDays ?? 0) * 86_400));
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: queue?.dlqArn,
      maxReceiveCount: spec?.maxReceiveCount,
    });
    const dlq = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queue?.dlqUrl, AttributeNames: ['MessageRetentionPeriod'] }),
    );
    expect(dlq.Attributes?.MessageRetentionPeriod).toBe(Attributes?.MessageRetentionPeriod);
    expect(p51.streamDlqs.registry?.url).toBe(`${sqsService.endpoint}/000000000000/p51-registry-stream-dlq`);

    const { QueueUrls } = await clients.sqs.send(new ListQueuesCommand({}));
    expect(QueueUrls?.map((url) => url.split('/').at(-1)).sort()).toEqual(
      expect.arrayContaining([
        'p33-payout-inbound',
        'p33-payout-inbound-dlq',
        'p33-registry-stream-dlq',
        'p51-payout-inbound',
        'p51-payout-inbound-dlq',
        'p51-registry-stream-dlq',
      ]),
    );
  });

  test('provisioning again changes nothing and returns the same resources', async () => {
    const before = await clients.dynamodb.send(new ListTablesCommand({}));
    const again = await timed('provision 33 again', () =>
      provisionProvince({ province: '33', manifests, dynamodb: clients.dynamodb, sqs: clients.sqs }),
    );
    expect(again).toEqual(p33);
    expect(await clients.dynamodb.send(new ListTablesCommand({}))).toMatchObject({
      TableNames: before.TableNames,
    });
  });

  test('conditional writes and transactions', async () => {
    const TableName = p33.tables.payout;
    const item = { pk: { S: 'PAYMENT#s1#2026-11#b1' }, sk: { S: 'PAYMENT' }, amount: { N: '500' } };
    const putOnce = () =>
      clients.dynamodb.send(
        new PutItemCommand({ TableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    await putOnce();
    await expect(putOnce()).rejects.toBeInstanceOf(ConditionalCheckFailedException);

    const batch = (status: string, condition: string) =>
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Put: {
              TableName,
              Item: { pk: { S: 'BATCH#b1' }, sk: { S: 'BATCH' }, status: { S: status } },
              ConditionExpression: condition,
            },
          },
          {
            Put: {
              TableName,
              Item: { pk: { S: 'BATCH#b1' }, sk: { S: `EVENT#${status}` } },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      });
    await clients.dynamodb.send(batch('planned', 'attribute_not_exists(pk)'));
    // The second transaction's first condition fails, so neither of its writes happens.
    await expect(
      clients.dynamodb.send(batch('submitted', 'attribute_not_exists(pk)')),
    ).rejects.toBeInstanceOf(TransactionCanceledException);
    const read = (sk: string) =>
      clients.dynamodb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'BATCH#b1' }, sk: { S: sk } } }));
    expect((await read('BATCH')).Item?.status?.S).toBe('planned');
    expect((await read('EVENT#submitted')).Item).toBeUndefined();
  });

  test('a write shows up as a NEW_AND_OLD_IMAGES stream record', async () => {
    const TableName = p51.tables.registry;
    await clients.dynamodb.send(
      new PutItemCommand({ TableName, Item: { pk: { S: 'PERSON#p1' }, sk: { S: 'PERSON' }, v: { N: '1' } } }),
    );
    await clients.dynamodb.send(
      new PutItemCommand({ TableName, Item: { pk: { S: 'PERSON#p1' }, sk: { S: 'PERSON' }, v: { N: '2' } } }),
    );
    const { StreamDescription } = await clients.streams.send(
      new DescribeStreamCommand({ StreamArn: p51.streams.registry }),
    );
    const shard = StreamDescription?.Shards?.[0];
    const { ShardIterator } = await clients.streams.send(
      new GetShardIteratorCommand({
        StreamArn: p51.streams.registry,
        ShardId: shard?.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    let iterator = ShardIterator;
    const records = [];
    for (let attempt = 0; attempt < 20 && records.length < 2 && iterator; attempt++) {
      const page = await clients.streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
      records.push(...(page.Records ?? []));
      iterator = page.NextShardIterator;
      if (records.length < 2) await sleep(100);
    }
    expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY']);
    expect(records[1]?.dynamodb?.OldImage?.v).toEqual({ N: '1' });
    expect(records[1]?.dynamodb?.NewImage?.v).toEqual({ N: '2' });
  });

  test('a message received more than maxReceiveCount times moves to the DLQ', async () => {
    const queue = p51.queues['payout-inbound'];
    const maxReceiveCount = manifests.flatMap((m) => m.queues).find((q) => q.name === 'payout-inbound')
      ?.maxReceiveCount as number;
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: queue?.url, MessageBody: 'poison' }));
    // VisibilityTimeout 0 makes each failed attempt visible again at once.
    const receive = (QueueUrl: string | undefined) =>
      clients.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl,
          VisibilityTimeout: 0,
          WaitTimeSeconds: 0,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
    for (let attempt = 1; attempt <= maxReceiveCount; attempt++) {
      const { Messages } = await receive(queue?.url);
      expect(Messages?.[0]?.Body).toBe('poison');
      expect(Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe(String(attempt));
    }
    expect((await receive(queue?.url)).Messages ?? []).toEqual([]);
    const { Messages } = await receive(queue?.dlqUrl);
    expect(Messages?.[0]?.Body).toBe('poison');
  });

  test('a table created before the manifest gained an index and a stream is brought up to date', async () => {
    const TableName = 'p77-exchange';
    await clients.dynamodb.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    const grown: AreaManifest[] = manifests.map((m) =>
      m.area === 'exchange' ? { ...m, table: { stream: true, indexes: ['gsi1', 'gsi2'] } } : m,
    );
    const resources = await provisionProvince({
      province: '77',
      manifests: grown,
      dynamodb: clients.dynamodb,
      sqs: clients.sqs,
    });
    const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName }));
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual(['gsi1', 'gsi2']);
    expect(Table?.StreamSpecification?.StreamViewType).toBe('NEW_AND_OLD_IMAGES');
    expect(resources.streams.exchange).toBe(Table?.LatestStreamArn);
  });

  test('rejects a malformed province code', async () => {
    await expect(
      provisionProvince({ province: '3', manifests, dynamodb: clients.dynamodb, sqs: clients.sqs }),
    ).rejects.toThrow(/two-digit/);
  });
});

describe('local emulators, persisted in a folder', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'jiahe-services-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  test('tables, items, queues and messages survive a restart on new ports', async () => {
    const start = (label: string) =>
      Promise.all([
        timed(`dynamodb start ${label}`, () => startDynamoDbLocal({ dataDir: join(dataDir, 'dynamodb') })),
        timed(`sqs start ${label}`, () => startSqsLocal({ dataDir: join(dataDir, 'sqs') })),
      ]);
    const provisionWith = (clients: ReturnType<typeof clientsFor>) =>
      provisionProvince({ province: '33', manifests, dynamodb: clients.dynamodb, sqs: clients.sqs });

    const [dynamo1, sqs1] = await start('persisted, first');
    const clients1 = clientsFor(dynamo1.endpoint, sqs1.endpoint);
    let first: ProvinceResources;
    try {
      first = await provisionWith(clients1);
      await clients1.dynamodb.send(
        new PutItemCommand({
          TableName: first.tables.registry,
          Item: { pk: { S: 'PERSON#kept' }, sk: { S: 'PERSON' }, name: { S: '张伟' } },
        }),
      );
      await clients1.sqs.send(
        new SendMessageCommand({ QueueUrl: first.queues['payout-inbound']?.url, MessageBody: 'kept' }),
      );
    } finally {
      for (const client of Object.values(clients1)) client.destroy();
      await Promise.all([dynamo1.stop(), sqs1.stop()]);
    }
    expect(await listeningAddresses(dynamo1.port)).toEqual([]);
    expect(await listeningAddresses(sqs1.port)).toEqual([]);

    const [dynamo2, sqs2] = await start('persisted, restart');
    const clients2 = clientsFor(dynamo2.endpoint, sqs2.endpoint);
    try {
      const second = await provisionWith(clients2);
      expect(second.tables).toEqual(first.tables);
      expect(second.streams).toEqual(first.streams);
      const { Item } = await clients2.dynamodb.send(
        new GetItemCommand({
          TableName: second.tables.registry,
          Key: { pk: { S: 'PERSON#kept' }, sk: { S: 'PERSON' } },
        }),
      );
      expect(Item?.name?.S).toBe('张伟');

      // Queue URLs follow the new port; the message sent before the restart is still there.
      const url = second.queues['payout-inbound']?.url;
      expect(url).toBe(`${sqs2.endpoint}/000000000000/p33-payout-inbound`);
      const { Messages } = await clients2.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 0 }),
      );
      expect(Messages?.[0]?.Body).toBe('kept');
    } finally {
      for (const client of Object.values(clients2)) client.destroy();
      await Promise.all([dynamo2.stop(), sqs2.stop()]);
    }
  }, 90_000);
});

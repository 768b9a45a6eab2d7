import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type Shard,
  type _Record as StreamRecord,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamFilterPattern } from '../../shared/manifest';
import type { FunctionRuntime } from '../runtime/function-runtime';
import { LOCAL_REGION } from '../services/clients';
import { matchesAny } from './filter-pattern';
import type { Poller } from './sqs-poller';

/** Where each shard's last delivered sequence number is kept (in memory or on disk). */
export interface CheckpointStore {
  get(shardId: string): string | undefined;
  set(shardId: string, sequenceNumber: string): void;
}

export interface StreamPollerOptions {
  readonly streams: DynamoDBStreamsClient;
  readonly streamArn: string;
  readonly batchSize: number;
  readonly retryAttempts: number;
  /** The subscription's event filter patterns: records matching none are skipped, as Lambda does. */
  readonly filters?: readonly StreamFilterPattern[];
  readonly runtime: FunctionRuntime;
  readonly checkpoints: CheckpointStore;
  /** Failure destination: what Lambda's OnFailure would send for a batch given up on. */
  readonly onFailure: { readonly sqs: SQSClient; readonly queueUrl: string };
  readonly log: (line: string) => void;
  readonly idleMs?: number;
}

function toRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const d = record.dynamodb ?? {};
  const created = d.ApproximateCreationDateTime;
  return {
    eventID: record.eventID ?? '',
    eventName: record.eventName as DynamoDBRecord['eventName'],
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: LOCAL_REGION,
    dynamodb: {
      ...(created ? { ApproximateCreationDateTime: Math.floor(new Date(created).getTime() / 1000) } : {}),
      Keys: d.Keys as never,
      ...(d.NewImage ? { NewImage: d.NewImage as never } : {}),
      ...(d.OldImage ? { OldImage: d.OldImage as never } : {}),
      SequenceNumber: d.SequenceNumber ?? '',
      SizeBytes: d.SizeBytes ?? 0,
      StreamViewType: (d.StreamViewType ?? 'NEW_AND_OLD_IMAGES') as 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN: streamArn,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Delivers a table's stream to its subscriber as Lambda's DynamoDB event source mapping
 * does: records in order per shard, a failed record (from `batchItemFailures`) retried
 * from its sequence number, and after `retryAttempts` the batch's metadata sent to the
 * failure queue and the shard moved past it. Child shards follow their parents.
 */
export function startStreamPoller(options: StreamPollerOptions): Poller {
  let running = true;
  const idleMs = options.idleMs ?? 200;
  const active = new Map<string, Promise<void>>();
  const finished = new Set<string>();

  const iteratorFor = async (shardId: string): Promise<string | undefined> => {
    const after = options.checkpoints.get(shardId);
    const out = await options.streams.send(
      new GetShardIteratorCommand({
        StreamArn: options.streamArn,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return out.ShardIterator;
  };

  const giveUp = async (shardId: string, records: DynamoDBRecord[], reason: string) => {
    const first = records[0]?.dynamodb?.SequenceNumber;
    const last = records.at(-1)?.dynamodb?.SequenceNumber;
    await options.onFailure.sqs.send(
      new SendMessageCommand({
        QueueUrl: options.onFailure.queueUrl,
        MessageBody: JSON.stringify({
          requestContext: { condition: 'RetryAttemptsExhausted', functionArn: options.runtime.spec.name },
          responseContext: { reason },
          version: '1.0',
          timestamp: new Date().toISOString(),
          DDBStreamBatchInfo: {
            shardId,
            startSequenceNumber: first,
            endSequenceNumber: last,
            batchSize: records.length,
            streamArn: options.streamArn,
          },
        }),
      }),
    );
  };

  const pollShard = async (shardId: string) => {
    let iterator: string | undefined;
    let fresh = true;
    let attempts = 0;
    while (running) {
      let out: GetRecordsCommandOutput;
      try {
        if (fresh) {
          iterator = await iteratorFor(shardId);
          fresh = false;
        }
        if (!iterator) break; // a closed shard, read to its end
        out = await options.streams.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: options.batchSize }),
        );
      } catch (error) {
        // DynamoDB Local answers TrimmedDataAccess for a new shard's TRIM_HORIZON until
        // its first record lands; both cases mean "ask for a fresh iterator".
        if (error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException) {
          await sleep(idleMs);
          fresh = true;
          continue;
        }
        throw error;
      }
      const raw = out.Records ?? [];
      if (raw.length === 0) {
        iterator = out.NextShardIterator;
        if (iterator) await sleep(idleMs);
        continue;
      }
      const all = raw.map((r) => toRecord(r, options.streamArn));
      const records = all.filter((record) => matchesAny(record, options.filters));
      if (records.length === 0) {
        options.checkpoints.set(shardId, all.at(-1)?.dynamodb?.SequenceNumber ?? '');
        iterator = out.NextShardIterator;
        continue;
      }
      const event: DynamoDBStreamEvent = { Records: records };
      let failedAt: string | undefined;
      let reason = '';
      try {
        const response = (await options.runtime.invoke(event)) as DynamoDBBatchResponse | undefined;
        const failures = (response?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
        failedAt = records.find((r) => failures.includes(r.dynamodb?.SequenceNumber ?? ''))?.dynamodb
          ?.SequenceNumber;
        reason = failedAt ? 'batch item failure' : '';
      } catch (error) {
        failedAt = records[0]?.dynamodb?.SequenceNumber;
        reason = (error as Error).message;
      }
      const failedIndex = failedAt ? records.findIndex((r) => r.dynamodb?.SequenceNumber === failedAt) : -1;
      if (failedIndex < 0) {
        options.checkpoints.set(shardId, all.at(-1)?.dynamodb?.SequenceNumber ?? '');
        iterator = out.NextShardIterator;
        attempts = 0;
        continue;
      }
      // Everything before the failed record is done; the rest is retried from it.
      const before = records[failedIndex - 1]?.dynamodb?.SequenceNumber;
      if (before) options.checkpoints.set(shardId, before);
      attempts++;
      if (attempts > options.retryAttempts) {
        const rest = records.slice(failedIndex);
        options.log(
          `${options.runtime.spec.name}: giving up on ${rest.length} stream record(s) after ${attempts} attempts`,
        );
        await giveUp(shardId, rest, reason);
        options.checkpoints.set(shardId, all.at(-1)?.dynamodb?.SequenceNumber ?? '');
        attempts = 0;
      } else {
        await sleep(Math.min(5000, 100 * 2 ** attempts));
      }
      fresh = true;
    }
    finished.add(shardId);
  };

  const discover = async () => {
    while (running) {
      try {
        const shards: Shard[] = [];
        let start: string | undefined;
        do {
          const out = await options.streams.send(
            new DescribeStreamCommand({
              StreamArn: options.streamArn,
              ...(start ? { ExclusiveStartShardId: start } : {}),
            }),
          );
          shards.push(...(out.StreamDescription?.Shards ?? []));
          start = out.StreamDescription?.LastEvaluatedShardId;
        } while (start);
        for (const shard of shards) {
          const id = shard.ShardId ?? '';
          const parent = shard.ParentShardId;
          const parentPending = parent && shards.some((s) => s.ShardId === parent) && !finished.has(parent);
          if (!id || active.has(id) || finished.has(id) || parentPending) continue;
          active.set(
            id,
            pollShard(id)
              .catch((error: unknown) =>
                options.log(`stream shard ${id} failed: ${(error as Error).message}`),
              )
              .finally(() => active.delete(id)),
          );
        }
      } catch (error) {
        options.log(`describe stream failed: ${(error as Error).message}`);
      }
      await sleep(1000);
    }
  };

  const discovery = discover();
  return {
    async stop() {
      running = false;
      await discovery;
      await Promise.allSettled([...active.values()]);
    },
  };
}

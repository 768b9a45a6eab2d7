import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { expect } from 'vitest';
import { payoutAccessEvents } from '../../functions/payout/adapters/access-events';
import { buildEnrollmentsApi } from '../../functions/payout/handlers/enrollments-api';
import { buildInboundConsumer } from '../../functions/payout/handlers/inbound-consumer';
import { buildPayoutPublisher, sqsSender } from '../../functions/payout/handlers/publisher';
import { payoutManifest } from '../../functions/payout/manifest';
import { type Poller, startSqsPoller } from '../../local/pollers/sqs-poller';
import { startStreamPoller } from '../../local/pollers/stream-poller';
import type { Clock } from '../../shared/domain/clock';
import { type EventEnvelope, provinceUrn } from '../../shared/events/envelope';
import { functionSpec } from '../../shared/manifest';
import { eventually, inProcessRuntime } from './in-process-runtime';
import { quietObservability } from './lambda';
import { type localAws, provisionForTest } from './local-aws';
import { payoutRepos, TEST_ACCOUNTS, TEST_FINGERPRINT_KEY } from './payout-fixtures';

/**
 * Payout of several provinces side by side, for cross-province tests: each on the tables of
 * a test province, with its publisher and inbound consumer polling as their Lambda triggers
 * would. The exchange between them is the test's `deliver`, so a test sees every message.
 */

export interface Province {
  code: string;
  table: string;
  aws: ReturnType<typeof localAws>;
  repos: ReturnType<typeof payoutRepos>;
  queues: Record<string, { url: string; arn: string }>;
  /** The enrolments API of the province, as its staff call it. */
  api: ReturnType<typeof buildEnrollmentsApi>;
}

/** Pollers standing in for the province's Lambda triggers: its publisher and its inbound consumer. */
function wire(p: Province, clock: Clock, streamArn: string, streamDlq: string): Poller[] {
  const publisher = buildPayoutPublisher({
    send: sqsSender(p.aws.sqs, {
      'exchange-outbound': p.queues['exchange-outbound']?.url ?? '',
      'payout-payments': p.queues['payout-payments']?.url ?? '',
      'registry-inbound': p.queues['registry-inbound']?.url ?? '',
    }),
    observability: quietObservability(),
  });
  const consumer = buildInboundConsumer({
    province: p.code,
    projection: p.repos.projection,
    enrollments: p.repos.enrollments,
    registers: p.repos.registers,
    batches: p.repos.batches,
    outbox: p.repos.outbox,
    clock,
    observability: quietObservability(),
  });
  return [
    startStreamPoller({
      streams: p.aws.streams,
      streamArn,
      batchSize: 100,
      retryAttempts: 3,
      runtime: inProcessRuntime(functionSpec(payoutManifest, 'payout-publisher'), publisher),
      checkpoints: new Map<string, string>(),
      onFailure: { sqs: p.aws.sqs, queueUrl: streamDlq },
      log: () => undefined,
      idleMs: 50,
    }),
    startSqsPoller({
      sqs: p.aws.sqs,
      queueUrl: p.queues['payout-inbound']?.url ?? '',
      queueArn: p.queues['payout-inbound']?.arn ?? '',
      batchSize: 10,
      concurrency: 1,
      runtime: inProcessRuntime(functionSpec(payoutManifest, 'payout-inbound-consumer'), consumer),
      log: () => undefined,
    }),
  ];
}

/** What the province's publisher sent towards the exchange: received and removed, oldest first. */
export async function outbound(p: Province, count: number): Promise<EventEnvelope[]> {
  const got: EventEnvelope[] = [];
  await eventually(async () => {
    const out = await p.aws.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: p.queues['exchange-outbound']?.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );
    for (const m of out.Messages ?? []) {
      got.push(JSON.parse(m.Body ?? '{}') as EventEnvelope);
      await p.aws.sqs.send(
        new DeleteMessageCommand({
          QueueUrl: p.queues['exchange-outbound']?.url,
          ReceiptHandle: m.ReceiptHandle,
        }),
      );
    }
    return got.length >= count ? got : undefined;
  });
  return got;
}

/** The message the province sent towards the exchange in answer to `messageId` (others are set aside). */
export async function answerTo(p: Province, messageId: string): Promise<EventEnvelope | undefined> {
  const seen: EventEnvelope[] = [];
  return eventually(async () => {
    seen.push(...(await outbound(p, 1)));
    return seen.find((m) => m.correlationid === messageId);
  });
}

/** The exchange's part: a message from one province arrives in the other's payout-inbound. */
export async function deliver(from: Province | string, to: Province, envelope: EventEnvelope): Promise<void> {
  expect(envelope.recipient).toBe(provinceUrn(to.code));
  const source = provinceUrn(typeof from === 'string' ? from : from.code);
  await to.aws.sqs.send(
    new SendMessageCommand({
      QueueUrl: to.queues['payout-inbound']?.url,
      MessageBody: JSON.stringify({ ...envelope, source }),
    }),
  );
}

/** Waits until the province's inbound queue holds nothing, waiting or in flight: all was handled. */
export async function drained(p: Province): Promise<void> {
  await eventually(async () => {
    const { Attributes } = await p.aws.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: p.queues['payout-inbound']?.url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    const left =
      Number(Attributes?.ApproximateNumberOfMessages ?? 1) +
      Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 1);
    return left === 0 ? true : undefined;
  });
}

/**
 * Provisions the test province `test` as province `code` and starts its publisher and
 * inbound consumer; the pollers are returned for the test to stop.
 */
export async function startProvince(
  test: string,
  code: string,
  clock: Clock,
): Promise<{ province: Province; pollers: Poller[] }> {
  const { aws, resources } = await provisionForTest(test);
  const repos = payoutRepos(aws, resources.tables.payout);
  const province: Province = {
    code,
    table: resources.tables.payout,
    aws,
    repos,
    queues: resources.queues as Province['queues'],
    api: buildEnrollmentsApi({
      ...repos,
      accessReads: payoutAccessEvents(repos.outbox, code),
      province: code,
      accounts: TEST_ACCOUNTS,
      fingerprintKey: TEST_FINGERPRINT_KEY,
      personRefKey: 'test-person-ref-key-0123456789abcdef0123',
      clock,
      observability: quietObservability(),
    }),
  };
  const pollers = wire(
    province,
    clock,
    resources.streams.payout ?? '',
    resources.streamDlqs.payout?.url ?? '',
  );
  return { province, pollers };
}

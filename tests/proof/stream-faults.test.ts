import { SendMessageBatchCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sqsDeliveryQueue } from '../../functions/exchange/adapters/delivery-queue';
import { fetchInboxClient } from '../../functions/exchange/adapters/inbox-client';
import { dynamoMessageRepository } from '../../functions/exchange/adapters/message-repository';
import { dynamoPartnerRepository } from '../../functions/exchange/adapters/partner-repository';
import { dynamoStreamRepository } from '../../functions/exchange/adapters/stream-repository';
import { PROTOCOL_TYPES } from '../../functions/exchange/domain/partner';
import { generateSigningKey, jwks } from '../../functions/exchange/domain/signing';
import { checkStreamChain } from '../../functions/exchange/domain/stream';
import { buildInbox } from '../../functions/exchange/handlers/inbox';
import { buildOutbox } from '../../functions/exchange/handlers/outbox';
import { buildSender } from '../../functions/exchange/handlers/sender';
import { exchangeManifest } from '../../functions/exchange/manifest';
import { manifests } from '../../functions/manifests';
import { type Gateway, startGateway } from '../../local/gateway/server';
import { createLocalIssuer } from '../../local/identity';
import { type Poller, startSqsPoller } from '../../local/pollers/sqs-poller';
import { documentClient } from '../../shared/aws/dynamodb';
import { provinceUrn } from '../../shared/events/envelope';
import { functionSpec } from '../../shared/manifest';
import { residenceNoticeRequest } from '../support/exchange-messages';
import { eventually, inProcessRuntime } from '../support/in-process-runtime';
import { quietObservability } from '../support/lambda';
import { provisionForTest } from '../support/local-aws';
import { faultyDynamoDb } from './support/faulty-dynamodb';
import { recordFigures } from './support/figures';

const SENDER = '12';
const RECEIVER = '13';

/**
 * A version 2 stream under faults: 30 % of the DynamoDB calls of both provinces (the
 * sender's outbox and sender, the receiver's inbox) are throttled or fail with a server
 * error, on top of the SDK's retries, with the real SQS emulator, DynamoDB Local and
 * loopback HTTP. What must hold: every message numbered once, gapless, delivered once,
 * stored once at the receiver, and both chains intact.
 */
describe('a version 2 stream under DynamoDB faults loses nothing and duplicates nothing', () => {
  let a: Awaited<ReturnType<typeof provisionForTest>>;
  let b: Awaited<ReturnType<typeof provisionForTest>>;
  let gateway: Gateway | undefined;
  const pollers: Poller[] = [];
  const key12 = generateSigningKey('p12-k1');
  const key13 = generateSigningKey('p13-k1');
  const faults = {
    sender: faultyDynamoDb(inject('dynamodbEndpoint'), 0.3),
    receiver: faultyDynamoDb(inject('dynamodbEndpoint'), 0.3),
  };

  const partner = (code: string, key: typeof key12, url: string) => ({
    code,
    urn: provinceUrn(code),
    inboxUrl: `${url}/exchange/v1/inbox`,
    batchInboxUrl: `${url}/exchange/v2/inbox`,
    jwks: jwks([key.verification]),
    inboundTypes: [...PROTOCOL_TYPES],
    outboundTypes: [...PROTOCOL_TYPES],
    status: 'active' as const,
    updatedAt: new Date().toISOString(),
    updatedBy: 'test',
  });

  beforeAll(async () => {
    a = await provisionForTest(SENDER);
    b = await provisionForTest(RECEIVER);
    const faulty = (env: typeof a, client: ReturnType<typeof faultyDynamoDb>['client']) => {
      const db = documentClient(client);
      const table = env.resources.tables.exchange;
      return {
        partners: dynamoPartnerRepository(db, table),
        messages: dynamoMessageRepository(db, table),
        streams: dynamoStreamRepository(db, table),
      };
    };
    const spec = functionSpec(exchangeManifest, 'exchange-inbox');
    const inbox = buildInbox({
      province: RECEIVER,
      ...faulty(b, faults.receiver.client),
      signingKeys: [key13.signing],
      observability: quietObservability(),
    });
    gateway = await startGateway({
      province: RECEIVER,
      port: 0,
      manifests,
      runtimes: new Map([[spec.name, inProcessRuntime(spec, inbox)]]),
      issuer: await createLocalIssuer('urn:test:issuer'),
      health: async () => ({ status: 'ok' }),
      log: () => undefined,
    });
    await dynamoPartnerRepository(a.aws.documents, a.resources.tables.exchange).put(
      partner(RECEIVER, key13, gateway.url),
    );
    await dynamoPartnerRepository(b.aws.documents, b.resources.tables.exchange).put(
      partner(SENDER, key12, 'http://127.0.0.1:9'),
    );
    // Failed requests come back after 2 s instead of the deployed timeouts, so the test is short.
    for (const queue of ['exchange-outbound', 'exchange-delivery']) {
      await a.aws.sqs.send(
        new SetQueueAttributesCommand({
          QueueUrl: a.resources.queues[queue]?.url,
          Attributes: { VisibilityTimeout: '2' },
        }),
      );
    }
    const repos = faulty(a, faults.sender.client);
    const delivery = sqsDeliveryQueue(a.aws.sqs, a.resources.queues['exchange-delivery']?.url ?? '');
    const quiet = quietObservability();
    const handlers = {
      'exchange-outbox': buildOutbox({ province: SENDER, ...repos, delivery, observability: quiet }),
      'exchange-sender': buildSender({
        ...repos,
        delivery,
        signingKeys: [key12.signing],
        post: fetchInboxClient(5_000),
        schedule: [0, 200, 200, 200, 200, 200, 200, 200, 200, 200],
        observability: quiet,
      }),
    };
    for (const [name, queue] of [
      ['exchange-outbox', 'exchange-outbound'],
      ['exchange-sender', 'exchange-delivery'],
    ] as const) {
      pollers.push(
        startSqsPoller({
          sqs: a.aws.sqs,
          queueUrl: a.resources.queues[queue]?.url ?? '',
          queueArn: a.resources.queues[queue]?.arn ?? '',
          batchSize: 10,
          concurrency: 2,
          runtime: inProcessRuntime(
            functionSpec(exchangeManifest, name),
            handlers[name] as (e: never, c: Context) => Promise<unknown>,
          ),
          log: () => undefined,
        }),
      );
    }
  });

  afterAll(async () => {
    await Promise.all(pollers.map((p) => p.stop()));
    await gateway?.close();
  });

  it('numbers, delivers and stores 60 messages once each, with both chains intact', async () => {
    const requests = Array.from({ length: 60 }, () => residenceNoticeRequest(SENDER, RECEIVER));
    for (let i = 0; i < requests.length; i += 10) {
      await a.aws.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: a.resources.queues['exchange-outbound']?.url,
          Entries: requests
            .slice(i, i + 10)
            .map((r, j) => ({ Id: String(j), MessageBody: JSON.stringify(r) })),
        }),
      );
    }
    const sender = dynamoStreamRepository(a.aws.documents, a.resources.tables.exchange);
    const receiver = dynamoStreamRepository(b.aws.documents, b.resources.tables.exchange);
    // The sweeper is not running here: a stream left due after a failed attempt is delivered
    // by the retry its sender queued, which is what is being tested.
    await eventually(async () => {
      const head = await sender.findHead(RECEIVER);
      return head && head.last >= 60 && head.delivered === head.last ? head : undefined;
    }, 120_000);

    const outbound = await sender.chain(RECEIVER, 'outbound');
    const inbound = await receiver.chain(SENDER, 'inbound');
    const ids = requests.map((r) => r.id);
    const numbered = outbound.map((entry) => entry.sequence);
    const counts = {
      sent: ids.length,
      delivered: inbound.filter((entry) => ids.includes(entry.messageId)).length,
      duplicates:
        numbered.length -
        new Set(outbound.map((e) => e.messageId)).size +
        (inbound.length - new Set(inbound.map((e) => e.messageId)).size),
      lost: ids.filter((id) => !inbound.some((entry) => entry.messageId === id)).length,
    };
    const injected =
      faults.sender.injected.throttled +
      faults.sender.injected.serverErrors +
      faults.receiver.injected.throttled +
      faults.receiver.injected.serverErrors;
    recordFigures('3-faults', [
      {
        suite: 'faults',
        item: `version 2 stream, DynamoDB throttling/5xx at both ends (${injected} injected)`,
        counts,
        mustBeZero: ['duplicates', 'lost'],
      },
    ]);
    expect(injected).toBeGreaterThan(0);
    expect(counts).toEqual({ sent: 60, delivered: 60, duplicates: 0, lost: 0 });
    expect(numbered).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect((await checkStreamChain(sender, RECEIVER, 'outbound')).ok).toBe(true);
    expect((await checkStreamChain(receiver, SENDER, 'inbound')).ok).toBe(true);
  }, 150_000);
});

import { ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqsDeliveryQueue } from '../../functions/exchange/adapters/delivery-queue';
import { fetchInboxClient } from '../../functions/exchange/adapters/inbox-client';
import { dynamoMessageLogRepository } from '../../functions/exchange/adapters/message-log-repository';
import { dynamoMessageRepository } from '../../functions/exchange/adapters/message-repository';
import { dynamoPartnerRepository } from '../../functions/exchange/adapters/partner-repository';
import { dynamoStreamRepository } from '../../functions/exchange/adapters/stream-repository';
import { exchangeApi } from '../../functions/exchange/api-description';
import { batchBody } from '../../functions/exchange/domain/batch';
import { BatchReceipt } from '../../functions/exchange/domain/batch-receipt';
import { PROTOCOL_TYPES } from '../../functions/exchange/domain/partner';
import { generateSigningKey, jwks } from '../../functions/exchange/domain/signing';
import { buildInbox } from '../../functions/exchange/handlers/inbox';
import { buildOperationsApi } from '../../functions/exchange/handlers/operations-api';
import { buildOutbox } from '../../functions/exchange/handlers/outbox';
import { buildRouter, sqsForward } from '../../functions/exchange/handlers/router';
import { buildSender } from '../../functions/exchange/handlers/sender';
import { buildSweeper } from '../../functions/exchange/handlers/sweeper';
import { exchangeManifest } from '../../functions/exchange/manifest';
import { manifests } from '../../functions/manifests';
import { type Gateway, startGateway } from '../../local/gateway/server';
import { createLocalIssuer } from '../../local/identity';
import { type Poller, startSqsPoller } from '../../local/pollers/sqs-poller';
import { startStreamPoller } from '../../local/pollers/stream-poller';
import { fixedClock } from '../../shared/domain/clock';
import { newUlid } from '../../shared/domain/ids';
import { provinceUrn } from '../../shared/events/envelope';
import { PERSON_RESIDENCE_ENDED } from '../../shared/events/exchange-messages';
import { functionSpec } from '../../shared/manifest';
import { staffClaims } from '../support/api-event';
import { callApi } from '../support/call-api';
import { partnerMessageBody, residenceNoticeRequest, signedBatch } from '../support/exchange-messages';
import { eventually, inProcessRuntime } from '../support/in-process-runtime';
import { context, quietObservability, sqsRecord } from '../support/lambda';
import { provisionForTest } from '../support/local-aws';

/**
 * Protocol version 2 between two provinces over real loopback HTTP: 73 sends to 74's batch
 * inbox behind the local gateway; 73's outbox and sender run on the real SQS pollers, 74's
 * router on the real stream poller, both tables in DynamoDB Local. The retry schedule is
 * shortened (seconds, not days); nothing else is faked.
 */
const SENDER = '73';
const RECEIVER = '74';
const OPERATOR = staffClaims('operator-73', ['exchange-operator'], `${SENDER}0000`);
const SECOND = 1000;

describe('protocol version 2: batches between two provinces', () => {
  let a: Awaited<ReturnType<typeof provisionForTest>>;
  let b: Awaited<ReturnType<typeof provisionForTest>>;
  const key73 = generateSigningKey('p73-k1');
  const key74 = generateSigningKey('p74-k1');
  const pollers: Poller[] = [];
  let gateway: Gateway | undefined;
  let port = 0;
  let schedule: number[] = [0, SECOND];
  let operations: ReturnType<typeof buildOperationsApi>;
  /** Bodies of the batches the receiver's inbox answered, in order. */
  const batchesSeen: number[] = [];

  const repos = (env: typeof a) => ({
    partners: dynamoPartnerRepository(env.aws.documents, env.resources.tables.exchange),
    messages: dynamoMessageRepository(env.aws.documents, env.resources.tables.exchange),
    log: dynamoMessageLogRepository(env.aws.documents, env.resources.tables.exchange),
    streams: dynamoStreamRepository(env.aws.documents, env.resources.tables.exchange),
  });

  const startReceiver = async () => {
    const inbox = buildInbox({
      province: RECEIVER,
      ...repos(b),
      signingKeys: [key74.signing],
      observability: quietObservability(),
    });
    const spec = functionSpec(exchangeManifest, 'exchange-inbox');
    gateway = await startGateway({
      province: RECEIVER,
      port,
      manifests,
      runtimes: new Map([
        [
          spec.name,
          inProcessRuntime(spec, async (event: { body?: string }, context: Context) => {
            if (typeof event.body === 'string' && event.body.startsWith('['))
              batchesSeen.push(JSON.parse(event.body).length);
            return inbox(event as never, context);
          }),
        ],
      ]),
      issuer: await createLocalIssuer('urn:test:issuer'),
      health: async () => ({ status: 'ok' }),
      log: () => undefined,
    });
    port = gateway.port;
  };

  /** Every envelope on the receiver's registry-inbound queue so far (each read once). */
  const forwarded: string[] = [];
  const drainRegistryInbound = async () => {
    for (;;) {
      const out = await b.aws.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: b.resources.queues['registry-inbound']?.url,
          MaxNumberOfMessages: 10,
        }),
      );
      if (!out.Messages?.length) return forwarded;
      for (const m of out.Messages) forwarded.push(JSON.parse(m.Body ?? '{}').id);
    }
  };

  const partnerSettings = (code: string, key: typeof key73, url: string) => ({
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
    await startReceiver();
    const ra = repos(a);
    await ra.partners.put(partnerSettings(RECEIVER, key74, gateway?.url ?? ''));
    // The receiver takes everything but ended residences from 73: one refused message in a batch.
    await repos(b).partners.put({
      ...partnerSettings(SENDER, key73, 'http://127.0.0.1:9'),
      inboundTypes: PROTOCOL_TYPES.filter((type) => type !== PERSON_RESIDENCE_ENDED),
    });
    const delivery = sqsDeliveryQueue(a.aws.sqs, a.resources.queues['exchange-delivery']?.url ?? '');
    const quiet = quietObservability();
    const outbox = buildOutbox({ province: SENDER, ...ra, delivery, observability: quiet });
    const sender = (event: never, context: Context) =>
      buildSender({
        ...ra,
        delivery,
        signingKeys: [key73.signing],
        post: fetchInboxClient(2 * SECOND),
        schedule,
        observability: quiet,
      })(event, context);
    operations = buildOperationsApi({ province: SENDER, ...ra, delivery, observability: quiet });
    const sqsPoller = (queue: string, name: string, handler: (e: never, c: Context) => Promise<unknown>) =>
      startSqsPoller({
        sqs: a.aws.sqs,
        queueUrl: a.resources.queues[queue]?.url ?? '',
        queueArn: `arn:aws:sqs:us-east-1:000000000000:p73-${queue}`,
        batchSize: 10,
        concurrency: 2,
        runtime: inProcessRuntime(functionSpec(exchangeManifest, name), handler),
        log: () => undefined,
      });
    pollers.push(sqsPoller('exchange-outbound', 'exchange-outbox', outbox));
    pollers.push(sqsPoller('exchange-delivery', 'exchange-sender', sender));
    pollers.push(
      startStreamPoller({
        streams: b.aws.streams,
        streamArn: b.resources.streams.exchange ?? '',
        batchSize: 100,
        retryAttempts: 3,
        runtime: inProcessRuntime(
          functionSpec(exchangeManifest, 'exchange-router'),
          buildRouter({
            ...repos(b),
            forward: sqsForward(b.aws.sqs, {
              'registry-inbound': b.resources.queues['registry-inbound']?.url ?? '',
              'payout-inbound': b.resources.queues['payout-inbound']?.url ?? '',
            }),
            observability: quiet,
          }),
        ),
        checkpoints: new Map(),
        onFailure: { sqs: b.aws.sqs, queueUrl: b.resources.streamDlqs.exchange?.url ?? '' },
        log: () => undefined,
        idleMs: 100,
      }),
    );
  });

  afterAll(async () => {
    await Promise.all(pollers.map((p) => p.stop()));
    await gateway?.close();
  });

  /** Puts requests on the sender's exchange-outbound queue, ten to a call, as the areas' publishers do. */
  const request = async (count: number, make = () => residenceNoticeRequest(SENDER, RECEIVER)) => {
    const requests = Array.from({ length: count }, make);
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
    return requests.map((r) => r.id);
  };
  const head = () => repos(a).streams.findHead(RECEIVER);
  const deliveredThrough = (sequence: number) =>
    eventually(async () => {
      const h = await head();
      return h && h.delivered >= sequence && !h.leaseOwner ? h : undefined;
    }, 30_000);

  it('numbers, chains and delivers a burst in batches of at most 98, each message forwarded once', async () => {
    const ids = await request(250);
    const h = await deliveredThrough(250);
    expect(h).toMatchObject({ last: 250, delivered: 250, attempt: 0 });
    expect(batchesSeen.every((size) => size >= 1 && size <= 98)).toBe(true);
    expect(batchesSeen.reduce((sum, n) => sum + n, 0)).toBe(250);

    // Each message: numbered once, gapless, stored once at the receiver, with the digest sent.
    const sent = await Promise.all(ids.map((id) => repos(a).messages.findOutbound(RECEIVER, id)));
    expect(sent.map((m) => m?.sequence).sort((x, y) => (x ?? 0) - (y ?? 0))).toEqual(
      Array.from({ length: 250 }, (_, i) => i + 1),
    );
    expect(sent.every((m) => m?.status === 'delivered' && m.protocol === 'v2')).toBe(true);
    const received = await Promise.all(ids.map((id) => repos(b).messages.findInbound(SENDER, id)));
    expect(received.every((m, i) => m?.sha256 === sent[i]?.sha256)).toBe(true);

    // Forwarded to the receiving area once each.
    await eventually(async () => ((await drainRegistryInbound()).length >= 250 ? true : undefined));
    expect(new Set(forwarded).size).toBe(250);
    expect(forwarded).toHaveLength(250);

    // Both chains intact, each message its own entry.
    const log = await callApi(operations, 'GET', '/v1/exchange/partners/{code}/log', {
      path: { code: RECEIVER },
      claims: OPERATOR,
    });
    expect(log.body).toMatchObject({ ok: true, streams: { outbound: { ok: true, entries: 250 } } });
    const described = exchangeApi['GET /v1/exchange/partners/{code}/log']?.responses[200]?.schema;
    expect(described?.safeParse(log.body).error).toBeUndefined();
    const inboundChain = await repos(b).streams.chain(SENDER, 'inbound');
    expect(inboundChain).toHaveLength(250);
    const receiverLog = buildOperationsApi({
      province: RECEIVER,
      ...repos(b),
      delivery: sqsDeliveryQueue(b.aws.sqs, b.resources.queues['exchange-delivery']?.url ?? ''),
      observability: quietObservability(),
    });
    const theirs = await callApi(receiverLog, 'GET', '/v1/exchange/partners/{code}/log', {
      path: { code: SENDER },
      claims: staffClaims('operator-74', ['exchange-operator'], `${RECEIVER}0000`),
    });
    expect(theirs.body).toMatchObject({ ok: true, streams: { inbound: { ok: true, entries: 250 } } });
  });

  it('a message the receiver refuses is failed with its reason; the stream goes on', async () => {
    const before = (await head())?.last ?? 0;
    const [refused] = await request(1, () => ({
      ...residenceNoticeRequest(SENDER, RECEIVER),
      type: PERSON_RESIDENCE_ENDED,
    }));
    const [after] = await request(1);
    await deliveredThrough(before + 2);
    expect(await repos(a).messages.findOutbound(RECEIVER, refused ?? '')).toMatchObject({
      status: 'failed',
      refusedReason: 'type-not-allowed',
    });
    expect(await repos(a).messages.findOutbound(RECEIVER, after ?? '')).toMatchObject({
      status: 'delivered',
    });
  });

  it('retries a stream while the receiver is down, pauses it after the last attempt, and resumes from the cursor', async () => {
    schedule = [0, 300, 300];
    await gateway?.close();
    const before = (await head())?.delivered ?? 0;
    const ids = await request(5);
    const paused = await eventually(async () => {
      const partner = await repos(a).partners.find(RECEIVER);
      return partner?.status === 'paused' ? partner : undefined;
    }, 20_000);
    expect(paused.pausedReason).toBe('delivery-failed');
    const waiting = await head();
    expect(waiting).toMatchObject({ delivered: before, last: before + 5 });
    expect(waiting?.lastError).toMatch(/^exhausted: network-error/);

    // The partner list shows the stream's cursor, as the OpenAPI document describes it.
    const list = await callApi(operations, 'GET', '/v1/exchange/partners', { claims: OPERATOR });
    const described = exchangeApi['GET /v1/exchange/partners']?.responses[200]?.schema;
    expect(described?.safeParse(list.body).error).toBeUndefined();
    expect(list.body.items.find((p: { code: string }) => p.code === RECEIVER)?.stream).toMatchObject({
      waiting: 5,
      delivered: before,
    });

    await startReceiver();
    schedule = [0, SECOND];
    const resumed = await callApi(operations, 'POST', '/v1/exchange/partners/{code}/actions/{action}', {
      path: { code: RECEIVER, action: 'resume' },
      claims: OPERATOR,
    });
    expect(resumed.body).toMatchObject({ status: 'active', released: 5 });
    await deliveredThrough(before + 5);
    const sent = await Promise.all(ids.map((id) => repos(a).messages.findOutbound(RECEIVER, id)));
    expect(sent.every((m) => m?.status === 'delivered')).toBe(true);
  });

  it('waits longer than a queue delay through the sweeper, which queues the stream once it is due', async () => {
    schedule = [0, 20 * 60 * SECOND];
    await gateway?.close();
    const before = (await head())?.delivered ?? 0;
    await request(1);
    const failed = await eventually(async () => {
      const h = await head();
      return h?.attempt === 1 && h.nextAttemptAt && !h.leaseOwner ? h : undefined;
    });
    await startReceiver();
    const delivery = sqsDeliveryQueue(a.aws.sqs, a.resources.queues['exchange-delivery']?.url ?? '');
    const sweepAt = (iso: string) =>
      buildSweeper({ ...repos(a), delivery, clock: fixedClock(iso), observability: quietObservability() })();
    expect(await sweepAt(new Date().toISOString())).toEqual({ queued: 0 });
    const due = new Date(Date.parse(failed.nextAttemptAt ?? '') + SECOND).toISOString();
    expect(await sweepAt(due)).toEqual({ queued: 1 });
    // The sender, on the real clock, finds the stream not yet due; an operator's resume makes it due now.
    await callApi(operations, 'POST', '/v1/exchange/partners/{code}/actions/{action}', {
      path: { code: RECEIVER, action: 'resume' },
      claims: OPERATOR,
    });
    await deliveredThrough(before + 1);
  });

  it('replays a stream from a sequence: sent again, stored once, answered as duplicates', async () => {
    schedule = [0, SECOND];
    const h = await head();
    const from = (h?.delivered ?? 1) - 2;
    const seen = batchesSeen.length;
    const chained = (await repos(b).streams.chain(SENDER, 'inbound')).length;
    const replayed = await callApi(operations, 'POST', '/v1/exchange/replay', {
      body: { partner: RECEIVER, fromSequence: from },
      claims: OPERATOR,
    });
    expect(replayed.status).toBe(202);
    expect(replayed.body).toMatchObject({ replayed: 3, fromSequence: from });
    const byTime = await callApi(operations, 'POST', '/v1/exchange/replay', {
      body: { partner: RECEIVER, from: new Date(0).toISOString(), to: new Date().toISOString() },
      claims: OPERATOR,
    });
    expect(byTime.status).toBe(422);
    await deliveredThrough(h?.delivered ?? 0);
    expect(batchesSeen.length).toBeGreaterThan(seen);
    // Stored once: the receiver's chain did not grow.
    expect(await repos(b).streams.chain(SENDER, 'inbound')).toHaveLength(chained);
  });

  it('answers the same batch again with its original receipt, and stores nothing twice', async () => {
    const messages = [1, 2].map((i) =>
      partnerMessageBody(SENDER, RECEIVER, { sequence: String(900_000 + i), time: new Date().toISOString() }),
    );
    const body = batchBody(messages.map((m) => m.body));
    const post = async () => {
      const batch = signedBatch(body, [key73.signing], { batchId, at: new Date() });
      return fetchInboxClient()(`${gateway?.url}/exchange/v2/inbox`, batch.headers, batch.body);
    };
    const batchId = newUlid();
    const first = await post();
    expect(first.status).toBe(202);
    const receipt = BatchReceipt.parse(JSON.parse(first.body));
    expect(receipt.messages.map((m) => m.status)).toEqual(['accepted', 'accepted']);
    const again = BatchReceipt.parse(JSON.parse((await post()).body));
    expect(again).toEqual({ ...receipt, status: 'duplicate' });
    const stored = await b.aws.documents.send(
      new GetCommand({ TableName: b.resources.tables.exchange, Key: { pk: `INSEQ#${SENDER}`, sk: 'INSEQ' } }),
    );
    expect(stored.Item?.last).toBe(900_002);
  });

  it('lists a version 2 partner’s messages from its own streams: newest first, each once across pages, filtered', async () => {
    const described = exchangeApi['GET /v1/exchange/messages']?.responses[200]?.schema;
    type Listed = { messageId: string; direction: string; status: string; sequence: number } & Record<
      string,
      unknown
    >;
    /** Every page of a list, each with the cursor the one before returned, as the OpenAPI document describes it. */
    const allPages = async (
      api: typeof operations,
      claims: Record<string, string>,
      query: Record<string, string>,
    ): Promise<Listed[]> => {
      const items: Listed[] = [];
      let cursor: string | undefined;
      do {
        const page = await callApi(api, 'GET', '/v1/exchange/messages', {
          query: { ...query, ...(cursor ? { cursor } : {}) },
          claims,
        });
        expect(page.status).toBe(200);
        expect(described?.safeParse(page.body).error).toBeUndefined();
        items.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      return items;
    };
    const ids = (items: readonly Listed[]) => items.map((m) => m.messageId);

    // The sender's stream, 37 to a page: every message once, from the newest sequence down.
    const last = (await head())?.last ?? 0;
    await deliveredThrough(last);
    const outbound = await allPages(operations, OPERATOR, {
      partner: RECEIVER,
      direction: 'outbound',
      limit: '37',
    });
    expect(outbound.map((m) => m.sequence)).toEqual(Array.from({ length: last }, (_, i) => last - i));
    expect(outbound.every((m) => m.protocol === 'v2' && !('body' in m))).toBe(true);
    // Their states as the stream's cursor says: all delivered but the one the receiver refused.
    const failed = await allPages(operations, OPERATOR, { partner: RECEIVER, status: 'failed', limit: '50' });
    expect(failed).toEqual([
      expect.objectContaining({ direction: 'outbound', refusedReason: 'type-not-allowed' }),
    ]);
    const delivered = await allPages(operations, OPERATOR, {
      partner: RECEIVER,
      status: 'delivered',
      limit: '100',
    });
    expect(ids(delivered)).toEqual(ids(outbound).filter((id) => id !== failed[0]?.messageId));
    // Nothing came from the receiver: both directions together are the outbound stream.
    expect(await allPages(operations, OPERATOR, { partner: RECEIVER, direction: 'inbound' })).toEqual([]);
    expect(ids(await allPages(operations, OPERATOR, { partner: RECEIVER, limit: '100' }))).toEqual(
      ids(outbound),
    );
    // Without a partner, the shared list: version 1 messages only.
    const shared = await callApi(operations, 'GET', '/v1/exchange/messages', { claims: OPERATOR });
    expect(shared.body.items.some((m: Listed) => m.protocol === 'v2')).toBe(false);

    // The receiver lists what it received, by chain position from the newest.
    const theirOperations = buildOperationsApi({
      province: RECEIVER,
      ...repos(b),
      delivery: sqsDeliveryQueue(b.aws.sqs, b.resources.queues['exchange-delivery']?.url ?? ''),
      observability: quietObservability(),
    });
    const theirOperator = staffClaims('operator-74', ['exchange-operator'], `${RECEIVER}0000`);
    const chain = await repos(b).streams.chain(SENDER, 'inbound');
    const inbound = await allPages(theirOperations, theirOperator, {
      partner: SENDER,
      direction: 'inbound',
      limit: '40',
    });
    expect(ids(inbound)).toEqual(chain.map((entry) => entry.messageId).reverse());
    expect(inbound.every((m) => m.status === 'accepted')).toBe(true);

    // Three messages the receiver then sends back (numbered, never delivered: no sender runs
    // for it) come first once both directions are merged by time, pending.
    const replies = Array.from({ length: 3 }, () => residenceNoticeRequest(RECEIVER, SENDER));
    const theirOutbox = buildOutbox({
      province: RECEIVER,
      ...repos(b),
      delivery: sqsDeliveryQueue(b.aws.sqs, b.resources.queues['exchange-delivery']?.url ?? ''),
      observability: quietObservability(),
    });
    expect(
      await theirOutbox(
        { Records: replies.map((r) => sqsRecord(r.id, JSON.stringify(r))) } as never,
        context(),
      ),
    ).toEqual({ batchItemFailures: [] });
    const merged = await allPages(theirOperations, theirOperator, { partner: SENDER, limit: '40' });
    expect(ids(merged.slice(0, 3)).sort()).toEqual(replies.map((r) => r.id).sort());
    expect(ids(merged.slice(3))).toEqual(ids(inbound));
    const times = merged.map((m) => String(m.createdAt ?? m.receivedAt));
    expect(times).toEqual([...times].sort().reverse());
    const pending = await allPages(theirOperations, theirOperator, { partner: SENDER, status: 'pending' });
    expect(ids(pending).sort()).toEqual(replies.map((r) => r.id).sort());
    const since = String(merged[2]?.createdAt);
    expect(ids(await allPages(theirOperations, theirOperator, { partner: SENDER, from: since }))).toEqual(
      ids(merged.slice(0, 3)),
    );
  });
});

import { spawn } from 'node:child_process';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sqsDeliveryQueue } from '../../functions/exchange/adapters/delivery-queue';
import { fetchInboxClient } from '../../functions/exchange/adapters/inbox-client';
import { dynamoMessageLogRepository } from '../../functions/exchange/adapters/message-log-repository';
import { dynamoMessageRepository } from '../../functions/exchange/adapters/message-repository';
import { dynamoPartnerRepository } from '../../functions/exchange/adapters/partner-repository';
import { dynamoStreamRepository } from '../../functions/exchange/adapters/stream-repository';
import { exchangeApi } from '../../functions/exchange/api-description';
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
import { provinceUrn } from '../../shared/events/envelope';
import { functionSpec } from '../../shared/manifest';
import { recordFigures } from '../proof/support/figures';
import { staffClaims } from '../support/api-event';
import { callApi } from '../support/call-api';
import { residenceNoticeRequest } from '../support/exchange-messages';
import { eventually, inProcessRuntime } from '../support/in-process-runtime';
import { quietObservability } from '../support/lambda';
import { provisionForTest } from '../support/local-aws';

/**
 * Province 71 sends to province 72 over real loopback HTTP: 72's inbox behind the local
 * gateway, 71's outbox and sender fed by the real SQS pollers, 72's router by the real
 * stream poller. The retry schedule is shortened (seconds, not days); nothing else is faked.
 */
const SENDER = '71';
const RECEIVER = '72';
const OPERATOR = staffClaims('operator-71', ['exchange-operator'], `${SENDER}0000`);
const SECOND = 1000;

describe('delivery between two provinces with the receiver down', () => {
  let a: Awaited<ReturnType<typeof provisionForTest>>;
  let b: Awaited<ReturnType<typeof provisionForTest>>;
  const key71 = generateSigningKey('p71-k1');
  const key72 = generateSigningKey('p72-k1');
  const pollers: Poller[] = [];
  let gateway: Gateway | undefined;
  let port = 0;
  /** The retry delays the sender uses; each test sets its own. */
  let schedule: number[] = [0, SECOND];
  let operations: ReturnType<typeof buildOperationsApi>;

  const repos = (resources: typeof a.resources, aws: typeof a.aws) => ({
    partners: dynamoPartnerRepository(aws.documents, resources.tables.exchange),
    messages: dynamoMessageRepository(aws.documents, resources.tables.exchange),
    log: dynamoMessageLogRepository(aws.documents, resources.tables.exchange),
    streams: dynamoStreamRepository(aws.documents, resources.tables.exchange),
  });

  const startReceiver = async () => {
    const r = repos(b.resources, b.aws);
    const inbox = buildInbox({
      province: RECEIVER,
      partners: r.partners,
      messages: r.messages,
      streams: r.streams,
      signingKeys: [key72.signing],
      observability: quietObservability(),
    });
    const spec = functionSpec(exchangeManifest, 'exchange-inbox');
    gateway = await startGateway({
      province: RECEIVER,
      port,
      manifests,
      runtimes: new Map([[spec.name, inProcessRuntime(spec, inbox)]]),
      issuer: await createLocalIssuer('urn:test:issuer'),
      health: async () => ({ status: 'ok' }),
      log: () => undefined,
    });
    port = gateway.port;
  };

  const registryInbound = async (): Promise<string[]> => {
    const ids: string[] = [];
    for (;;) {
      const out = await b.aws.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: b.resources.queues['registry-inbound']?.url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
        }),
      );
      if (!out.Messages?.length) return ids;
      for (const m of out.Messages) ids.push(JSON.parse(m.Body ?? '{}').id);
    }
  };
  const forwarded: string[] = [];

  const outbound = (id: string) => repos(a.resources, a.aws).messages.findOutbound(RECEIVER, id);

  beforeAll(async () => {
    a = await provisionForTest(SENDER);
    b = await provisionForTest(RECEIVER);
    await startReceiver();
    const ra = repos(a.resources, a.aws);
    const rb = repos(b.resources, b.aws);
    const now = new Date().toISOString();
    await ra.partners.put({
      code: RECEIVER,
      urn: provinceUrn(RECEIVER),
      inboxUrl: `${gateway?.url}/exchange/v1/inbox`,
      jwks: jwks([key72.verification]),
      inboundTypes: [...PROTOCOL_TYPES],
      outboundTypes: [...PROTOCOL_TYPES],
      status: 'active',
      updatedAt: now,
      updatedBy: 'test',
    });
    await rb.partners.put({
      code: SENDER,
      urn: provinceUrn(SENDER),
      inboxUrl: 'http://127.0.0.1:9/exchange/v1/inbox',
      jwks: jwks([key71.verification]),
      inboundTypes: [...PROTOCOL_TYPES],
      outboundTypes: [...PROTOCOL_TYPES],
      status: 'active',
      updatedAt: now,
      updatedBy: 'test',
    });
    const deliveryUrl = a.resources.queues['exchange-delivery']?.url ?? '';
    const delivery = sqsDeliveryQueue(a.aws.sqs, deliveryUrl);
    const quiet = quietObservability();
    const outbox = buildOutbox({ province: SENDER, ...ra, delivery, observability: quiet });
    const sender = (event: never, context: Context) =>
      buildSender({
        ...ra,
        delivery,
        signingKeys: [key71.signing],
        post: fetchInboxClient(2 * SECOND),
        schedule,
        observability: quiet,
      })(event, context);
    operations = buildOperationsApi({ province: SENDER, ...ra, delivery, observability: quiet });
    const router = buildRouter({
      ...rb,
      forward: sqsForward(b.aws.sqs, {
        'registry-inbound': b.resources.queues['registry-inbound']?.url ?? '',
        'payout-inbound': b.resources.queues['payout-inbound']?.url ?? '',
      }),
      observability: quiet,
    });
    const sqsPoller = (queue: string, name: string, handler: (e: never, c: Context) => Promise<unknown>) =>
      startSqsPoller({
        sqs: a.aws.sqs,
        queueUrl: a.resources.queues[queue]?.url ?? '',
        queueArn: `arn:aws:sqs:us-east-1:000000000000:p71-${queue}`,
        batchSize: 10,
        concurrency: 2,
        runtime: inProcessRuntime(functionSpec(exchangeManifest, name), handler),
        log: () => undefined,
      });
    pollers.push(sqsPoller('exchange-outbound', 'exchange-outbox', outbox));
    pollers.push(sqsPoller('exchange-delivery', 'exchange-sender', sender));
    // The sender's own router: it logs outbound messages as they finish.
    pollers.push(
      startStreamPoller({
        streams: a.aws.streams,
        streamArn: a.resources.streams.exchange ?? '',
        batchSize: 50,
        retryAttempts: 3,
        runtime: inProcessRuntime(
          functionSpec(exchangeManifest, 'exchange-router'),
          buildRouter({ ...ra, forward: async () => [], observability: quiet }),
        ),
        checkpoints: new Map(),
        onFailure: { sqs: a.aws.sqs, queueUrl: a.resources.streamDlqs.exchange?.url ?? '' },
        log: () => undefined,
        idleMs: 100,
      }),
    );
    pollers.push(
      startStreamPoller({
        streams: b.aws.streams,
        streamArn: b.resources.streams.exchange ?? '',
        batchSize: 50,
        retryAttempts: 3,
        runtime: inProcessRuntime(functionSpec(exchangeManifest, 'exchange-router'), router),
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

  const request = async (count: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const message = residenceNoticeRequest(SENDER, RECEIVER);
      ids.push(message.id);
      await a.aws.sqs.send(
        new SendMessageCommand({
          QueueUrl: a.resources.queues['exchange-outbound']?.url,
          MessageBody: JSON.stringify(message),
        }),
      );
    }
    return ids;
  };
  /** How often the receiver forwarded each message: it marks one just after the queue takes it, so wait for the marks. */
  const forwardCounts = async (ids: string[]) =>
    (
      await eventually(async () => {
        const found = await Promise.all(
          ids.map((id) => repos(b.resources, b.aws).messages.findInbound(SENDER, id)),
        );
        return found.every((m) => m?.forwardCount !== undefined) ? found : undefined;
      })
    ).map((m) => m?.forwardCount);
  const allDelivered = (ids: string[]) =>
    eventually(async () => {
      const records = await Promise.all(ids.map(outbound));
      return records.every((r) => r?.status === 'delivered') ? records : undefined;
    }, 30_000);

  it('keeps retrying while the receiver is down, then delivers each message exactly once', async () => {
    // Ten attempts over about 17 s: the receiver comes back well before the last.
    schedule = [0, SECOND, ...Array<number>(8).fill(2 * SECOND)];
    await gateway?.close();
    const ids = await request(3);
    // Every message has failed at least twice: the sender keeps trying.
    await eventually(async () => {
      const records = await Promise.all(ids.map(outbound));
      return records.every((r) => r && r.attempts >= 2 && r.status === 'pending') ? true : undefined;
    }, 20_000);
    await startReceiver();
    const records = await allDelivered(ids);
    expect(records.map((r) => r?.sequence).sort()).toEqual([1, 2, 3]);
    const detail = await callApi(operations, 'GET', '/v1/exchange/messages/{messageId}', {
      path: { messageId: ids[0] ?? '' },
      claims: OPERATOR,
    });
    const attempts = detail.body.messages[0].deliveryAttempts as {
      attempt: number;
      outcome: string;
      reason?: string;
    }[];
    // As the OpenAPI document describes it: numbered from 1 as the retry schedule is; `attempts` counts them.
    const described = exchangeApi['GET /v1/exchange/messages/{messageId}']?.responses[200]?.schema;
    expect(described?.safeParse(detail.body).error).toBeUndefined();
    expect(attempts.map((t) => t.attempt)).toEqual(attempts.map((_, i) => i + 1));
    expect(detail.body.messages[0].attempts).toBe(attempts.length);
    expect(attempts.at(-1)?.outcome).toBe('delivered');
    expect(attempts.slice(0, -1).every((t) => t.outcome === 'failed' && t.reason === 'network-error')).toBe(
      true,
    );

    // Forwarded once each to the receiving area's queue.
    await eventually(async () => {
      forwarded.push(...(await registryInbound()));
      return ids.every((id) => forwarded.includes(id)) ? true : undefined;
    });
    for (const id of ids) expect(forwarded.filter((f) => f === id)).toHaveLength(1);
    recordFigures('3-faults', [
      deliveryFigures(
        'partner province down for several retry steps',
        ids,
        forwarded,
        Math.min(...records.map((r) => r?.attempts ?? 0)),
      ),
    ]);
    expect(await forwardCounts(ids)).toEqual([1, 1, 1]);
  });

  it('after the last attempt marks the message failed and pauses the partner; resume and replay deliver the backlog', async () => {
    schedule = [0, 200, 200];
    await gateway?.close();
    const [failing] = await request(1);
    const failed = await eventually(async () => {
      const r = await outbound(failing ?? '');
      return r?.status === 'failed' ? r : undefined;
    });
    expect(failed.attempts).toBe(3);
    const partner = await repos(a.resources, a.aws).partners.find(RECEIVER);
    expect(partner).toMatchObject({ status: 'paused', pausedReason: 'delivery-failed' });

    // While paused, new messages wait: neither sent nor dropped.
    const [held] = await request(1);
    const waiting = await eventually(async () => {
      const r = await outbound(held ?? '');
      return r?.status === 'waiting' ? r : undefined;
    });
    expect(waiting.attempts).toBe(0);

    // Replay is refused while the partner is paused.
    const window = {
      partner: RECEIVER,
      from: new Date(Date.now() - 60_000).toISOString(),
      to: new Date().toISOString(),
    };
    const refused = await callApi(operations, 'POST', '/v1/exchange/replay', {
      body: window,
      claims: OPERATOR,
    });
    expect(refused.status).toBe(409);

    await startReceiver();
    const resumed = await callApi(operations, 'POST', '/v1/exchange/partners/{code}/actions/{action}', {
      path: { code: RECEIVER, action: 'resume' },
      claims: OPERATOR,
    });
    expect(resumed.body).toMatchObject({ status: 'active', released: 1 });
    await allDelivered([held ?? '']);

    const replayed = await callApi(operations, 'POST', '/v1/exchange/replay', {
      body: { ...window, to: new Date().toISOString() },
      claims: OPERATOR,
    });
    expect(replayed.status).toBe(202);
    // The failed one is sent again; the delivered ones in the window too (the receiver deduplicates).
    expect(replayed.body.messageIds).toContain(failing);
    await allDelivered([failing ?? '', held ?? '']);
    // Every attempt is kept: the first round's three failures, then the replay's delivery.
    const history = await callApi(operations, 'GET', '/v1/exchange/messages/{messageId}', {
      path: { messageId: failing ?? '' },
      claims: OPERATOR,
    });
    expect(
      history.body.messages[0].deliveryAttempts.map(
        (t: { round: number; attempt: number; outcome: string }) => `${t.round}.${t.attempt}:${t.outcome}`,
      ),
    ).toEqual(['0.1:failed', '0.2:failed', '0.3:failed', '1.1:delivered']);

    await eventually(async () => {
      forwarded.push(...(await registryInbound()));
      return [failing, held].every((id) => forwarded.includes(id ?? '')) ? true : undefined;
    });
    // A replay of a delivered message is a duplicate at the receiver: once the replay's attempt
    // on it is recorded, the receiver has answered it, and it is still forwarded once.
    expect(replayed.body.messageIds).toContain(held);
    await eventually(async () => {
      const detail = await callApi(operations, 'GET', '/v1/exchange/messages/{messageId}', {
        path: { messageId: held ?? '' },
        claims: OPERATOR,
      });
      const attempts = detail.body.messages[0].deliveryAttempts as { round: number; outcome: string }[];
      return attempts.some((t) => t.round === 1 && t.outcome === 'delivered') ? true : undefined;
    });
    forwarded.push(...(await registryInbound()));
    for (const id of [failing, held]) expect(forwarded.filter((f) => f === id)).toHaveLength(1);
    expect(await forwardCounts([failing ?? '', held ?? ''])).toEqual([1, 1]);
    recordFigures('3-faults', [
      deliveryFigures(
        'partner down past the last retry; resumed and replayed',
        [failing ?? '', held ?? ''],
        forwarded,
        failed.attempts,
      ),
    ]);

    // The sender's chain holds the four delivered messages and the failure, intact.
    const log = await eventually(async () => {
      const reply = await callApi(operations, 'GET', '/v1/exchange/partners/{code}/log', {
        path: { code: RECEIVER },
        claims: OPERATOR,
      });
      return reply.body.entries >= 6 ? reply.body : undefined;
    });
    expect(log).toMatchObject({ ok: true, entries: 6 });
  });

  it('waits longer than a queue delay through the sweeper, then delivers', async () => {
    // A second attempt 20 minutes out: beyond SQS's 15-minute delay, so only the sweeper brings it.
    schedule = [0, 20 * 60 * SECOND];
    await gateway?.close();
    const [id] = await request(1);
    const waiting = await eventually(async () => {
      const r = await outbound(id ?? '');
      return r?.attempts === 1 && r.nextAttemptAt ? r : undefined;
    });
    await startReceiver();
    const ra = repos(a.resources, a.aws);
    const delivery = sqsDeliveryQueue(a.aws.sqs, a.resources.queues['exchange-delivery']?.url ?? '');
    const sweepAt = (iso: string) => buildSweeper({ ...ra, delivery, clock: fixedClock(iso) })();
    // Before the due time the sweeper leaves it alone.
    expect(await sweepAt(new Date().toISOString())).toEqual({ queued: 0 });
    const due = new Date(Date.parse(waiting.nextAttemptAt ?? '') + SECOND).toISOString();
    expect(await sweepAt(due)).toEqual({ queued: 1 });
    await allDelivered([id ?? '']);
  });

  it('pages the message list with a cursor and filters it', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await callApi(operations, 'GET', '/v1/exchange/messages', {
        query: { partner: RECEIVER, direction: 'outbound', limit: '2', ...(cursor ? { cursor } : {}) },
        claims: OPERATOR,
      });
      expect(page.status).toBe(200);
      seen.push(
        ...page.body.items.map((m: { messageId: string; body?: string }) => {
          expect(m.body).toBeUndefined();
          return m.messageId;
        }),
      );
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.length).toBeGreaterThanOrEqual(6);
    expect(new Set(seen).size).toBe(seen.length);
    const failedOnly = await callApi(operations, 'GET', '/v1/exchange/messages', {
      query: { status: 'failed' },
      claims: OPERATOR,
    });
    expect(failedOnly.body.items).toEqual([]);
    const badCursor = await callApi(operations, 'GET', '/v1/exchange/messages', {
      query: { cursor: 'not-a-cursor' },
      claims: OPERATOR,
    });
    expect(badCursor.status).toBe(400);
  });

  it('onboards partners only with a valid inbox URL, keys and protocol types, never itself', async () => {
    const settings = {
      inboxUrl: 'https://jiahe.example.gov.cn/exchange/v1/inbox',
      jwks: jwks([key72.verification]),
      inboundTypes: [PROTOCOL_TYPES[0]],
      outboundTypes: [],
    };
    const put = (code: string, body: unknown) =>
      callApi(operations, 'PUT', '/v1/exchange/partners/{code}', { path: { code }, body, claims: OPERATOR });
    expect((await put(SENDER, settings)).status).toBe(422);
    expect((await put('73', { ...settings, inboxUrl: 'http://jiahe.example.gov.cn/inbox' })).status).toBe(
      422,
    );
    // Deployed, an inbox is public https: never this deployment's own or private network.
    for (const inboxUrl of [
      'http://127.0.0.1:3051/exchange/v1/inbox',
      'https://127.0.0.1/exchange/v1/inbox',
      'https://localhost/exchange/v1/inbox',
      'https://[::1]/exchange/v1/inbox',
      'https://10.0.0.8/exchange/v1/inbox',
      'https://169.254.169.254/latest/meta-data',
      'https://[fd00::8]/exchange/v1/inbox',
    ]) {
      const refused = await put('74', { ...settings, inboxUrl });
      expect(refused.status, inboxUrl).toBe(422);
      expect(refused.body.errors, inboxUrl).toEqual([expect.objectContaining({ field: 'body.inboxUrl' })]);
    }
    expect(
      (await callApi(operations, 'GET', '/v1/exchange/partners', { claims: OPERATOR })).body.items,
    ).not.toEqual(expect.arrayContaining([expect.objectContaining({ code: '74' })]));
    expect((await put('73', { ...settings, inboundTypes: ['cn.gov.jiahe.person.recorded.v1'] })).status).toBe(
      422,
    );
    expect((await put('73', { ...settings, jwks: { keys: [] } })).status).toBe(422);
    const created = await put('73', settings);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code: '73', urn: 'urn:cn:gov:730000:jiahe', status: 'active' });
    expect((await put('73', settings)).status).toBe(200);
    const listed = await callApi(operations, 'GET', '/v1/exchange/partners', { claims: OPERATOR });
    expect(listed.body.items.map((p: { code: string }) => p.code)).toEqual(['72', '73']);
  });

  it('finds a tampered log entry, through the operations API and the verify-log script', async () => {
    const verifyScript = () =>
      new Promise<number>((resolve) => {
        const child = spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            'functions/exchange/tools/verify-log.ts',
            '--table',
            a.resources.tables.exchange,
          ],
          {
            env: {
              ...process.env,
              AWS_ENDPOINT_URL_DYNAMODB: inject('dynamodbEndpoint'),
            },
            stdio: 'ignore',
          },
        );
        child.on('exit', (code) => resolve(code ?? -1));
      });
    const check = async () =>
      (
        await callApi(operations, 'GET', '/v1/exchange/partners/{code}/log', {
          path: { code: RECEIVER },
          claims: OPERATOR,
        })
      ).body;
    expect((await check()).ok).toBe(true);
    expect(await verifyScript()).toBe(0);

    // Someone with write access to the table edits the digest of the second entry.
    await a.aws.documents.send(
      new UpdateCommand({
        TableName: a.resources.tables.exchange,
        Key: { pk: `LOG#${RECEIVER}`, sk: 'E#000000000002' },
        UpdateExpression: 'SET sha256 = :forged',
        ExpressionAttributeValues: { ':forged': '0'.repeat(64) },
      }),
    );
    expect(await check()).toMatchObject({ ok: false, brokenAt: 1 });
    expect(await verifyScript()).toBe(1);
  }, 60_000);
  it('accepts a loopback inbox only where the local cloud explicitly opts in', async () => {
    const settings = {
      inboxUrl: 'http://127.0.0.1:3051/exchange/v1/inbox',
      jwks: jwks([key72.verification]),
      inboundTypes: [],
      outboundTypes: [],
    };
    const local = buildOperationsApi({
      province: SENDER,
      ...repos(a.resources, a.aws),
      delivery: sqsDeliveryQueue(a.aws.sqs, a.resources.queues['exchange-delivery']?.url ?? ''),
      observability: quietObservability(),
      partnerUrls: 'local-loopback',
    });
    const put = (api: typeof operations) =>
      callApi(api, 'PUT', '/v1/exchange/partners/{code}', {
        path: { code: '75' },
        body: settings,
        claims: OPERATOR,
      });
    expect((await put(operations)).status).toBe(422);
    expect((await put(local)).status).toBe(201);
  });
});

/** Sent, delivered (forwarded at the receiver), duplicates and lost, for the proof summary. */
function deliveryFigures(
  item: string,
  sent: readonly string[],
  forwarded: readonly string[],
  attempts: number,
) {
  const delivered = sent.filter((id) => forwarded.includes(id)).length;
  const duplicates = sent.reduce((n, id) => n + Math.max(0, forwarded.filter((f) => f === id).length - 1), 0);
  return {
    suite: 'faults',
    item,
    counts: {
      sent: sent.length,
      delivered,
      duplicates,
      lost: sent.length - delivered,
      failedAttempts: attempts,
    },
    mustBeZero: ['duplicates', 'lost'],
  };
}

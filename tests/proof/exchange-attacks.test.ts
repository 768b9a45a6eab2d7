import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, jwks } from '../../functions/exchange/domain/signing';
import { newUlid } from '../../shared/domain/ids';
import {
  BENEFIT_ENROLLMENT_CLAIMED,
  PERSON_RESIDENCE_REGISTERED,
} from '../../shared/events/exchange-messages';
import { partnerMessageBody, signedHeaders, somePersonRef } from '../support/exchange-messages';
import { countItems } from '../support/local-aws';
import { residentIdFor } from '../support/resident-ids';
import { http, startApiProvince } from './support/api-province';
import { recordFigures } from './support/figures';
import { captureProcessOutput, scanForLeaks } from './support/leaks';

const PARTNER = '71';
const current = generateSigningKey('p71-current');
const never = generateSigningKey('p71-never-registered');
const DAY = 86_400_000;
const rotatedOut = generateSigningKey('p71-rotated-out', {
  notBefore: new Date(Date.now() - 30 * DAY).toISOString(),
  notAfter: new Date(Date.now() - DAY).toISOString(),
});

interface Attack {
  readonly name: string;
  readonly body: string;
  readonly headers: Record<string, string>;
  /** The refusal expected, by status; the same id was stored before for replays. */
  readonly status: number;
}

/** Every way of forging, replaying or bending a partner message; each must be refused. */
function attacks(): Attack[] {
  const list: Attack[] = [];
  const add = (
    name: string,
    status: number,
    build: () => { body: string; headers: Record<string, string> },
  ) => list.push({ name, status, ...build() });
  const fresh = () => partnerMessageBody(PARTNER, '33');

  add('tampered body', 401, () => {
    const { id, body } = fresh();
    return {
      body: body.replace('"on":"2026-11-01"', '"on":"2026-11-02"'),
      headers: signedHeaders(id, body, [current.signing]),
    };
  });
  add('tampered webhook-id header', 401, () => {
    const { id, body } = fresh();
    return { body, headers: { ...signedHeaders(id, body, [current.signing]), 'webhook-id': newUlid() } };
  });
  add('tampered webhook-timestamp header', 401, () => {
    const { id, body } = fresh();
    const headers = signedHeaders(id, body, [current.signing]);
    return {
      body,
      headers: { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) - 1) },
    };
  });
  add('tampered signature bytes', 401, () => {
    const { id, body } = fresh();
    const headers = signedHeaders(id, body, [current.signing]);
    const sig = headers['webhook-signature'] ?? '';
    return { body, headers: { ...headers, 'webhook-signature': `${sig.slice(0, -6)}AAAAA=` } };
  });
  add('missing signature headers', 401, () => {
    const { body } = fresh();
    return { body, headers: { 'content-type': 'application/cloudevents+json' } };
  });
  add('signature by an unknown key', 401, () => {
    const { id, body } = fresh();
    return { body, headers: signedHeaders(id, body, [never.signing]) };
  });
  add('rotated-out key after its window', 401, () => {
    const { id, body } = fresh();
    return { body, headers: signedHeaders(id, body, [rotatedOut.signing]) };
  });
  add('replay of an old message (stale timestamp)', 401, () => {
    const { id, body } = fresh();
    return { body, headers: signedHeaders(id, body, [current.signing], new Date(Date.now() - 60 * 60_000)) };
  });
  add('message from the future', 401, () => {
    const { id, body } = fresh();
    return { body, headers: signedHeaders(id, body, [current.signing], new Date(Date.now() + 60 * 60_000)) };
  });
  add('oversized envelope', 413, () => {
    const { id, body } = partnerMessageBody(PARTNER, '33', { padding: 'x'.repeat(2_000_000) });
    return { body, headers: signedHeaders(id, body, [current.signing]) };
  });
  for (const [name, text] of [
    ['malformed envelope: not JSON', '{"specversion":"1.0",'],
    ['malformed envelope: an array', '[]'],
    ['malformed envelope: empty', ''],
  ] as const) {
    add(name, 400, () => {
      const id = newUlid();
      return { body: text, headers: signedHeaders(id, text, [current.signing]) };
    });
  }
  add('malformed envelope: data not matching its type', 422, () => {
    const { id, body } = partnerMessageBody(PARTNER, '33', { data: { personRef: 1 } });
    return { body, headers: signedHeaders(id, body, [current.signing]) };
  });
  add('malformed envelope: a resident ID as subject', 422, () => {
    const { id, body } = partnerMessageBody(PARTNER, '33', {
      subject: residentIdFor('510104', '1990-01-01', '021'),
    });
    return { body, headers: signedHeaders(id, body, [current.signing]) };
  });
  add('envelope id differs from the signed webhook-id', 400, () => {
    const { body } = fresh();
    const id = newUlid();
    return { body, headers: signedHeaders(id, body, [current.signing]) };
  });
  add('message for another province', 422, () => {
    const { id, body } = partnerMessageBody(PARTNER, '51');
    return { body, headers: signedHeaders(id, body, [current.signing]) };
  });
  add('a type the partner may not send', 403, () => {
    const { id, body } = partnerMessageBody(PARTNER, '33', {
      type: BENEFIT_ENROLLMENT_CLAIMED,
      data: {
        claimId: newUlid(),
        personRef: somePersonRef(),
        scheme: 'rural-reward',
        fromPeriod: '2026-12',
        claimingRegion: '710100',
      },
    });
    return { body, headers: signedHeaders(id, body, [current.signing]) };
  });
  add('an unknown partner', 403, () => {
    const { id, body } = partnerMessageBody('72', '33');
    return { body, headers: signedHeaders(id, body, [current.signing]) };
  });
  add('wrong content type', 415, () => {
    const { id, body } = fresh();
    return { body, headers: { ...signedHeaders(id, body, [current.signing]), 'content-type': 'text/plain' } };
  });
  return list;
}

/**
 * Attacks on the exchange inbox of a running province: every forgery, replay and bent
 * envelope is refused with a problem, stores nothing (the exchange table does not change)
 * and leaves a log line saying it was refused.
 */
describe('exchange inbox under attack', () => {
  let api: Awaited<ReturnType<typeof startApiProvince>>;
  let capture: ReturnType<typeof captureProcessOutput>;
  const figures = { tried: 0, accepted: 0, stored: 0, unlogged: 0 };

  const stored = () => countItems(api.aws.dynamodb, api.resources.tables.exchange);
  const refusalsLogged = () =>
    capture.lines.filter((l) => /inbox refused a message|reused a message id|request refused/.test(l)).length;
  const inbox = (body: string, headers: Record<string, string>) =>
    http(api.url, 'POST', '/exchange/v1/inbox', { body, headers });

  beforeAll(async () => {
    capture = captureProcessOutput();
    api = await startApiProvince('13');
    const operator = await api.token({ sub: 'operator-1', roles: ['exchange-operator'], region: '330000' });
    const put = await http(api.url, 'PUT', `/v1/exchange/partners/${PARTNER}`, {
      token: operator,
      body: JSON.stringify({
        inboxUrl: 'http://127.0.0.1:9/exchange/v1/inbox',
        jwks: jwks([current.verification, rotatedOut.verification]),
        inboundTypes: [PERSON_RESIDENCE_REGISTERED],
        outboundTypes: [],
      }),
    });
    expect(put.status, JSON.stringify(put.body)).toBeLessThan(300);
  });

  afterAll(async () => {
    await api?.stop();
    capture?.stop();
    const leaks = scanForLeaks(capture?.lines ?? []);
    recordFigures('4-attacks', [
      {
        suite: 'exchange attacks',
        item: 'forged, replayed and malformed partner messages',
        counts: figures,
        mustBeZero: ['accepted', 'stored', 'unlogged'],
      },
    ]);
    recordFigures('5-privacy', [
      {
        suite: 'privacy',
        item: 'function log lines (attack run)',
        counts: { lines: leaks.lines, leaks: leaks.residentIds + leaks.accounts + leaks.tokens },
        mustBeZero: ['leaks'],
      },
    ]);
  });

  it('accepts a correctly signed message (the baseline, so refusals mean something)', async () => {
    const { id, body } = partnerMessageBody(PARTNER, '33');
    const reply = await inbox(body, signedHeaders(id, body, [current.signing]));
    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
  });

  it.each(attacks())('refuses $name', async (attack) => {
    const before = await stored();
    const logged = refusalsLogged();
    const reply = await inbox(attack.body, attack.headers);
    const after = await stored();
    figures.tried++;
    if (reply.status < 400) figures.accepted++;
    if (after !== before) figures.stored++;
    // The gateway itself refuses what is past API Gateway's limit, before any function runs.
    const byGateway = reply.status === 413 && (reply.body as { message?: string })?.message !== undefined;
    if (!byGateway && refusalsLogged() <= logged) figures.unlogged++;
    expect(reply.status, JSON.stringify(reply.body)).toBe(attack.status);
    expect(after).toBe(before);
  });

  it('refuses the same id with a different body, keeps the original, and answers an exact replay as a duplicate', async () => {
    const { id, body } = partnerMessageBody(PARTNER, '33');
    expect((await inbox(body, signedHeaders(id, body, [current.signing]))).status).toBe(202);
    const before = await stored();
    for (const [name, text, status] of [
      ['exact replay within the window', body, 202],
      ['same id, different body', body.replace('"on":"2026-11-01"', '"on":"2026-11-03"'), 409],
    ] as const) {
      const logged = refusalsLogged();
      const reply = await inbox(text, signedHeaders(id, text, [current.signing]));
      figures.tried++;
      // A replay is answered with the original receipt and processed no second time.
      if (status === 202) expect((reply.body as { status?: string }).status, name).toBe('duplicate');
      else {
        if (reply.status < 400) figures.accepted++;
        if (refusalsLogged() <= logged) figures.unlogged++;
      }
      if ((await stored()) !== before) figures.stored++;
      expect(reply.status, name).toBe(status);
    }
    expect(await stored()).toBe(before);
  });
});

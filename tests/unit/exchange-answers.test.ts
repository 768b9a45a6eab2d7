import { describe, expect, it } from 'vitest';
import { gatherAnswers } from '../../functions/exchange/domain/answers';
import { buildOutboundMessage } from '../../functions/exchange/domain/outbound';
import { type Partner, PROTOCOL_TYPES, VERSION_1_TYPES } from '../../functions/exchange/domain/partner';
import { newUlid } from '../../shared/domain/ids';
import { ACK, ACK_BATCH, AckBatch, MAX_ANSWERS } from '../../shared/events/catalog';
import { type EventEnvelope, eventSource, provinceUrn } from '../../shared/events/envelope';
import { residenceNoticeRequest } from '../support/exchange-messages';

const partner = (outboundTypes: readonly string[]): Partner => ({
  code: '51',
  urn: provinceUrn('51'),
  inboxUrl: 'https://jiahe.example.gov.cn/exchange/v1/inbox',
  jwks: {
    keys: [{ kid: 'k', kty: 'OKP', crv: 'Ed25519', x: 'BW9PYUNKMMEOml9VF46c6zZ62lLJg77-SaPjFQNOKNg' }],
  },
  inboundTypes: [...PROTOCOL_TYPES],
  outboundTypes: [...outboundTypes],
  status: 'active',
  updatedAt: '2026-11-22T09:00:00.000Z',
  updatedBy: 'test',
});

/** An area's answer to message `answered` of province 51, as the registry's publisher sends it. */
const ack = (
  answered: string | undefined,
  outcome = 'ok',
  time = '2026-11-22T09:00:00.000Z',
): EventEnvelope => ({
  specversion: '1.0',
  id: newUlid(Date.parse(time)),
  source: eventSource('33', 'registry'),
  type: ACK,
  time,
  subject: answered ?? 'none',
  datacontenttype: 'application/json',
  data: { outcome, ...(outcome === 'fatal-error' ? { reason: 'unknown-person' } : {}) },
  recipient: provinceUrn('51'),
  ...(answered ? { correlationid: answered } : {}),
});
const keyed = (requests: EventEnvelope[]) => requests.map((request, i) => ({ key: `sqs-${i}`, request }));

describe('answers gathered per partner', () => {
  it('gathers the answers to a partner that takes ack.v2 into one message; every other request goes alone', () => {
    const answered = [newUlid(), newUlid(), newUlid()];
    const notice = residenceNoticeRequest('33', '51');
    const loose = ack(undefined);
    const requests = keyed([
      ack(answered[0]),
      notice,
      ack(answered[1], 'fatal-error'),
      loose,
      ack(answered[2]),
    ]);
    const outgoing = gatherAnswers(requests, partner(PROTOCOL_TYPES));

    expect(outgoing.map(({ request, keys }) => [request.type, keys])).toEqual([
      [notice.type, ['sqs-1']],
      [ACK, ['sqs-3']],
      [ACK_BATCH, ['sqs-0', 'sqs-2', 'sqs-4']],
    ]);
    const gathered = outgoing[2]?.request as EventEnvelope;
    expect(AckBatch.parse(gathered.data).answers).toEqual([
      { correlationid: answered[0], outcome: 'ok' },
      { correlationid: answered[1], outcome: 'fatal-error', reason: 'unknown-person' },
      { correlationid: answered[2], outcome: 'ok' },
    ]);
    // A message like any other: it passes every check of the outbound message.
    expect(() =>
      buildOutboundMessage({
        request: gathered,
        partner: partner(PROTOCOL_TYPES),
        ownUrn: provinceUrn('33'),
        sequence: 7,
      }),
    ).not.toThrow();
  });

  it('sends each answer alone to a partner that takes only version 1 types', () => {
    const requests = keyed([ack(newUlid()), ack(newUlid())]);
    expect(gatherAnswers(requests, partner(VERSION_1_TYPES)).map(({ request }) => request.type)).toEqual([
      ACK,
      ACK,
    ]);
  });

  it('makes the same message from the same answers, in any order, and another from others', () => {
    const answers = [ack(newUlid()), ack(newUlid(), 'ok', '2026-11-22T09:00:05.000Z')];
    const id = (requests: EventEnvelope[]) =>
      gatherAnswers(keyed(requests), partner(PROTOCOL_TYPES))[0]?.request.id;
    expect(id(answers)).toBe(id([...answers].reverse()));
    expect(id(answers)).not.toBe(id([answers[0] as EventEnvelope]));
    // Its time is the earliest answer's, whatever the order.
    expect(gatherAnswers(keyed([...answers].reverse()), partner(PROTOCOL_TYPES))[0]?.request.time).toBe(
      '2026-11-22T09:00:00.000Z',
    );
  });

  it(`puts at most ${MAX_ANSWERS} answers in one message`, () => {
    const requests = keyed(Array.from({ length: MAX_ANSWERS + 1 }, () => ack(newUlid())));
    const outgoing = gatherAnswers(requests, partner(PROTOCOL_TYPES));
    expect(outgoing.map(({ keys }) => keys.length)).toEqual([MAX_ANSWERS, 1]);
    expect(outgoing.every(({ request }) => request.type === ACK_BATCH)).toBe(true);
  });
});

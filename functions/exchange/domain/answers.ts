import { createHash } from 'node:crypto';
import { ulidFrom } from '../../../shared/domain/ids';
import type { EventEnvelope } from '../../../shared/events/envelope';
import { ACK, ACK_BATCH, Ack, type AckBatch, MAX_ANSWERS } from '../../../shared/events/exchange-messages';
import { allowsOutbound, type Partner } from './partner';

/** A message to number for a partner, and the requests (by key) it carries out. */
export interface Outgoing {
  readonly request: EventEnvelope;
  readonly keys: readonly string[];
}

/**
 * The messages to send a partner for a batch of the areas' requests. When the partner takes
 * `ack.v2` from us, the `ack.v1` answers among them are gathered into `ack.v2` messages of
 * up to 500 answers each (exchange protocol §3.2): one message, and one item on each side,
 * instead of one per answer. Every other request is a message of its own.
 *
 * A gathered message's id is made from its answers (the earliest request's time, a digest of
 * the request ids), so the same requests delivered again make the same message, which the
 * numbering then recognises. An answer that names no message (`correlationid`) stays an
 * `ack.v1`.
 */
export function gatherAnswers(
  requests: readonly { key: string; request: EventEnvelope }[],
  partner: Partner,
): Outgoing[] {
  const gatherable = (request: EventEnvelope) =>
    request.type === ACK && request.correlationid !== undefined && Ack.safeParse(request.data).success;
  if (!allowsOutbound(partner, ACK_BATCH))
    return requests.map(({ key, request }) => ({ request, keys: [key] }));
  const answers = requests.filter(({ request }) => gatherable(request));
  const others = requests.filter(({ request }) => !gatherable(request));
  const gathered: Outgoing[] = [];
  for (let i = 0; i < answers.length; i += MAX_ANSWERS) {
    const chunk = answers.slice(i, i + MAX_ANSWERS);
    const first = chunk[0]?.request;
    if (!first) continue;
    const ids = chunk.map(({ request }) => request.id).sort();
    const time = chunk.map(({ request }) => request.time).sort()[0] ?? first.time;
    const id = ulidFrom(Date.parse(time), createHash('sha256').update(ids.join(',')).digest());
    const data: AckBatch = {
      answers: chunk.map(({ request }) => ({
        ...Ack.parse(request.data),
        correlationid: request.correlationid as string,
      })),
    };
    gathered.push({
      request: {
        specversion: '1.0',
        id,
        source: first.source,
        type: ACK_BATCH,
        time,
        subject: id,
        datacontenttype: 'application/json',
        data,
        ...(first.recipient ? { recipient: first.recipient } : {}),
      },
      keys: chunk.map(({ key }) => key),
    });
  }
  return [...others.map(({ key, request }) => ({ request, keys: [key] })), ...gathered];
}

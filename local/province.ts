import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { JWK } from 'jose';
import type { LocalFieldKeys } from '../shared/crypto/field-keys';
import {
  type AreaManifest,
  type DeploymentSettings,
  type FunctionSpec,
  NATIONAL_SECRETS,
  SECRET_NAMES,
  type SecretName,
} from '../shared/manifest';
import { isSigningKeySet, localSigningKeySet } from './exchange-keys';
import { functionEnv, type ProvinceEndpoints } from './function-env';
import { type Gateway, type HealthReport, startGateway } from './gateway/server';
import { createLocalIssuer } from './identity';
import { PersistedState } from './persisted-state';
import { type Poller, startSqsPoller } from './pollers/sqs-poller';
import { startStreamPoller } from './pollers/stream-poller';
import { type FunctionRuntime, startFunctionRuntime } from './runtime/function-runtime';
import { startScheduler } from './scheduler';
import { localClientConfig } from './services/clients';
import { provisionProvince } from './services/provision';

export interface ProvinceOptions {
  readonly province: string;
  readonly port: number;
  readonly endpoints: ProvinceEndpoints;
  readonly manifests: readonly AreaManifest[];
  readonly repoRoot: string;
  /** With `--persist`: where keys and stream checkpoints are kept between runs. */
  readonly stateDir?: string;
  /** Values of the secrets every province shares (`NATIONAL_SECRETS`). */
  readonly nationalSecrets: Readonly<Partial<Record<SecretName, string>>>;
  /**
   * A cap on instances per function (Lambda concurrency). Without it a queue consumer runs as
   * many as its manifest's maximum concurrency, as in the cloud, and any other function
   * `LOCAL_INSTANCES`.
   */
  readonly maxInstances?: number;
  readonly log: (source: string, line: string) => void;
  /** Secrets issued by someone else (the bank's channel certificates), put in as an operator would. */
  readonly issuedSecrets?: Readonly<Partial<Record<SecretName, string>>>;
  /** Deployment settings (CDK context in the cloud), e.g. the local bank simulator's address. */
  readonly settings?: DeploymentSettings;
  /** False turns the gateway's per-route throttles off (benchmarks only). */
  readonly throttled?: boolean;
}

export interface RunningProvince {
  readonly province: string;
  readonly url: string;
  readonly gateway: Gateway;
  stop(): Promise<void>;
}

interface ProvinceState {
  secrets: Record<SecretName, string>;
  /**
   * The stand-in for the KMS field keys: AES wrapping keys by name, one current. Rotating
   * locally means adding a key here and making it current (docs/operations.md).
   */
  fieldKeys?: LocalFieldKeys;
  issuerKeys?: { privateJwk: JWK; publicJwk: JWK };
  checkpoints: Record<string, string>;
}

/** Instances of a function that the manifest leaves to Lambda's scaling (API and stream functions). */
const LOCAL_INSTANCES = 2;

/** A function's instances: its queue's maximum concurrency, as the event source mapping allows in the cloud. */
const instancesOf = (spec: FunctionSpec, cap: number | undefined): number =>
  Math.min(spec.queue?.maxConcurrency ?? LOCAL_INSTANCES, cap ?? Number.POSITIVE_INFINITY);

/**
 * Receive loops of one queue. Lambda starts a queue with five pollers and adds more only as
 * messages wait; always running one long poll per allowed instance (50 for the disburser)
 * would keep the local emulator busy with empty receives.
 */
const MAX_RECEIVE_LOOPS = 10;

/**
 * One province's deployment on the local cloud: its tables and queues, one runtime per
 * function, the pollers and schedules that feed them, and its API gateway.
 */
export async function startProvince(options: ProvinceOptions): Promise<RunningProvince> {
  const { province } = options;
  const tag = `p${province}`;
  const log = (line: string) => options.log(tag, line);
  const dynamodb = new DynamoDBClient(localClientConfig(options.endpoints.dynamodb));
  const sqs = new SQSClient(localClientConfig(options.endpoints.sqs));
  const streams = new DynamoDBStreamsClient(localClientConfig(options.endpoints.dynamodb));
  const resources = await provisionProvince({ province, dynamodb, sqs, manifests: options.manifests });

  const state = new PersistedState<ProvinceState>(
    options.stateDir ? join(options.stateDir, `${tag}-state.json`) : undefined,
    () => ({ secrets: {} as Record<SecretName, string>, checkpoints: {} }),
  );
  // Generated once per province, kept with --persist; a secret added later is generated then.
  for (const name of SECRET_NAMES) {
    const national = NATIONAL_SECRETS.includes(name) ? options.nationalSecrets[name] : undefined;
    const given = national ?? options.issuedSecrets?.[name];
    if (given) {
      state.update((s) => {
        s.secrets[name] = given;
      });
    } else if (name === 'exchange-signing-keys') {
      // A key set, not random bytes: the exchange signs with it and publishes its public half.
      if (!isSigningKeySet(state.get().secrets[name])) {
        state.update((s) => {
          s.secrets[name] = localSigningKeySet(province);
        });
      }
    } else if (!state.get().secrets[name]) {
      state.update((s) => {
        s.secrets[name] = randomBytes(32).toString('hex');
      });
    }
  }
  if (!state.get().fieldKeys) {
    state.update((s) => {
      s.fieldKeys = { current: 'local-1', keys: { 'local-1': randomBytes(32).toString('base64') } };
    });
  }
  // Each province has its own identity platforms, so its own issuers here: a token from
  // one province's gateway is refused by the other's.
  const issuer = await createLocalIssuer(`urn:jiahe:local-issuer:${tag}`, state.get().issuerKeys);
  if (!state.get().issuerKeys) {
    const keys = await issuer.exportKeys();
    state.update((s) => {
      s.issuerKeys = keys;
    });
  }

  const runtimes = new Map<string, FunctionRuntime>();
  for (const area of options.manifests) {
    for (const spec of area.functions) {
      runtimes.set(
        spec.name,
        startFunctionRuntime({
          spec,
          env: functionEnv(
            area,
            spec,
            province,
            options.endpoints,
            resources,
            state.get().secrets,
            options.settings,
            state.get().fieldKeys,
            issuer.issuers,
          ),
          repoRoot: options.repoRoot,
          maxInstances: instancesOf(spec, options.maxInstances),
          log: (line) => options.log(`${tag} ${spec.name}`, line),
        }),
      );
    }
  }

  const pollers: Poller[] = [];
  for (const spec of options.manifests.flatMap((m) => m.functions)) {
    const runtime = runtimes.get(spec.name) as FunctionRuntime;
    if (spec.queue) {
      const queue = resources.queues[spec.queue.queue];
      if (!queue) throw new Error(`queue ${spec.queue.queue} was not provisioned`);
      pollers.push(
        startSqsPoller({
          sqs,
          queueUrl: queue.url,
          queueArn: queue.arn,
          batchSize: spec.queue.batchSize,
          concurrency: Math.min(instancesOf(spec, options.maxInstances), MAX_RECEIVE_LOOPS),
          runtime,
          log,
        }),
      );
    }
    if (spec.stream) {
      const streamArn = resources.streams[spec.stream.table];
      const dlq = resources.streamDlqs[spec.stream.table];
      if (!streamArn || !dlq) throw new Error(`${spec.stream.table} has no stream or stream DLQ`);
      pollers.push(
        startStreamPoller({
          streams,
          streamArn,
          batchSize: spec.stream.batchSize,
          retryAttempts: spec.stream.retryAttempts,
          ...(spec.stream.filters ? { filters: spec.stream.filters } : {}),
          runtime,
          onFailure: { sqs, queueUrl: dlq.url },
          checkpoints: {
            get: (shard) => state.get().checkpoints[`${spec.name}/${shard}`],
            set: (shard, sequence) =>
              state.update((s) => {
                s.checkpoints[`${spec.name}/${shard}`] = sequence;
              }),
          },
          log,
        }),
      );
    }
  }
  const scheduler = startScheduler(options.manifests, runtimes, log);

  const health = async (): Promise<HealthReport> => {
    const checks: Record<string, unknown> = {};
    let ok = true;
    const timed = async (name: string, check: () => Promise<unknown>) => {
      const started = performance.now();
      try {
        checks[name] = {
          ok: true,
          ...((await check()) as object),
          latencyMs: Math.round(performance.now() - started),
        };
      } catch (error) {
        ok = false;
        checks[name] = { ok: false, error: (error as Error).name };
      }
    };
    await timed('dynamodb', async () => {
      await dynamodb.send(new ListTablesCommand({ Limit: 1 }));
      return {};
    });
    await timed('sqs', async () => {
      const dlqDepth: Record<string, number> = {};
      const dlqs = [
        ...Object.entries(resources.queues).map(([name, q]) => [`${name}-dlq`, q.dlqUrl] as const),
        ...Object.entries(resources.streamDlqs).map(
          ([area, q]) => [`${area}-stream-dlq`, q?.url ?? ''] as const,
        ),
      ];
      for (const [name, url] of dlqs) {
        const attrs = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
        );
        dlqDepth[name] = Number(attrs.Attributes?.ApproximateNumberOfMessages ?? 0);
      }
      return { dlqDepth };
    });
    return { status: ok ? 'ok' : 'degraded', province, functions: runtimes.size, dependencies: checks };
  };

  const gateway = await startGateway({
    province,
    port: options.port,
    manifests: options.manifests,
    runtimes,
    issuer,
    health,
    log,
    ...(options.throttled === false ? { throttles: false as const } : {}),
  });

  return {
    province,
    url: gateway.url,
    gateway,
    async stop() {
      scheduler.stop();
      await gateway.close();
      await Promise.all(pollers.map((p) => p.stop()));
      await Promise.all([...runtimes.values()].map((r) => r.stop()));
      dynamodb.destroy();
      sqs.destroy();
      streams.destroy();
    },
  };
}

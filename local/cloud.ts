import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { manifests } from '../functions/manifests';
import { NATIONAL_SECRETS, type SecretName } from '../shared/manifest';
import { startLocalBank } from './bank/wiring';
import { examplePayoutConfigurationText } from './examples/payout-configuration';
import { registerExchangePartners } from './exchange-partners';
import { PersistedState } from './persisted-state';
import { type RunningProvince, startProvince } from './province';
import { startDynamoDbLocal } from './services/dynamodb-local';
import { startSqsLocal } from './services/sqs-local';

export interface LocalCloudOptions {
  /** Province code → gateway port (0 picks a free one). */
  readonly provinces: Readonly<Record<string, number>>;
  /** Keep tables, queues, keys and checkpoints in this folder between runs. */
  readonly persistDir?: string;
  readonly log?: (source: string, line: string) => void;
  /**
   * Whether each gateway enforces the stage's per-route throttles (default true, as
   * deployed). Only the benchmark turns them off: it measures the handlers, not the limits.
   */
  readonly throttled?: boolean;
  /**
   * Puts something in front of DynamoDB Local (given its address, answers the one every
   * client uses instead): the benchmark counts requests and writes at the endpoint this way.
   */
  readonly interposeDynamoDb?: (endpoint: string) => Promise<string>;
}

export interface LocalCloud {
  readonly provinces: readonly RunningProvince[];
  readonly endpoints: { readonly dynamodb: string; readonly sqs: string };
  stop(): Promise<void>;
}

export const REPO_ROOT = resolve(new URL('..', import.meta.url).pathname);

const defaultLog = (source: string, line: string) => process.stdout.write(`[${source}] ${line}\n`);

/**
 * The whole system on one machine: DynamoDB Local and the SQS emulator (loopback only),
 * then each province with its own tables, queues, functions and gateway. Stops everything
 * it started, in reverse order, when `stop()` is called or a start step fails.
 */
export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const log = options.log ?? defaultLog;
  const dataDir = options.persistDir ? resolve(options.persistDir) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse())
      await stop().catch((e: unknown) => log('local', `stop failed: ${(e as Error).message}`));
  };
  try {
    const dynamodb = await startDynamoDbLocal({
      port: 0,
      ...(dataDir ? { dataDir: join(dataDir, 'dynamodb') } : {}),
    });
    stops.push(() => dynamodb.stop());
    const sqs = await startSqsLocal({ port: 0, ...(dataDir ? { dataDir: join(dataDir, 'sqs') } : {}) });
    stops.push(() => sqs.stop());
    const endpoints = {
      dynamodb: options.interposeDynamoDb
        ? await options.interposeDynamoDb(dynamodb.endpoint)
        : dynamodb.endpoint,
      sqs: sqs.endpoint,
    };
    // The default bank rail of the payout area: a simulator on loopback.
    const bank = await startLocalBank(dataDir);
    stops.push(() => bank.stop());
    // Issued nationally in the cloud; here generated once and given to every province.
    const national = new PersistedState<Partial<Record<SecretName, string>>>(
      dataDir ? join(dataDir, 'national-secrets.json') : undefined,
      () => Object.fromEntries(NATIONAL_SECRETS.map((name) => [name, randomBytes(32).toString('hex')])),
    );
    const provinces: RunningProvince[] = [];
    for (const [province, port] of Object.entries(options.provinces)) {
      const running = await startProvince({
        province,
        port,
        endpoints,
        manifests,
        nationalSecrets: national.get(),
        repoRoot: REPO_ROOT,
        settings: {
          'payout-bank-url': bank.simulator.url,
          // The example schemes and a fictitious account: local cloud and tests only.
          'payout-configuration': examplePayoutConfigurationText(province),
        },
        issuedSecrets: await bank.channelSecrets(province),
        ...(options.throttled === false ? { throttled: false } : {}),
        ...(dataDir ? { stateDir: dataDir } : {}),
        log,
      });
      stops.push(() => running.stop());
      provinces.push(running);
    }
    await registerExchangePartners(provinces, log);
    return { provinces, endpoints, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

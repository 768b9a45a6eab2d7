import { randomBytes } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { inject } from 'vitest';
import { manifests } from '../../../functions/manifests';
import { startLocalBank } from '../../../local/bank/wiring';
import { localSigningKeySet } from '../../../local/exchange-keys';
import { startGateway } from '../../../local/gateway/server';
import { createLocalIssuer, type DevTokenRequest } from '../../../local/identity';
import type { FunctionRuntime } from '../../../local/runtime/function-runtime';
import { LOCAL_FIELD_KEYS_ENV } from '../../../shared/crypto/field-keys';
import { CITIZEN_ISSUER_ENV, STAFF_ISSUER_ENV } from '../../../shared/http/claims';
import {
  LOCAL_LOOPBACK_PARTNERS_ENV,
  localSecretEnvName,
  queueEnvName,
  SECRET_NAMES,
  type SecretName,
  settingEnvName,
  tableEnvName,
} from '../../../shared/manifest';
import { inProcessRuntime } from '../../support/in-process-runtime';
import { provisionForTest } from '../../support/local-aws';

type Handler = (event: never, context: Context) => Promise<unknown>;

/**
 * One province's whole API, served in this process: the real handler modules (built from
 * their environment exactly as in Lambda) on DynamoDB Local and the SQS emulator, behind
 * the local API gateway with its JWT check. Fast enough to send tens of thousands of
 * requests, and faithful: no fakes between the request and the tables. `isolation` names
 * the tables (a code of the test's own); `province` is the deployment the functions serve.
 */
export async function startApiProvince(isolation: string, province = '33') {
  const { aws, resources } = await provisionForTest(isolation);
  const secrets = Object.fromEntries(
    SECRET_NAMES.map((name) => [
      name,
      name === 'exchange-signing-keys' ? localSigningKeySet(province) : randomBytes(32).toString('hex'),
    ]),
  ) as Record<SecretName, string>;
  // The bank channel's client certificate and CA, issued by a local bank as in the local cloud.
  const bank = await startLocalBank();
  Object.assign(secrets, await bank.channelSecrets(province));
  // The union of what the manifests grant the API functions; one process hosts them all.
  Object.assign(process.env, {
    JIAHE_PROVINCE: province,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamodbEndpoint'),
    AWS_ENDPOINT_URL_SQS: inject('sqsEndpoint'),
    POWERTOOLS_LOG_LEVEL: 'INFO',
  });
  for (const [table, name] of Object.entries(resources.tables)) {
    process.env[tableEnvName(table as never)] = name;
  }
  for (const [queue, address] of Object.entries(resources.queues))
    process.env[queueEnvName(queue)] = address.url;
  for (const name of SECRET_NAMES) process.env[localSecretEnvName(name)] = secrets[name];
  // The disburser, when a proof runs it, sends to this bank.
  process.env[settingEnvName('payout-bank-url')] = bank.simulator.url;
  // The local stand-in for the KMS field keys.
  process.env[LOCAL_FIELD_KEYS_ENV] = JSON.stringify({
    current: 'local-1',
    keys: { 'local-1': randomBytes(32).toString('base64') },
  });
  // As the local cloud does: its partners' inboxes are on loopback.
  process.env[LOCAL_LOOPBACK_PARTNERS_ENV] = 'allow';

  const runtimes = new Map<string, FunctionRuntime>();
  const handlers = new Map<string, Handler>();
  for (const spec of manifests.flatMap((m) => m.functions)) {
    if (!spec.routes?.length) continue;
    const entry = new URL(`../../../${spec.entry}`, import.meta.url).pathname;
    const module = (await import(/* @vite-ignore */ entry)) as { handler: Handler };
    handlers.set(spec.name, module.handler);
    runtimes.set(spec.name, inProcessRuntime(spec, module.handler));
  }
  const issuer = await createLocalIssuer(`urn:jiahe:local-issuer:p${province}`);
  const stranger = await createLocalIssuer(`urn:jiahe:local-issuer:p${province}`);
  // The functions map claims by issuer, as the CDK app tells them (shared/http/claims.ts).
  process.env[CITIZEN_ISSUER_ENV] = issuer.issuers.citizen;
  process.env[STAFF_ISSUER_ENV] = issuer.issuers.staff;
  const gateway = await startGateway({
    province,
    port: 0,
    manifests,
    runtimes,
    issuer,
    health: async () => ({ status: 'ok' }),
    log: () => {},
    // The proofs send thousands of requests a second at the handlers; the per-route
    // throttles would answer most of them 429. They are proven on their own
    // (tests/unit/local-gateway-throttle.test.ts, tests/infra/platform-stack.test.ts).
    throttles: false,
  });
  return {
    aws,
    resources,
    secrets,
    handlers,
    bank: bank.simulator,
    url: gateway.url,
    issuers: issuer.issuers,
    audience: issuer.audience,
    exportIssuerKeys: () => issuer.exportKeys(),
    token: (request: DevTokenRequest) => issuer.issue(request),
    /** Signed by a key the gateway does not trust, though it names the same issuer. */
    foreignToken: (request: DevTokenRequest) => stranger.issue(request),
    stop: async () => {
      await gateway.close();
      await bank.stop();
    },
  };
}

/** A request over real HTTP; the body is parsed when it is JSON. */
export async function http(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: string; headers?: Record<string, string> } = {},
) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body };
}

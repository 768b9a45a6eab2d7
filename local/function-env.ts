import { LOCAL_FIELD_KEYS_ENV, type LocalFieldKeys } from '../shared/crypto/field-keys';
import { CITIZEN_ISSUER_ENV, STAFF_ISSUER_ENV, type TrustedIssuers } from '../shared/http/claims';
import {
  type AreaManifest,
  type DeploymentSettings,
  type FunctionSpec,
  LOCAL_LOOPBACK_PARTNERS_ENV,
  localSecretEnvName,
  queueEnvName,
  type SecretName,
  settingEnvName,
  type TableName,
  tableEnvName,
} from '../shared/manifest';
import { LOCAL_REGION } from './services/clients';

export interface ProvinceEndpoints {
  readonly dynamodb: string;
  readonly sqs: string;
}

export interface ProvinceNames {
  readonly tables: Readonly<Record<TableName, string>>;
  readonly queues: Readonly<Record<string, { readonly url: string }>>;
}

/**
 * The complete environment of one function's process: what the CDK app would set for it
 * (tables, queues and secrets its manifest grants, nothing else), plus the emulator
 * endpoints and dummy credentials that stand in for the cloud. A function that uses the
 * field keys gets the local wrapping keys that stand in for KMS (`LOCAL_FIELD_KEYS`).
 */
export function functionEnv(
  area: AreaManifest,
  spec: FunctionSpec,
  province: string,
  endpoints: ProvinceEndpoints,
  names: ProvinceNames,
  secrets: Readonly<Record<SecretName, string>>,
  settings: DeploymentSettings = {},
  fieldKeys?: LocalFieldKeys,
  issuers?: TrustedIssuers,
): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TZ: 'UTC',
    NODE_ENV: 'production',
    JIAHE_PROVINCE: province,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_LAMBDA_FUNCTION_NAME: spec.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
    POWERTOOLS_SERVICE_NAME: spec.name,
    POWERTOOLS_METRICS_NAMESPACE: 'jiahe',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_LOG_LEVEL: process.env.JIAHE_LOG_LEVEL ?? 'INFO',
  };
  const tables = new Set<TableName>(spec.tables.map((t) => t.table));
  if (spec.stream) tables.add(spec.stream.table);
  for (const table of tables) env[tableEnvName(table)] = names.tables[table];
  const queues = new Set(spec.sends.map((s) => s.queue));
  if (spec.queue) queues.add(spec.queue.queue);
  for (const queue of queues) {
    const url = names.queues[queue]?.url;
    if (!url) throw new Error(`${area.area}/${spec.name} uses unknown queue ${queue}`);
    env[queueEnvName(queue)] = url;
  }
  // API functions map claims by issuer (shared/http/claims.ts), as the CDK app tells them.
  if (issuers && spec.routes?.length) {
    env[CITIZEN_ISSUER_ENV] = issuers.citizen;
    env[STAFF_ISSUER_ENV] = issuers.staff;
  }
  for (const secret of spec.secrets ?? []) env[localSecretEnvName(secret)] = secrets[secret];
  // The provinces of the local cloud are partners over loopback HTTP: the exchange is told
  // to accept that here, explicitly; deployed, it accepts public https inboxes only.
  if (area.area === 'exchange') env[LOCAL_LOOPBACK_PARTNERS_ENV] = 'allow';
  for (const name of spec.settings ?? []) {
    const value = settings[name];
    if (value) env[settingEnvName(name)] = value;
  }
  if ((spec.fieldKeys ?? []).length > 0) {
    if (!fieldKeys) throw new Error(`${area.area}/${spec.name} uses the field keys, and none were given`);
    env[LOCAL_FIELD_KEYS_ENV] = JSON.stringify(fieldKeys);
  }
  return env;
}

import { FIELD_KEY_ARN_ENV, RETIRING_FIELD_KEY_ARNS_ENV } from '../../shared/crypto/field-keys';
import {
  BUNDLED_SETTINGS,
  CITIZEN_ISSUER_ENV,
  type DeploymentSettings,
  type FunctionSpec,
  queueEnvName,
  STAFF_ISSUER_ENV,
  secretArnEnvName,
  settingEnvName,
  type TableName,
  tableEnvName,
} from '../../shared/manifest';
import type { DataStack } from '../stacks/data-stack';

/** The tables a function is told about: those it may touch, plus the one whose stream feeds it. */
export function tablesOf(spec: FunctionSpec): TableName[] {
  const tables = new Set<TableName>(spec.tables.map((t) => t.table));
  if (spec.stream) tables.add(spec.stream.table);
  return [...tables];
}

/** The queues a function is told about: those it sends to, plus the one it consumes. */
export function queuesOf(spec: FunctionSpec): string[] {
  const queues = new Set(spec.sends.map((s) => s.queue));
  if (spec.queue) queues.add(spec.queue.queue);
  return [...queues];
}

/**
 * A function's environment: the names its manifest entitles it to and nothing else (the
 * local cloud builds the same set in local/function-env.ts), plus Powertools settings.
 */
export function functionEnvironment(
  spec: FunctionSpec,
  province: string,
  data: DataStack,
  settings: DeploymentSettings,
  issuers: Readonly<Record<'citizen' | 'staff', string>>,
): Record<string, string> {
  const env: Record<string, string> = {
    JIAHE_PROVINCE: province,
    NODE_ENV: 'production',
    // Stack traces point at the TypeScript sources through the bundled source maps.
    NODE_OPTIONS: '--enable-source-maps',
    POWERTOOLS_SERVICE_NAME: spec.name,
    POWERTOOLS_METRICS_NAMESPACE: 'jiahe',
    POWERTOOLS_LOG_LEVEL: 'INFO',
  };
  if (spec.routes?.length) {
    // The JWT authorizer has checked the token against one of these; the API tells a
    // citizen's token from a staff member's by its `iss` (shared/http/claims.ts).
    env[CITIZEN_ISSUER_ENV] = issuers.citizen;
    env[STAFF_ISSUER_ENV] = issuers.staff;
  }
  for (const table of tablesOf(spec)) env[tableEnvName(table)] = data.table(table).tableName;
  for (const queue of queuesOf(spec)) env[queueEnvName(queue)] = data.queue(queue).queue.queueUrl;
  for (const secret of spec.secrets ?? [])
    env[secretArnEnvName(secret)] = data.secret(secret).secret.secretArn;
  if ((spec.fieldKeys ?? []).length > 0) {
    const keys = data.requireFieldKeys();
    env[FIELD_KEY_ARN_ENV] = keys.current.keyArn;
    if (keys.retiring.length > 0)
      env[RETIRING_FIELD_KEY_ARNS_ENV] = keys.retiring.map((k) => k.keyArn).join(',');
  }
  for (const name of spec.settings ?? []) {
    // Compiled into the bundle instead (function-code.ts): too large for the environment.
    if (BUNDLED_SETTINGS.includes(name)) continue;
    const value = settings[name];
    // buildApp checks every setting up front; this guards direct use.
    if (!value) throw new Error(`${spec.name} needs the setting ${name}`);
    env[settingEnvName(name)] = value;
  }
  return env;
}

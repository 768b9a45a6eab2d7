/**
 * The one description of every function: the CDK stacks and the local cloud are both
 * built from these types, so what runs locally and what is deployed cannot drift.
 * Pure data: no AWS or CDK imports, so handlers may read their own routes from here.
 */

/** The bounded areas. Each owns exactly one DynamoDB table. */
export type AreaName = 'registry' | 'payout' | 'exchange';
export const AREAS: readonly AreaName[] = ['registry', 'payout', 'exchange'];

/** Roles carried by a caller's token (Cognito groups in the cloud). */
export type Role =
  | 'citizen'
  | 'registrar'
  | 'payout-officer'
  | 'payout-approver'
  | 'auditor'
  | 'exchange-operator'
  | 'partner-province';
export const ROLES: readonly Role[] = [
  'citizen',
  'registrar',
  'payout-officer',
  'payout-approver',
  'auditor',
  'exchange-operator',
  'partner-province',
];

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One HTTP route of the shared API. `public` routes skip the JWT authorizer. */
export interface RouteSpec {
  readonly method: HttpMethod;
  /** API Gateway path syntax, e.g. `/v1/persons/{personId}`. */
  readonly path: string;
  /** Roles allowed; empty only for public routes. */
  readonly roles: readonly Role[];
  readonly public?: boolean;
}

/** A queue, owned by the area that consumes it. Every queue gets a DLQ and an alarm. */
export interface QueueSpec {
  /** Globally unique logical name, e.g. `payout-inbound`. */
  readonly name: string;
  readonly visibilityTimeoutSeconds: number;
  /** Deliveries before a message moves to the DLQ. */
  readonly maxReceiveCount: number;
  /** How long a message (and its DLQ copy) is kept. */
  readonly retentionDays: number;
}

export interface QueueSubscription {
  readonly queue: string;
  readonly batchSize: number;
  /** Upper bound on concurrent invocations for this source (SQS maximum concurrency). */
  readonly maxConcurrency: number;
}

export interface StreamSubscription {
  /** Only an area's own table stream may feed its functions. */
  readonly table: AreaName;
  readonly batchSize: number;
  /** Attempts before the failed record is reported to the area's stream DLQ. */
  readonly retryAttempts: number;
}

export interface ScheduleSpec {
  readonly name: string;
  /** EventBridge Scheduler expression: `cron(m h dom mon dow year)` or `rate(n unit)`. */
  readonly expression: string;
  readonly timezone: string;
  /** Delivered to the function as its event. */
  readonly payload: Readonly<Record<string, unknown>>;
}

export type TableName = AreaName | 'idempotency';

export interface TableAccess {
  readonly table: TableName;
  readonly access: 'read' | 'readWrite';
}

export interface QueueAccess {
  readonly queue: string;
  readonly access: 'send';
}

/**
 * Secrets a function loads at cold start (Secrets Manager in the cloud, generated locally).
 * - `person-ref-key`: the HMAC key of cross-province person references, the same in every
 *   province (issued nationally; see shared/domain/person-ref.ts).
 * - `exchange-signing-keys`: this province's Ed25519 signing keys for the exchange.
 * - `payout-encryption-key`: AES-256-GCM key for bank accounts in payout records.
 * - `cursor-key`: seals the page cursors of list routes (shared/http/cursor.ts).
 */
export type SecretName =
  | 'resident-id-hash-key'
  | 'resident-id-encryption-key'
  | 'person-ref-key'
  | 'exchange-signing-keys'
  | 'payout-encryption-key'
  | 'cursor-key';
export const SECRET_NAMES: readonly SecretName[] = [
  'resident-id-hash-key',
  'resident-id-encryption-key',
  'person-ref-key',
  'exchange-signing-keys',
  'payout-encryption-key',
  'cursor-key',
];

/** Secrets whose value is the same in every province, so the local cloud shares one value. */
export const NATIONAL_SECRETS: readonly SecretName[] = ['person-ref-key'];

/**
 * An alarm on a metric the function emits itself (CloudWatch EMF, namespace `jiahe`,
 * dimension `service` = the function name): it fires when the metric's sum over five
 * minutes reaches `threshold`.
 */
export interface MetricAlarmSpec {
  readonly metric: string;
  readonly threshold: number;
  /** What it means and what to do, for the operator who is paged. */
  readonly description: string;
}

/**
 * Settings of one deployment that are neither secret nor a resource of the stacks: CDK
 * context in the cloud (`-c payout-bank-url=…`), filled in by the local cloud here.
 * - `payout-bank-url`: the bank's host-to-host endpoint that takes pain.001 files and
 *   answers pain.002 status reports.
 */
export type SettingName = 'payout-bank-url';
export const SETTING_NAMES: readonly SettingName[] = ['payout-bank-url'];

/** Values of the deployment settings, by name. */
export type DeploymentSettings = Readonly<Partial<Record<SettingName, string>>>;

/** Environment variable that carries a setting to a function. */
export const settingEnvName = (setting: SettingName): string => setting.toUpperCase().replaceAll('-', '_');

export interface FunctionSpec {
  /** Unique across the system, prefixed by the area: `registry-persons-api`. */
  readonly name: string;
  readonly description: string;
  /** Path from the repository root to the handler module; it exports `handler`. */
  readonly entry: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly routes?: readonly RouteSpec[];
  readonly queue?: QueueSubscription;
  readonly stream?: StreamSubscription;
  readonly schedules?: readonly ScheduleSpec[];
  /** Everything the function may touch beyond its own triggers. */
  readonly tables: readonly TableAccess[];
  readonly sends: readonly QueueAccess[];
  readonly secrets?: readonly SecretName[];
  readonly alarms?: readonly MetricAlarmSpec[];
  readonly settings?: readonly SettingName[];
}

export interface TableSpec {
  /** Whether the table has a stream feeding the area's publisher. */
  readonly stream: boolean;
  /** Global secondary indexes, each keyed `<name>pk` / `<name>sk` (strings). */
  readonly indexes: readonly string[];
}

export interface AreaManifest {
  readonly area: AreaName;
  readonly table: TableSpec;
  readonly queues: readonly QueueSpec[];
  readonly functions: readonly FunctionSpec[];
}

/** Environment variable that carries a table's physical name to a function. */
export const tableEnvName = (table: TableName): string => `TABLE_${table.toUpperCase()}`;

/** Environment variable that carries a queue's URL to a function. */
export const queueEnvName = (queue: string): string =>
  `QUEUE_${queue.toUpperCase().replaceAll('-', '_')}_URL`;

/** Environment variable that carries a secret's ARN to a function in the cloud. */
export const secretArnEnvName = (secret: SecretName): string =>
  `SECRET_${secret.toUpperCase().replaceAll('-', '_')}_ARN`;

/**
 * Environment variable that carries a secret's value in the local cloud only, standing in
 * for Secrets Manager, which cannot run here. Never set by the CDK app.
 */
export const localSecretEnvName = (secret: SecretName): string =>
  `LOCAL_SECRET_${secret.toUpperCase().replaceAll('-', '_')}`;

/** Every route of a set of manifests, with the function that serves it. */
export const routesOf = (manifests: readonly AreaManifest[]): { fn: FunctionSpec; route: RouteSpec }[] =>
  manifests.flatMap((m) => m.functions.flatMap((fn) => (fn.routes ?? []).map((route) => ({ fn, route }))));

/** A function's own description, by name; throws when the manifest lacks it. */
export function functionSpec(manifest: AreaManifest, name: string): FunctionSpec {
  const spec = manifest.functions.find((fn) => fn.name === name);
  if (!spec) throw new Error(`${manifest.area} manifest has no function ${name}`);
  return spec;
}

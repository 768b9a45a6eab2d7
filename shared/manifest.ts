/**
 * The one description of every function: the CDK stacks and the local cloud are both
 * built from these types, so what runs locally and what is deployed cannot drift.
 * Pure data: no AWS or CDK imports, so handlers may read their own routes from here.
 */

/** The bounded areas. Each owns exactly one DynamoDB table. */
export type AreaName = 'registry' | 'payout' | 'exchange';
export const AREAS: readonly AreaName[] = ['registry', 'payout', 'exchange'];

/** Roles carried by a staff token (claim `roles`); `citizen` is what a citizen token stands for. */
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

/**
 * A route's request limit, as API Gateway's token bucket applies it: `rate` requests per
 * second on average, up to `burst` at once. It counts every caller of the route together.
 */
export interface RouteThrottle {
  readonly rate: number;
  readonly burst: number;
}

/** One HTTP route of the shared API. `public` routes skip the JWT authorizer. */
export interface RouteSpec {
  readonly method: HttpMethod;
  /** API Gateway path syntax, e.g. `/v1/persons/{personId}`. */
  readonly path: string;
  /** Roles allowed; empty only for public routes. */
  readonly roles: readonly Role[];
  readonly public?: boolean;
  /**
   * `province`: the route acts on the whole province (the exchange with its partners), so
   * only staff whose region is the province itself may call it; a county or prefecture
   * login holding the role is refused. Region-scoped routes check each record instead.
   */
  readonly scope?: 'province';
  /** Its own limit; without one, the default of its audience (`DEFAULT_THROTTLES`). */
  readonly throttle?: RouteThrottle;
}

/**
 * Who may call a route: nobody in particular (`public`), residents signed in through the
 * province's real-name platform (`citizen`), or staff and machines signed in through the
 * staff identity provider (`staff`). Each audience has its own issuer and authorizer.
 */
export type RouteAudience = 'public' | 'citizen' | 'staff';

/** The audience of a route: public, citizen when it admits the citizen role, staff otherwise. */
export const routeAudience = (route: Pick<RouteSpec, 'public' | 'roles'>): RouteAudience =>
  route.public ? 'public' : route.roles.includes('citizen') ? 'citizen' : 'staff';

/**
 * Default limits per audience, per route (docs/operations.md#throttles). Public routes get
 * the lowest so that a flood there, which anyone can send, uses up only its own route.
 */
export const DEFAULT_THROTTLES: Readonly<Record<RouteAudience, RouteThrottle>> = {
  staff: { rate: 100, burst: 200 },
  citizen: { rate: 200, burst: 400 },
  public: { rate: 20, burst: 40 },
};

/**
 * The limit of the `ANY` fallback of a path, which only answers 405, and of any route
 * the stage does not list: the lowest there is.
 */
export const FALLBACK_THROTTLE: RouteThrottle = { rate: 10, burst: 20 };

/** A route's limit: its own, else its audience's default. */
export const throttleOf = (route: RouteSpec): RouteThrottle =>
  route.throttle ?? DEFAULT_THROTTLES[routeAudience(route)];

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
  /**
   * Lambda event filter patterns (any may match): records matching none are never delivered,
   * so the function is not invoked for changes it ignores. The local poller applies the
   * same patterns (local/pollers/filter-pattern.ts).
   */
  readonly filters?: readonly StreamFilterPattern[];
  /** Concurrent batches per shard (1–10); records of one item stay in order. */
  readonly parallelization?: number;
}

/**
 * A Lambda event filter pattern over a stream record, in the subset used here: an object
 * matches member by member; an array lists the values a member may have.
 */
export type StreamFilterPattern = {
  readonly [member: string]: StreamFilterPattern | readonly (string | number)[];
};

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
 * - `payout-fingerprint-key`: HMAC key of bank account fingerprints (is this the account
 *   paid last time?), kept apart from the encryption key so neither serves two purposes.
 * - `cursor-key`: seals the page cursors of list routes (shared/http/cursor.ts).
 */
export type SecretName =
  | 'resident-id-hash-key'
  | 'resident-id-encryption-key'
  | 'person-ref-key'
  | 'exchange-signing-keys'
  | 'payout-encryption-key'
  | 'payout-fingerprint-key'
  | 'payout-bank-client'
  | 'payout-bank-ca'
  | 'cursor-key';
export const SECRET_NAMES: readonly SecretName[] = [
  'resident-id-hash-key',
  'resident-id-encryption-key',
  'person-ref-key',
  'exchange-signing-keys',
  'payout-encryption-key',
  'payout-fingerprint-key',
  'payout-bank-client',
  'payout-bank-ca',
  'cursor-key',
];

/**
 * A field sealed under the field keys (envelope encryption, shared/crypto/field-envelope.ts),
 * named `<table>/<field>`: each sealed value's encryption context binds it to that table
 * and field, and IAM lets a function use the keys for no other.
 */
export type EncryptedField = 'payout/bank-account';
export const ENCRYPTED_FIELDS: readonly EncryptedField[] = ['payout/bank-account'];

/**
 * What a function may do with the field keys for one field: `seal` new values (a data key
 * from the current key), `open` stored ones (under the current or a retiring key), or both.
 */
export interface FieldKeyAccess {
  readonly field: EncryptedField;
  readonly use: 'seal' | 'open' | 'seal-and-open';
}

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
 * - `payout-configuration`: the debtor account and benefit schemes of the province's payout
 *   (a JSON file at synth, validated, then bundled: functions/payout/config/deployment.ts).
 */
export type SettingName = 'payout-bank-url' | 'payout-configuration';
export const SETTING_NAMES: readonly SettingName[] = ['payout-bank-url', 'payout-configuration'];

/**
 * Settings compiled into the function bundle instead of its environment (Lambda allows 4 KB
 * of environment in all): the code reads `process.env.<NAME>` and esbuild replaces it with
 * the value at synth; the local cloud passes them in the environment as usual.
 */
export const BUNDLED_SETTINGS: readonly SettingName[] = ['payout-configuration'];

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
  /** Sealed fields the function seals or opens with the field keys (KMS in the cloud). */
  readonly fieldKeys?: readonly FieldKeyAccess[];
  readonly alarms?: readonly MetricAlarmSpec[];
  readonly settings?: readonly SettingName[];
  /** Files shipped beside the bundle, e.g. the built staff console the function serves. */
  readonly files?: readonly BundledFiles[];
}

/** A folder copied into a function's bundle: `from` the repository root, `to` a folder beside the code. */
export interface BundledFiles {
  readonly from: string;
  readonly to: string;
  /** The command that produces `from`, for the error when it is missing at synth. */
  readonly builtBy: string;
}

export interface TableSpec {
  /** Whether the table has a stream feeding the area's publisher. */
  readonly stream: boolean;
  /** Global secondary indexes, each keyed `<name>pk` / `<name>sk` (strings). */
  readonly indexes: readonly string[];
  /**
   * Indexes among `indexes` that project keys only: a change to an item's other attributes
   * writes nothing to them, so items updated often (payment lines) cost no index write per
   * update; readers fetch the items by key. The others project every attribute.
   */
  readonly keysOnly?: readonly string[];
  /**
   * Append-only records in the table, by partition-key prefix: no function may update or
   * delete their items, and only the `writers` may add them (IAM denies the rest).
   */
  readonly appendOnly?: readonly AppendOnlyRecord[];
}

export interface AppendOnlyRecord {
  /** Partition keys starting with this, e.g. `DECRYPTED-READS#`. */
  readonly prefix: string;
  /** Functions that may add items. */
  readonly writers: readonly string[];
}

export interface AreaManifest {
  readonly area: AreaName;
  readonly table: TableSpec;
  readonly queues: readonly QueueSpec[];
  readonly functions: readonly FunctionSpec[];
}

/** Environment variables that carry the issuers of citizen and staff tokens to API functions. */
export const CITIZEN_ISSUER_ENV = 'JIAHE_CITIZEN_ISSUER';
export const STAFF_ISSUER_ENV = 'JIAHE_STAFF_ISSUER';

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

/**
 * Environment variable by which the local cloud, and only it, lets the exchange accept
 * partner inboxes on loopback (its provinces talk over loopback HTTP). Never set by the
 * CDK app; deployments accept public https inboxes only.
 */
export const LOCAL_LOOPBACK_PARTNERS_ENV = 'LOCAL_LOOPBACK_PARTNERS';

/** Every route of a set of manifests, with the function that serves it. */
export const routesOf = (manifests: readonly AreaManifest[]): { fn: FunctionSpec; route: RouteSpec }[] =>
  manifests.flatMap((m) => m.functions.flatMap((fn) => (fn.routes ?? []).map((route) => ({ fn, route }))));

/** A function's own description, by name; throws when the manifest lacks it. */
export function functionSpec(manifest: AreaManifest, name: string): FunctionSpec {
  const spec = manifest.functions.find((fn) => fn.name === name);
  if (!spec) throw new Error(`${manifest.area} manifest has no function ${name}`);
  return spec;
}

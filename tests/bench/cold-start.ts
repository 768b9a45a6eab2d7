/**
 * Cold-start benchmark: `npm run bench:cold [-- --runs N --timeout MS --only fn1,fn2 --tracing]`; for JSON on stdout,
 * `npm run -s bench:cold -- --json` (-s keeps npm's own banner out of it).
 *
 * Every function in the manifests is bundled as the CDK app bundles it for Lambda (see
 * bundle.ts), next to two baselines generated in the temp folder: an empty handler and a
 * bare DynamoDB handler (the SDK bundled into it, nothing from a layer). The AWS libraries
 * layer is built as the CDK app builds it into a temp folder standing in for /opt, and the
 * functions import the SDK from there as they do from /opt in Lambda, so the cold time
 * includes loading the layer's code; its size is reported beside each bundle's. For each bundle, N fresh Node 24 processes (default 5) each import
 * it and serve one event (events.ts); the child times `await import()` to the handler's
 * answer with performance.now(), the parent times the whole process. Medians are reported
 * with the bundle size and the five packages taking most bytes in it.
 *
 * What is measured: import + the first invocation, which is where `initOnce` builds the
 * handler's clients, loggers and middleware, + middleware and input validation. The events
 * are ones the handlers refuse or skip before any AWS call (invalid ids → 422, a malformed
 * queue message, a stream deletion), so no emulator is needed and no network time is
 * included. The bare DynamoDB baseline likewise creates its client at module scope and
 * builds a GetCommand but does not send it. A real first call would add credential
 * resolution, signing and a TLS handshake on top, for functions and baseline alike.
 *
 * The child gets a Lambda-like environment built from scratch (no NODE_OPTIONS, no compile
 * cache, no ~/.aws files); every AWS endpoint points at a closed loopback port, so a call
 * nobody expected fails fast instead of reaching AWS. Children record attempted HTTP
 * requests through diagnostics_channel and are killed after a timeout; either is reported.
 * Runs go round-robin over the bundles so drift in machine load hits all of them alike.
 * Local figures are on a whole core; Lambda gives a 256 MB function a fraction of one.
 *
 * Results are printed (a table, or JSON with --json) and always written to
 * bench/results/cold-start.json. Exits 1 when any run did not behave as expected.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { manifests } from '../../functions/manifests';
import { localSigningKeySet } from '../../local/exchange-keys';
import { LOCAL_FIELD_KEYS_ENV } from '../../shared/crypto/field-keys';
import {
  localSecretEnvName,
  queueEnvName,
  SECRET_NAMES,
  SETTING_NAMES,
  settingEnvName,
  tableEnvName,
} from '../../shared/manifest';
import {
  buildLayer,
  bundleForLambda,
  type Contributor,
  contributors,
  type LambdaBundle,
  type LayerBuild,
  layerBytesLoaded,
  REPO_ROOT,
} from './bundle';
import {
  BENCH_ISSUERS,
  type BenchEvent,
  benchEventFor,
  type HandlerOutcome,
  lambdaContextFields,
} from './events';
import { startAwsStub } from './lib/aws-stub';

const RESULTS_FILE = join(REPO_ROOT, 'bench', 'results', 'cold-start.json');
const TOP_CONTRIBUTORS = 5;
const EMPTY = 'baseline-empty';
/** Every queue named in the manifests. */
const QUEUES = [
  ...new Set(
    manifests.flatMap((m) =>
      m.functions.flatMap((fn) => [...fn.sends.map((q) => q.queue), ...(fn.queue ? [fn.queue.queue] : [])]),
    ),
  ),
];
const SIGNING_KEY_SET = localSigningKeySet('33');
const DYNAMODB = 'baseline-dynamodb';

/** A closed port on loopback: connections are refused at once, nothing listens. */
const CLOSED_ENDPOINT = 'http://127.0.0.1:9';

interface Options {
  readonly runs: number;
  readonly json: boolean;
  readonly timeoutMs: number;
  /**
   * Run the children with X-Ray tracing on, as the CDK app deploys them (active tracing):
   * the tracer and the X-Ray SDK are then loaded from the layer. Off by default, as before.
   */
  readonly tracing: boolean;
  /** Function names to measure (the baselines always run); all when absent. */
  readonly only?: readonly string[];
}

/** Reads `--runs N`, `--json` and `--timeout MS` (per child process). */
function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string', default: '5' },
      json: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '15000' },
      only: { type: 'string' },
      tracing: { type: 'boolean', default: false },
    },
  });
  const runs = Number(values.runs);
  const timeoutMs = Number(values.timeout);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs must be a positive integer, got ${values.runs}`);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new Error(`--timeout must be positive, got ${values.timeout}`);
  return {
    runs,
    json: values.json,
    timeoutMs,
    tracing: values.tracing,
    ...(values.only ? { only: values.only.split(',') } : {}),
  };
}

/**
 * Children run on this process's own binary; under `npm run`/`npx` that is the project's
 * Node 24, and measuring on the system Node 20 would mislead, so refuse it.
 */
function assertNode24(): void {
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 24) {
    throw new Error(`cold-start benchmark needs Node 24 (Lambda's runtime), running ${process.version}`);
  }
}

/** Something to bundle and time. */
interface Target {
  readonly name: string;
  readonly kind: 'function' | 'baseline';
  /** Repository-relative entry for functions; file name in the temp folder for baselines. */
  readonly entry: string;
  readonly memoryMb: number;
  readonly bench: BenchEvent;
  readonly bundle: LambdaBundle;
  /** Bytes of the layer the bundle imports statically (0 for the baselines). */
  readonly layerBytes: number;
}

const EMPTY_SOURCE = `export const handler = async () => ({ statusCode: 200 });\n`;

/**
 * The client is created at module scope, as a bare function would. The handler builds a
 * GetCommand but does not send it, so the baseline stops where the functions' benchmark
 * events stop: before the first request.
 */
const DYNAMODB_SOURCE = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 1 }));

export const handler = async () => {
  const command = new GetCommand({ TableName: process.env.TABLE_REGISTRY, Key: { pk: 'bench', sk: 'bench' } });
  const region = await client.config.region();
  return { statusCode: 200, body: JSON.stringify({ table: command.input.TableName, region }) };
};
`;

/** What a baseline should answer. */
function baselineEvent(description: string): BenchEvent {
  return {
    trigger: 'api',
    description,
    event: {},
    check: (outcome) =>
      outcome.ok && (outcome.result as { statusCode?: unknown } | null)?.statusCode === 200
        ? undefined
        : 'expected statusCode 200',
  };
}

/**
 * The child: reads its event, then times `await import()` of the bundle and the first
 * invocation. It is plain JS (no loader) and writes its report to fd 3 so that the
 * handler's own logs on stdout cannot be mistaken for it. HTTP requests are recorded
 * through diagnostics_channel, which costs nothing until a request is made.
 */
const RUNNER_SOURCE = `import { subscribe } from 'node:diagnostics_channel';
import { readFileSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundle, input] = process.argv.slice(2);
const { event, context: fields, timeoutMs } = JSON.parse(readFileSync(input, 'utf8'));
const network = [];
subscribe('http.client.request.start', ({ request }) =>
  network.push(request.method + ' ' + request.host + request.path));
subscribe('undici:request:create', ({ request }) =>
  network.push(request.method + ' ' + request.origin + request.path));
const deadline = Date.now() + timeoutMs;
const context = {
  ...fields,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  done() {},
  fail() {},
  succeed() {},
};

const report = { node: process.versions.node, network };
const t0 = performance.now();
report.bootMs = t0;
try {
  const mod = await import(pathToFileURL(bundle).href);
  const t1 = performance.now();
  report.importMs = t1 - t0;
  try {
    const result = await mod.handler(event, context);
    report.coldMs = performance.now() - t0;
    report.outcome = { ok: true, result: JSON.parse(JSON.stringify(result ?? null)) };
  } catch (error) {
    report.coldMs = performance.now() - t0;
    report.outcome = { ok: false, errorName: error?.name ?? 'Error', error: String(error?.message ?? error) };
  }
} catch (error) {
  report.importError = String(error?.stack ?? error);
}
writeSync(3, JSON.stringify(report));
process.exit(0);
`;

/** What the child writes to fd 3. */
interface ChildReport {
  readonly node: string;
  readonly network: string[];
  readonly bootMs: number;
  readonly importMs?: number;
  readonly coldMs?: number;
  readonly outcome?: HandlerOutcome;
  readonly importError?: string;
}

/** One timed child process. */
interface Run {
  readonly wallMs: number;
  readonly report?: ChildReport;
  /** Why this run is not a clean measurement, if it is not. */
  readonly problem?: string;
}

/** A Lambda-like environment, built from scratch so nothing of this process leaks in. */
function childEnv(
  target: Target,
  workdir: string,
  stubUrl: string,
  tracing: boolean,
): Record<string, string> {
  // Scheduled functions cannot avoid AWS calls: they get the stub (lib/aws-stub.ts) instead
  // of the closed port, so refused calls retried with back-off are not timed as start-up.
  const endpoint = target.bench.trigger === 'schedule' ? stubUrl : CLOSED_ENDPOINT;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TZ: 'UTC',
    NODE_ENV: 'production',
    JIAHE_PROVINCE: '33',
    JIAHE_CITIZEN_ISSUER: BENCH_ISSUERS.citizen,
    JIAHE_STAFF_ISSUER: BENCH_ISSUERS.staff,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_EC2_METADATA_DISABLED: 'true',
    // No ~/.aws of the person running the benchmark: Lambda has none either.
    AWS_CONFIG_FILE: join(workdir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(workdir, 'no-aws-credentials'),
    AWS_ENDPOINT_URL: endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_ENDPOINT_URL_SQS: endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: target.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(target.memoryMb),
    POWERTOOLS_SERVICE_NAME: target.name,
    POWERTOOLS_METRICS_NAMESPACE: 'jiahe',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...(tracing
      ? {
          // What Lambda sets with active tracing; segments go by UDP to a port nobody reads.
          LAMBDA_TASK_ROOT: workdir,
          _X_AMZN_TRACE_ID: 'Root=1-6740f000-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=1',
          AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
        }
      : { POWERTOOLS_TRACE_ENABLED: 'false' }),
  };
  // Every queue any function sends to or reads from, as the CDK app grants them.
  for (const queue of QUEUES) env[queueEnvName(queue)] = `${endpoint}/000000000000/${queue}`;
  for (const secret of SECRET_NAMES) env[localSecretEnvName(secret)] = 'ab'.repeat(32);
  env[LOCAL_FIELD_KEYS_ENV] = JSON.stringify({
    current: 'bench',
    keys: { bench: Buffer.alloc(32, 7).toString('base64') },
  });
  for (const setting of SETTING_NAMES) env[settingEnvName(setting)] = endpoint;
  // The exchange loads its signing keys as a key set, not as random bytes.
  env[localSecretEnvName('exchange-signing-keys')] = SIGNING_KEY_SET;
  for (const table of ['registry', 'payout', 'exchange', 'idempotency'] as const) {
    env[tableEnvName(table)] = `jiahe-p33-${table}`;
  }
  return env;
}

/** Keeps the last few KB of a child's output, for failure reports. */
function tail(chunks: Buffer[], max = 2000): string {
  const text = Buffer.concat(chunks).toString('utf8');
  return text.length > max ? `…${text.slice(-max)}` : text;
}

/**
 * Spawns one fresh Node process on the bundle and waits for it, killing it after the
 * timeout so a handler stuck on a network call cannot hang the benchmark.
 */
function runChild(
  target: Target,
  runner: string,
  input: string,
  workdir: string,
  timeoutMs: number,
  stubUrl: string,
  tracing: boolean,
): Promise<Run> {
  return new Promise((resolve) => {
    const output: Buffer[] = [];
    const reportChunks: Buffer[] = [];
    let timedOut = false;
    let wallMs = 0;
    const started = performance.now();
    const child = spawn(process.execPath, [runner, target.bundle.outfile, input], {
      env: childEnv(target, workdir, stubUrl, tracing),
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stdio[3]?.on('data', (chunk: Buffer) => reportChunks.push(chunk));
    child.on('exit', () => {
      wallMs = performance.now() - started;
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ wallMs: performance.now() - started, problem: `spawn failed: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        resolve({ wallMs, problem: `killed after ${timeoutMs} ms (network call or open handle?)` });
        return;
      }
      const raw = Buffer.concat(reportChunks).toString('utf8');
      if (!raw) {
        resolve({ wallMs, problem: `no report (exit ${code ?? signal}): ${tail(output)}` });
        return;
      }
      const report = JSON.parse(raw) as ChildReport;
      resolve({ wallMs, report, problem: problemOf(target, report) });
    });
  });
}

/** Why a child's report is not the clean measurement the event was chosen for. */
function problemOf(target: Target, report: ChildReport): string | undefined {
  if (report.node !== process.versions.node)
    return `child ran Node ${report.node}, not ${process.versions.node}`;
  if (report.importError) return `import failed: ${report.importError.split('\n')[0]}`;
  if (!report.outcome) return 'no outcome';
  const unexpected = target.bench.check(report.outcome);
  if (unexpected) return unexpected;
  if (report.network.length > 0 && target.bench.trigger !== 'schedule') {
    return `attempted network calls: ${report.network.join(', ')}`;
  }
  return undefined;
}

/** The median of some numbers; NaN for none. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Writes the baselines' sources and the child runner into the temp folder. */
async function writeSources(workdir: string): Promise<{ runner: string; empty: string; dynamodb: string }> {
  const src = join(workdir, 'src');
  await mkdir(src, { recursive: true });
  const files = {
    runner: join(workdir, 'runner.mjs'),
    empty: join(src, `${EMPTY}.ts`),
    dynamodb: join(src, `${DYNAMODB}.ts`),
  };
  await Promise.all([
    writeFile(files.runner, RUNNER_SOURCE),
    writeFile(files.empty, EMPTY_SOURCE),
    writeFile(files.dynamodb, DYNAMODB_SOURCE),
  ]);
  return files;
}

/** Bundles every manifest function and both baselines, in parallel. */
async function buildTargets(
  workdir: string,
  sources: { empty: string; dynamodb: string },
  only?: readonly string[],
): Promise<{ layer: LayerBuild; targets: Target[] }> {
  const outdir = join(workdir, 'out');
  const nodePaths = [join(REPO_ROOT, 'node_modules')];
  const layer = await buildLayer(join(workdir, 'opt'));
  const baselines = [
    { name: EMPTY, entry: sources.empty, bench: baselineEvent('empty handler, no event fields') },
    {
      name: DYNAMODB,
      entry: sources.dynamodb,
      bench: baselineEvent('client created, GetCommand built, not sent'),
    },
  ].map(async ({ name, entry, bench }) => ({
    name,
    kind: 'baseline' as const,
    entry: `(temp)/src/${name}.ts`,
    memoryMb: 256,
    bench,
    bundle: await bundleForLambda({ name, entry, outdir, nodePaths }),
    layerBytes: 0,
  }));
  const functions = manifests
    .flatMap((m) => m.functions)
    .filter((fn) => !only || only.includes(fn.name))
    .map(async (fn) => ({
      name: fn.name,
      kind: 'function' as const,
      entry: fn.entry,
      memoryMb: fn.memoryMb,
      bench: benchEventFor(fn),
      bundle: await bundleForLambda({
        name: fn.name,
        entry: join(REPO_ROOT, fn.entry),
        outdir,
        layerMount: layer.mount,
      }),
    }))
    .map(async (target) => {
      const t = await target;
      return { ...t, layerBytes: layerBytesLoaded(t.bundle, layer) };
    });
  return { layer, targets: await Promise.all([...baselines, ...functions]) };
}

/** Writes each target's event and context for its children to read. */
async function writeInputs(
  targets: readonly Target[],
  workdir: string,
  timeoutMs: number,
): Promise<Map<string, string>> {
  const inputs = new Map<string, string>();
  await mkdir(join(workdir, 'events'), { recursive: true });
  for (const target of targets) {
    const file = join(workdir, 'events', `${target.name}.json`);
    const context = lambdaContextFields(target.name, target.memoryMb);
    await writeFile(file, JSON.stringify({ event: target.bench.event, context, timeoutMs }));
    inputs.set(target.name, file);
  }
  return inputs;
}

interface Ratios {
  readonly empty: number;
  readonly dynamodb: number;
}

const NO_RATIOS: Ratios = { empty: Number.NaN, dynamodb: Number.NaN };

/** Summary of one target over all its runs. */
interface Result {
  readonly name: string;
  readonly kind: Target['kind'];
  readonly entry: string;
  readonly event: string;
  readonly bytes: number;
  readonly sizeKB: number;
  /** Bytes of the AWS libraries layer this function loads on import. */
  readonly layerKB: number;
  readonly coldMs: number;
  readonly importMs: number;
  readonly firstEventMs: number;
  /** HTTP requests the first event made (scheduled functions only; to the stub). */
  readonly awsCalls: number;
  readonly bootMs: number;
  readonly wallMs: number;
  /** Process wall time (and, for reference, cold time) over each baseline's. */
  ratios: { wall: Ratios; cold: Ratios };
  readonly runs: readonly { coldMs?: number; importMs?: number; wallMs: number; problem?: string }[];
  readonly problems: readonly string[];
  readonly topContributors: readonly (Contributor & { share: number })[];
  /** Bytes of the AWS SDK (@aws-sdk/*, @smithy/*, @aws-crypto/*): what the runtime could provide. */
  readonly sdkBytes: number;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Medians, contributors and problems of one target. */
function summarise(target: Target, runs: readonly Run[]): Result {
  const measured = runs.filter((r) => r.report?.coldMs !== undefined);
  const pick = (f: (r: ChildReport) => number | undefined) =>
    round(median(measured.map((r) => f(r.report as ChildReport) ?? Number.NaN)));
  const coldMs = pick((r) => r.coldMs);
  const importMs = pick((r) => r.importMs);
  return {
    name: target.name,
    kind: target.kind,
    entry: target.entry,
    event: target.bench.description,
    bytes: target.bundle.bytes,
    sizeKB: round(target.bundle.bytes / 1024),
    layerKB: round(target.layerBytes / 1024),
    coldMs,
    importMs,
    firstEventMs: pick((r) => (r.coldMs ?? Number.NaN) - (r.importMs ?? Number.NaN)),
    awsCalls: pick((r) => r.network.length),
    bootMs: pick((r) => r.bootMs),
    wallMs: round(median(measured.map((r) => r.wallMs))),
    ratios: { wall: NO_RATIOS, cold: NO_RATIOS },
    runs: runs.map((r) => ({
      ...(r.report?.coldMs !== undefined ? { coldMs: round(r.report.coldMs) } : {}),
      ...(r.report?.importMs !== undefined ? { importMs: round(r.report.importMs) } : {}),
      wallMs: round(r.wallMs),
      ...(r.problem ? { problem: r.problem } : {}),
    })),
    problems: [...new Set(runs.flatMap((r) => (r.problem ? [r.problem] : [])))],
    sdkBytes: contributors(target.bundle)
      .filter((c) => /^@(aws-sdk|smithy|aws-crypto)\//.test(c.name))
      .reduce((sum, c) => sum + c.bytes, 0),
    topContributors: contributors(target.bundle)
      .slice(0, TOP_CONTRIBUTORS)
      .map((c) => ({ ...c, share: round(c.bytes / target.bundle.bytes, 3) })),
  };
}

/**
 * Times every target `runs` times, one child at a time (two cores: parallel children would
 * time each other), round-robin so that slow phases of the machine spread over all.
 */
async function measure(
  targets: readonly Target[],
  inputs: Map<string, string>,
  runner: string,
  workdir: string,
  options: Options,
  stubUrl: string,
): Promise<Map<string, Run[]>> {
  const runs = new Map<string, Run[]>(targets.map((t) => [t.name, []]));
  // One untimed start first: the first process after bundling pays for loading the Node
  // binary from disk, which would otherwise land on whichever target comes first.
  const first = targets[0];
  if (first) {
    const input = inputs.get(first.name) as string;
    await runChild(first, runner, input, workdir, options.timeoutMs, stubUrl, options.tracing);
  }
  for (let i = 1; i <= options.runs; i++) {
    process.stderr.write(`\rmeasuring: run ${i}/${options.runs}…`);
    for (const target of targets) {
      const run = await runChild(
        target,
        runner,
        inputs.get(target.name) as string,
        workdir,
        options.timeoutMs,
        stubUrl,
        options.tracing,
      );
      runs.get(target.name)?.push(run);
    }
  }
  process.stderr.write('\n');
  return runs;
}

/**
 * Fills each result's ratios to the two baselines. The table uses wall time: the empty
 * handler's import and invocation take a millisecond or two, all noise, so a cold-time
 * ratio to it says little; Node's own start-up (about 30 ms) is a cost every function pays.
 */
function addRatios(results: Result[]): void {
  const baseline = (name: string) => results.find((r) => r.name === name);
  const ratios = (value: number, pick: (r: Result | undefined) => number | undefined): Ratios => ({
    empty: round(value / (pick(baseline(EMPTY)) ?? Number.NaN), 2),
    dynamodb: round(value / (pick(baseline(DYNAMODB)) ?? Number.NaN), 2),
  });
  for (const result of results) {
    result.ratios = {
      wall: ratios(result.wallMs, (r) => r?.wallMs),
      cold: ratios(result.coldMs, (r) => r?.coldMs),
    };
  }
}

/** A number for the table; a dash when it could not be measured. */
const cell = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '—');

/** The results as a text table, then the biggest contributors of each bundle. */
function renderTable(results: readonly Result[], options: Options, layerKB: number): string {
  const header = ['function', 'size KB', 'layer KB', 'cold ms', 'wall ms', '× empty', '× DynamoDB'];
  const rows = results.map((r) => [
    r.problems.length > 0 ? `${r.name} (!)` : r.name,
    cell(r.sizeKB),
    cell(r.layerKB),
    cell(r.coldMs),
    cell(r.wallMs),
    cell(r.ratios.wall.empty, 2),
    cell(r.ratios.wall.dynamodb, 2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
      .join('  ');
  const lines = [
    `Cold start on Node ${process.versions.node}, ${cpus().length} CPU(s), median of ${options.runs} fresh processes` +
      `, tracing ${options.tracing ? 'on (as deployed)' : 'off'}`,
    'cold ms = await import() + first event (in the child); wall ms = whole process (in the parent);',
    "× empty, × DynamoDB = wall ms over that baseline's wall ms",
    `layer KB = AWS libraries layer code the function loads on import (whole layer ${cell(layerKB)} KB)`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ];
  for (const r of results) {
    lines.push('', `${r.name}: ${r.event}`);
    lines.push(
      `  boot ${cell(r.bootMs)} ms, import ${cell(r.importMs)} ms, first event ${cell(r.firstEventMs)} ms` +
        (r.awsCalls > 0 ? ` (${r.awsCalls} AWS calls to the loopback stub)` : ''),
    );
    for (const c of r.topContributors) {
      lines.push(
        `  ${c.name.padEnd(36)} ${cell(c.bytes / 1024).padStart(8)} KB  ${cell(c.share * 100).padStart(5)} %`,
      );
    }
    for (const problem of r.problems) lines.push(`  (!) ${problem}`);
  }
  lines.push('', `written to ${RESULTS_FILE}`);
  return lines.join('\n');
}

/** Bundles, measures, reports; the temp folder is removed whatever happens. */
async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  assertNode24();
  const workdir = await mkdtemp(join(tmpdir(), 'jiahe-bench-'));
  const cleanUp = () => rm(workdir, { recursive: true, force: true });
  process.once('SIGINT', () => {
    void cleanUp().finally(() => process.exit(130));
  });
  try {
    const sources = await writeSources(workdir);
    process.stderr.write('bundling…\n');
    const { layer, targets } = await buildTargets(workdir, sources, options.only);
    const layerKB = round(layer.bytes / 1024);
    const inputs = await writeInputs(targets, workdir, options.timeoutMs);
    const stub = await startAwsStub();
    const runs = await measure(targets, inputs, sources.runner, workdir, options, stub.url).finally(() =>
      stub.close(),
    );
    const results = targets.map((t) => summarise(t, runs.get(t.name) ?? []));
    addRatios(results);
    const report = {
      generatedAt: new Date().toISOString(),
      node: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
      cpus: cpus().length,
      runs: options.runs,
      tracing: options.tracing,
      layerKB,
      results,
    };
    await mkdir(join(REPO_ROOT, 'bench', 'results'), { recursive: true });
    await writeFile(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
    console.log(options.json ? JSON.stringify(report, null, 2) : renderTable(results, options, layerKB));
    if (results.some((r) => r.problems.length > 0)) process.exitCode = 1;
  } finally {
    await cleanUp();
  }
}

await main();

/**
 * `npm run bench [-- --quick] [--size N] [--messages N] [--only payout,file,exchange,api,cold]`
 *
 * Runs the benchmarks on local services started for this run (DynamoDB Local, the SQS
 * emulator, the bank simulator, loopback HTTP), each beside a ceiling measured in the same
 * run, and writes bench/results/latest.json and the results section of docs/performance.md.
 * `--quick` uses small sizes (a smoke run of a couple of minutes); the figures it gives are
 * noisy and are not written to docs/performance.md unless `--write-docs` is given.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { startLocalCloud } from '../../local/cloud';
import { localClientConfig } from '../../local/services/clients';
import { documentClient } from '../../shared/aws/dynamodb';
import { newUlid } from '../../shared/domain/ids';
import { REPO_ROOT } from './bundle';
import { benchExchange, FROM, TO } from './exchange';
import { benchGateway } from './gateway';
import { type DynamoDbCounter, startDynamoDbCounter } from './lib/dynamodb-counter';
import { type BenchServices, startBenchServices } from './lib/local-services';
import { benchPayout } from './payout';
import { renderResults } from './report';

const SECTIONS = ['payout', 'file', 'exchange', 'api', 'cold'] as const;
type Section = (typeof SECTIONS)[number];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    size: { type: 'string' },
    messages: { type: 'string' },
    only: { type: 'string' },
    'write-docs': { type: 'boolean', default: false },
  },
});
const quick = values.quick;
const size = Number(values.size ?? (quick ? 300 : 100_000));
if (!Number.isInteger(size) || size < 10)
  throw new Error(`--size must be an integer ≥ 10, got ${values.size}`);
const only = new Set<Section>(values.only ? (values.only.split(',') as Section[]) : [...SECTIONS]);
for (const s of only) if (!SECTIONS.includes(s)) throw new Error(`unknown section ${s}`);

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const results: Record<string, unknown> = {
  generatedAt: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  node: process.versions.node,
  platform: `${process.platform}-${process.arch}`,
  cpus: cpus().length,
  loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
};

const resultsFile = join(REPO_ROOT, 'bench', 'results', quick ? 'quick.json' : 'latest.json');

/** Writes what has been measured so far: a long run stopped halfway keeps its finished parts. */
async function save(): Promise<void> {
  await mkdir(dirname(resultsFile), { recursive: true });
  await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
}

/** The cold-start benchmark runs as its own process (it spawns its children itself). */
function runColdStart(runs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'tests/bench/cold-start.ts'), '--json', '--runs', String(runs)],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        const report = JSON.parse(Buffer.concat(out).toString('utf8'));
        resolve({ ...report, exitCode: code });
      } catch (error) {
        reject(new Error(`cold-start benchmark gave no report (exit ${code}): ${(error as Error).message}`));
      }
    });
  });
}

/** The heap a 512 MB function can give the payment file, leaving the rest to the runtime and buffers. */
const FILE_HEAP_MB = 400;
/** A heap far smaller than the file: a design that completes in it holds a bounded part of the batch. */
const SMALL_HEAP_MB = 128;

/**
 * The payment-file benchmark in a fresh process per run (payment-file.ts), its heap capped,
 * so that peak memory is the design's own and running out of it is seen.
 */
function runPaymentFile(
  lines: number,
  mode: 'streamed' | 'whole' | 'answer',
  heapMb: number,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        `--max-old-space-size=${heapMb}`,
        '--import',
        'tsx',
        join(REPO_ROOT, 'tests/bench/payment-file.ts'),
        '--lines',
        String(lines),
        '--mode',
        mode,
      ],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve({ ...JSON.parse(Buffer.concat(out).toString('utf8')), heapCapMb: heapMb });
      // Out of memory is a result, not a failure of the benchmark.
      else
        resolve({
          mode,
          lines,
          heapCapMb: heapMb,
          failed: `ended by ${signal ?? `exit ${code}`} (out of memory)`,
        });
    });
  });
}

/**
 * Runs one in-process part on a DynamoDB Local and SQS emulator of its own, stopped before
 * the next part starts: a 100,000-beneficiary payout run leaves the emulator's memory so
 * full that it would slow the API figures taken after it, and the local cloud below starts
 * its own, so the two never compete for the two cores.
 */
async function withServices<T>(part: (services: BenchServices) => Promise<T>): Promise<T> {
  const services = await startBenchServices();
  try {
    return await part(services);
  } finally {
    await services.stop();
  }
}

if (only.has('payout')) {
  results.payout = await withServices((s) =>
    benchPayout(s, { size, ceilingCount: quick ? 500 : 3_000, log }),
  );
  await save();
}
if (only.has('file')) {
  log(
    `payment file of ${size} lines: streamed and whole in a ${FILE_HEAP_MB} MB heap, streamed in ${SMALL_HEAP_MB} MB, the route's compressed answer`,
  );
  const runs = [
    await runPaymentFile(size, 'streamed', FILE_HEAP_MB),
    await runPaymentFile(size, 'whole', FILE_HEAP_MB),
    await runPaymentFile(size, 'streamed', SMALL_HEAP_MB),
    await runPaymentFile(size, 'answer', FILE_HEAP_MB),
  ];
  const digests = new Set(runs.filter((r) => !r.failed).map((r) => r.sha256));
  results.paymentFile = { runs, sameBytes: digests.size === 1 };
  await save();
}
if (only.has('api')) {
  const { benchApi } = await import('./api');
  results.api = await withServices((s) => benchApi(s, { requests: quick ? 300 : 2_000, log }));
  await save();
}
if (only.has('exchange') || only.has('api')) {
  // The whole local cloud, as `npm start` runs it, for two provinces; its own logs are dropped.
  process.env.JIAHE_LOG_LEVEL = 'WARN';
  log('starting the local cloud (provinces 22 and 23)');
  let counter: DynamoDbCounter | undefined;
  let emulator = '';
  const cloud = await startLocalCloud({
    provinces: { [FROM]: 0, [TO]: 0 },
    log: () => {},
    // Measures the handlers at full load; the deployed limits are tested on their own.
    throttled: false,
    // Every DynamoDB request of the local cloud is counted where the emulator receives it.
    interposeDynamoDb: async (endpoint) => {
      emulator = endpoint;
      counter = await startDynamoDbCounter(endpoint);
      return counter.endpoint;
    },
  });
  const dynamodb = new DynamoDBClient(localClientConfig(emulator));
  const clients = {
    sqs: new SQSClient(localClientConfig(cloud.endpoints.sqs)),
    documents: documentClient(dynamodb),
    raw: dynamodb,
  };
  try {
    if (only.has('exchange') && counter) {
      const count = Number(values.messages ?? (quick ? 300 : 5_000));
      results.exchange = await benchExchange(
        { cloud, clients, counter },
        { count, v1Count: Math.min(count, quick ? 100 : 1_000), log, newId: newUlid },
      );
      await save();
    }
    if (only.has('api')) {
      const gateway = cloud.provinces.find((p) => p.province === FROM)?.url as string;
      const api = results.api as Record<string, unknown> | undefined;
      const figures = await benchGateway(gateway, FROM, clients.documents, {
        seconds: quick ? 3 : 10,
        concurrency: 8,
        log,
      });
      results.api = { ...api, gateway: figures };
    }
  } finally {
    clients.sqs.destroy();
    dynamodb.destroy();
    await cloud.stop();
    await counter?.stop();
  }
}
if (only.has('cold')) {
  log('cold start (bundles every function)');
  results.cold = await runColdStart(quick ? 1 : 5);
}

await save();
const table = renderResults(results);
process.stdout.write(`${table}\n`);
if (!quick || values['write-docs']) {
  const docs = join(REPO_ROOT, 'docs', 'performance.md');
  const text = await readFile(docs, 'utf8');
  const begin = '<!-- bench:results:begin -->';
  const end = '<!-- bench:results:end -->';
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error('docs/performance.md has no results markers');
  await writeFile(docs, `${text.slice(0, from + begin.length)}\n${table}\n${text.slice(to)}`);
  log('docs/performance.md updated');
}

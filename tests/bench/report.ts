/** Renders benchmark results as the markdown tables of docs/performance.md. */

// biome-ignore lint/suspicious/noExplicitAny: the report reads results.json field by field
type Json = Record<string, any>;

const n = (v: unknown) => (typeof v === 'number' ? v.toLocaleString('en-US') : String(v ?? '–'));
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

function payout(p: Json): string[] {
  const out = [
    '### Payout disbursement',
    '',
    `Ceiling: conditional PutItem ${n(p.ceiling.perSecond)}/s at concurrency 1 (p50 ${p.ceiling.latency.p50Ms} ms), ${n(p.ceilingConcurrent.perSecond)}/s at concurrency 8.`,
    '',
    '| Size | Stage | Time (ms) | Payments/s | × ceiling (c=1) | Item writes / payment | Read calls / payment | Items read / payment |',
    '|---:|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const run of p.runs) {
    for (const s of run.stages) {
      out.push(
        `| ${n(run.size)} | ${s.stage} | ${n(s.ms)} | ${n(s.paymentsPerSecond)} | ${s.ratioToCeiling} | ${n(s.itemWritesPerPayment)} | ${n(s.readRequestsPerPayment)} | ${n(s.itemsReadPerPayment)} |`,
      );
    }
    out.push(
      `| ${n(run.size)} | **pipeline** | **${n(run.totalMs)}** | **${n(run.paymentsPerSecond)}** | **${run.ratioToCeiling}** | **${n(run.itemWritesPerPayment)}** | | |`,
    );
  }
  out.push('');
  for (const run of p.runs) {
    out.push(
      `- ${n(run.size)}: ${run.parts === 1 ? 'one batch' : `${run.parts} batches (parts of at most the line cap)`}; seeding took ${n(run.seedMs)} ms (not counted); the bank simulator answered the files in ${n(run.bankMs)} ms (inside "disbursed"); paid ${n(run.paid)}, ledger balanced and reconciled: ${run.ledgerBalances}. The ceiling measured again after seeding, on the table as the pipeline found it: ${n(run.seededCeiling?.perSecond)} puts/s; the pipeline reached **${n(run.ratioToSeededCeiling)}×** it.`,
    );
  }
  out.push(`- Growth: ${p.growth.sizeRatio}× the size took ${p.growth.timeRatio}× the time.`);
  return out;
}

function paymentFile(f: Json): string[] {
  const design = (mode: string) =>
    ({
      streamed: 'streamed (deployed)',
      whole: 'whole (before)',
      answer: 'the route’s answer (gzip, base64)',
    })[mode] ?? mode;
  const answer = (r: Json) =>
    r.answerBytes === undefined ? '–' : `**${kb(r.answerBytes)}** of ${kb(r.answerCeilingBytes)}`;
  return [
    '### Payment file memory',
    '',
    "Peak resident memory of building and handing on the pain.001 file, against the disburser's 512 MB; the payment-file route's answer, against the 6 MB a function may answer.",
    '',
    '| Design | Lines | Heap cap (MB) | File | Time (ms) | RSS at start (MB) | Peak RSS (MB) | API answer |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...f.runs.map((r: Json) =>
      r.failed
        ? `| ${design(r.mode)} | ${n(r.lines)} | ${n(r.heapCapMb)} | – | – | – | ${r.failed} | – |`
        : `| ${design(r.mode)} | ${n(r.lines)} | ${n(r.heapCapMb)} | ${kb(r.bytes)} | ${n(r.ms)} | ${n(r.baselineRssMb)} | **${n(r.peakRssMb)}** of ${n(r.ceilingMb)} | ${answer(r)} |`,
    ),
    '',
    `The runs that finished wrote the same bytes: ${f.sameBytes}.`,
  ];
}

function exchange(e: Json): string[] {
  const row = (name: string, t: Json) =>
    `| ${name} | ${n(t.count)} | ${n(t.perSecond)} | ${t.latency.p50Ms} | ${t.latency.p95Ms} | ${t.latency.p99Ms} | ${t.censored ?? '–'} |`;
  const counted = (p: Json) =>
    `| ${p.protocol} | ${n(p.burst.count)} | ${p.perNotification.exchangeItemWrites} | ${p.perNotification.exchangeRequests} | ${p.perNotification.allItemWrites} | ${p.perNotification.allRequests} | ${p.perNotification.streamReads} | ${p.postsPerNotification} |`;
  return [
    '### Exchange notifications',
    '',
    'A notification is done when its answer (`ack.v1`) is recorded at the sender. Not done by the end of a phase: counted in the percentiles with the time until then (censored).',
    '',
    '| Path | Notifications | Per second | p50 (ms) | p95 (ms) | p99 (ms) | Censored |',
    '|---|---:|---:|---:|---:|---:|---:|',
    row('v1, one message per POST: burst', e.v1.burst),
    row('v2, batches: burst', e.v2.burst),
    ...(e.v2.paced ? [row(`v2, paced at ${e.v2.paced.offeredPerSecond}/s`, e.v2.paced)] : []),
    `| ceiling: SQS send + receive + delete (one queue pass) | ${n(e.sqsCeiling.count)} | ${n(e.sqsCeiling.perSecond)} | ${e.sqsCeiling.latency.p50Ms} | ${e.sqsCeiling.latency.p95Ms} | ${e.sqsCeiling.latency.p99Ms} | – |`,
    `| ceiling: loopback HTTP POST | ${n(e.httpCeiling.count)} | ${n(e.httpCeiling.perSecond)} | ${e.httpCeiling.latency.p50Ms} | ${e.httpCeiling.latency.p95Ms} | ${e.httpCeiling.latency.p99Ms} | – |`,
    '',
    'Per notification with its answer, counted at the emulator’s endpoint during the burst:',
    '',
    '| Protocol | Notifications | Exchange item writes | Exchange requests | All item writes | All requests | Stream reads | POSTs |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    counted(e.v1),
    counted(e.v2),
    '',
    `Ratios: v2 burst ${e.ratios.v2ToV1} × v1; × ${e.ratios.v2ToSqsPerPass} of the SQS ceiling per queue pass (5 passes); × ${e.ratios.v2ToHttpPerPost} of the HTTP ceiling per POST.${e.note ? ` ${e.note}` : ''}`,
  ];
}

function api(a: Json): string[] {
  const out = [
    '### API latency',
    '',
    'In-process, warm, one request at a time; each route interleaved with the bare handler (same GetItem as get person, no middleware).',
    '',
    '| Route | Requests | p50 (ms) | p99 (ms) | bare p50 (ms) | bare p99 (ms) | p99 − bare p99 (ms) |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of a.routes) {
    out.push(
      `| ${r.name} | ${n(r.inProcess.count)} | ${r.inProcess.p50Ms} | ${r.inProcess.p99Ms} | ${r.bare.p50Ms} | ${r.bare.p99Ms} | ${r.overheadP99Ms} |`,
    );
  }
  if (a.middlewareOnly) {
    const m = a.middlewareOnly;
    out.push(
      `| get person, repository answering from memory (middleware, validation, view only) | ${n(m.route.count)} | ${m.route.p50Ms} | ${m.route.p99Ms} | ${m.bare.p50Ms} | ${m.bare.p99Ms} | ${m.overheadP99Ms} |`,
    );
  }
  if (a.gateway) {
    out.push(
      '',
      '| Through the local gateway under load | Concurrency | Seconds | Requests/s | p50 (ms) | p99 (ms) | Errors |',
      '|---|---:|---:|---:|---:|---:|---:|',
    );
    for (const g of a.gateway) {
      out.push(
        `| ${g.name} | ${g.concurrency} | ${g.seconds} | ${n(g.perSecond)} | ${g.latency.p50Ms} | ${g.latency.p99Ms} | ${g.errors} |`,
      );
    }
  }
  return out;
}

function cold(c: Json): string[] {
  const out = [
    '### Cold start (fresh Node 24 process: import + one event)',
    '',
    `Median of the runs, tracing ${c.tracing ? 'on (as deployed)' : 'off'}; "× bare DynamoDB" is process wall time over the bare DynamoDB-client bundle's; "SDK" is the part of the bundle that is AWS SDK (@aws-sdk, @smithy, @aws-crypto); "Layer" is the code of the AWS libraries layer (${kb((c.layerKB ?? 0) * 1024)} in all) the function loads on import, included in its cold time.`,
    '',
    '| Bundle | Minified | SDK | Layer | Cold (ms) | Wall (ms) | × bare DynamoDB | Largest contributors |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of c.results ?? []) {
    const top = (r.topContributors ?? [])
      .slice(0, 3)
      .map((x: Json) => `${x.name} ${kb(x.bytes)}`)
      .join(', ');
    out.push(
      `| ${r.name}${r.problems?.length ? ' (!)' : ''} | ${kb(r.bytes)} | ${kb(r.sdkBytes ?? 0)} | ${kb((r.layerKB ?? 0) * 1024)} | ${r.coldMs} | ${r.wallMs} | ${r.ratios?.wall?.dynamodb ?? '–'} | ${top} |`,
    );
  }
  return out;
}

/** The results section: one table per benchmark that ran. */
export function renderResults(results: Json): string {
  const out = [
    `_Run ${results.generatedAt} (${results.mode}), Node ${results.node}, ${results.cpus} CPUs, load average at start ${results.loadAverageAtStart?.join(' / ')}._`,
    '',
  ];
  if (results.payout) out.push(...payout(results.payout), '');
  if (results.paymentFile) out.push(...paymentFile(results.paymentFile), '');
  if (results.exchange) out.push(...exchange(results.exchange), '');
  if (results.api) out.push(...api(results.api), '');
  if (results.cold) out.push(...cold(results.cold), '');
  return out.join('\n');
}

import { randomInt } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { regionsUnder } from '../../shared/domain/region-codes';
import { type Api, devToken, expectStatus, type Reply, waitFor } from '../client/http';
import { residentIdOf } from '../demo/family';
import { type Invocation, UsageError } from './args';
import {
  batchesTable,
  batchSummary,
  messagesTable,
  partnersTable,
  paymentsTable,
  progressBar,
} from './format';

/** Where a command writes: results to `out`, progress and notes to `err`. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Rewrites the current progress line (a terminal), or is absent (a pipe). */
  progress?(text: string): void;
}

interface Run {
  readonly api: Api;
  readonly invocation: Invocation;
  readonly io: Io;
  token(role: string): Promise<string>;
}

const need = (value: string | undefined, flag: string): string => {
  if (!value) throw new UsageError(`--${flag} is required`);
  return value;
};

const ok = (what: string, reply: Reply, ...statuses: number[]) =>
  expectStatus(what, reply, ...(statuses.length ? statuses : [200]));

const print = (run: Run, body: unknown, human: () => string) =>
  run.io.out(run.invocation.options.json ? JSON.stringify(body, null, 2) : human());

async function allPages(run: Run, token: string, path: string): Promise<Reply['body'][]> {
  const items: Reply['body'][] = [];
  let cursor: string | undefined;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const reply = ok(
      `GET ${path}`,
      await run.api('GET', `${path}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`, { token }),
    );
    items.push(...reply.body.items);
    cursor = reply.body.nextCursor;
  } while (cursor);
  return items;
}

const query = (params: Record<string, string | number | undefined>) => {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined) as [string, string | number][];
  return entries.length
    ? `?${entries.map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&')}`
    : '';
};

async function batchAction(run: Run, action: string, role: string) {
  const [batchId] = run.invocation.args;
  const token = await run.token(role);
  const reply = ok(
    `${action} batch`,
    await run.api('POST', `/v1/payout-batches/${batchId}/actions/${action}`, { token, body: {} }),
  );
  if (action === 'approve' && run.invocation.options.wait) {
    const officer = await run.token('payout-officer');
    run.io.err('waiting for the bank and reconciliation …');
    const settled = await waitFor(
      'the batch to be reconciled',
      async () => {
        const now = await run.api('GET', `/v1/payout-batches/${batchId}`, { token: officer });
        return ['reconciled', 'nothing-to-pay'].includes(now.body?.state) ? now.body : undefined;
      },
      300_000,
    );
    return print(run, settled, () => batchSummary(settled));
  }
  print(run, reply.body, () => batchSummary(reply.body));
}

/** Each command, by its words. */
export const handlers: Record<string, (run: Run) => Promise<void>> = {
  'batch plan': async (run) => {
    const { scheme, period, region } = run.invocation.options;
    const body = {
      scheme: need(scheme, 'scheme'),
      period: need(period, 'period'),
      region: need(region, 'region'),
    };
    const token = await run.token('payout-officer');
    const reply = ok(
      'plan batch',
      await run.api('POST', '/v1/payout-batches', { token, body }),
      200,
      201,
      202,
    );
    if (reply.status === 202) {
      // Larger than one request plans: the planning queue finishes it.
      run.io.err('the batch is large: planning goes on in the background …');
      const planned = await waitFor(
        'the batch to be planned',
        async () => {
          const now = await run.api('GET', `/v1/payout-batches/${reply.body.batchId}`, { token });
          return now.body?.state && now.body.state !== 'planning' ? now.body : undefined;
        },
        900_000,
      );
      return print(run, planned, () => batchSummary(planned));
    }
    print(run, reply.body, () => batchSummary(reply.body));
  },
  'batch list': async (run) => {
    const { status, scheme, period, region, waiting } = run.invocation.options;
    // The approval queue is an approver's: it lists what they, not the submitter, may approve.
    const token = await run.token(waiting ? 'payout-approver' : 'payout-officer');
    const path = `/v1/payout-batches${query({ state: status, scheme, period, region, waitingForMe: waiting ? 'true' : undefined })}`;
    const items = await allPages(run, token, path);
    print(run, { items }, () => batchesTable(items));
  },
  'batch show': async (run) => {
    const token = await run.token('payout-officer');
    const reply = ok(
      'GET batch',
      await run.api('GET', `/v1/payout-batches/${run.invocation.args[0]}`, { token }),
    );
    print(run, reply.body, () => batchSummary(reply.body));
  },
  'batch payments': async (run) => {
    const token = await run.token('payout-officer');
    const path = `/v1/payout-batches/${run.invocation.args[0]}/payments${query({ state: run.invocation.options.status })}`;
    const items = await allPages(run, token, path);
    print(run, { items }, () => paymentsTable(items));
  },
  'batch submit': (run) => batchAction(run, 'submit', 'payout-officer'),
  'batch approve': (run) => batchAction(run, 'approve', 'payout-approver'),
  'batch cancel': (run) => batchAction(run, 'cancel', 'payout-officer'),
  'batch export': async (run) => {
    const token = await run.token('payout-officer');
    const reply = ok(
      'GET payment-file',
      await run.api('GET', `/v1/payout-batches/${run.invocation.args[0]}/payment-file`, { token }),
    );
    const { out } = run.invocation.options;
    const { documentGzipBase64, contentEncoding: _, ...summary } = reply.body;
    // The API answers the XML compressed (a large batch's file exceeds a function's answer).
    const document = gunzipSync(Buffer.from(documentGzipBase64, 'base64')).toString('utf8');
    if (out) {
      await writeFile(out, document);
      print(
        run,
        { ...summary, file: out },
        () => `wrote ${out}: ${summary.numberOfTransactions} transfer(s)`,
      );
    } else if (run.invocation.options.json) {
      run.io.out(JSON.stringify({ ...summary, document }, null, 2));
    } else {
      run.io.out(document);
    }
  },
  'batch import': async (run) => {
    const file = need(run.invocation.options.file, 'file');
    const document = await readFile(file, 'utf8');
    // The bank's detached signature as it delivers it: JSON {signature, certificate}.
    const signature: unknown = JSON.parse(
      await readFile(need(run.invocation.options.signature, 'signature'), 'utf8'),
    );
    const token = await run.token('payout-officer');
    const reply = ok(
      'import status report',
      await run.api('POST', `/v1/payout-batches/${run.invocation.args[0]}/status-reports`, {
        token,
        body: { document, signature },
      }),
    );
    print(run, reply.body, () =>
      [`imported: ${JSON.stringify(reply.body.summary)}`, batchSummary(reply.body.batch)].join('\n'),
    );
  },
  'exchange list': async (run) => {
    const o = run.invocation.options;
    const token = await run.token('exchange-operator');
    const reply = ok(
      'GET messages',
      await run.api(
        'GET',
        `/v1/exchange/messages${query({ partner: o.partner, direction: o.direction, status: o.status, from: o.from, to: o.to, limit: o.limit })}`,
        { token },
      ),
    );
    print(run, reply.body, () => messagesTable(reply.body.items));
  },
  'exchange show': async (run) => {
    const token = await run.token('exchange-operator');
    const reply = ok(
      'GET message',
      await run.api('GET', `/v1/exchange/messages/${run.invocation.args[0]}`, { token }),
    );
    print(run, reply.body, () => messagesTable(reply.body.messages));
  },
  'exchange replay': async (run) => {
    const o = run.invocation.options;
    const partner = need(o.partner, 'partner');
    // A version 2 partner replays from a position in its stream; a version 1 partner, a time range.
    const body =
      o.fromSequence !== undefined
        ? { partner, fromSequence: o.fromSequence }
        : { partner, from: need(o.from, 'from'), to: need(o.to, 'to') };
    const token = await run.token('exchange-operator');
    const reply = ok('replay', await run.api('POST', '/v1/exchange/replay', { token, body }), 202);
    print(run, reply.body, () => `replayed ${reply.body.replayed} message(s) to ${reply.body.partner}`);
  },
  'partner list': async (run) => {
    const token = await run.token('exchange-operator');
    const reply = ok('GET partners', await run.api('GET', '/v1/exchange/partners', { token }));
    print(run, reply.body, () => partnersTable(reply.body.items));
  },
  'partner pause': (run) => partnerAction(run, 'pause'),
  'partner resume': (run) => partnerAction(run, 'resume'),
  seed: seed,
  token: async (run) => {
    const [role = 'registrar'] = run.invocation.args;
    const token = await run.token(role);
    print(run, { token }, () => token);
  },
};

async function partnerAction(run: Run, action: 'pause' | 'resume') {
  const token = await run.token('exchange-operator');
  const reply = ok(
    `${action} partner`,
    await run.api('POST', `/v1/exchange/partners/${run.invocation.args[0]}/actions/${action}`, {
      token,
      body: {},
    }),
  );
  print(
    run,
    reply.body,
    () =>
      `partner ${reply.body.partner}: ${reply.body.status}${reply.body.released ? `, ${reply.body.released} released` : ''}`,
  );
}

const NAMES = ['王伟', '李娜', '张敏', '刘洋', '陈静', '杨帆', '赵磊', '黄丽', '周杰', '吴芳'];

/** A made-up person in `county`: checksum-valid resident ID, born 1950–2005. */
export function syntheticPerson(county: string) {
  const birthDate = new Date(Date.UTC(1950, 0, 1) + randomInt(56 * 365) * 86_400_000)
    .toISOString()
    .slice(0, 10);
  const sequence = randomInt(1000);
  return {
    residentId: residentIdOf(county, birthDate, sequence),
    name: NAMES[randomInt(NAMES.length)] ?? '王伟',
    sex: sequence % 2 === 1 ? 'male' : 'female',
    birthDate,
    hukouRegion: county,
    residenceRegion: county,
    hukouType: randomInt(2) === 0 ? 'rural' : 'urban',
  };
}

/** Records `--persons` synthetic persons through the API, `--concurrency` at a time. */
async function seed(run: Run) {
  const o = run.invocation.options;
  const total = o.persons;
  if (!total) throw new UsageError('--persons is required');
  const province = await provinceOf(run);
  const county = o.region ?? regionsUnder(province).find((r) => r.level === 'county')?.code;
  if (!county || county.slice(0, 2) !== province)
    throw new UsageError(`--region must be a county of ${province}`);
  const token = await run.token('registrar');
  let next = 0;
  let done = 0;
  const counts = { recorded: 0, duplicate: 0, failed: 0 };
  let firstError: string | undefined;
  // A terminal gets a live bar; a pipe gets a line every tenth, unless the output is JSON.
  const tenth = Math.max(1, Math.ceil(total / 10));
  const show = () => {
    if (run.io.progress) run.io.progress(progressBar(done, total));
    else if (!o.json && (done % tenth === 0 || done === total)) run.io.err(progressBar(done, total));
  };
  const worker = async () => {
    while (next < total) {
      next += 1;
      const reply = await run.api('POST', '/v1/persons', { token, body: syntheticPerson(county) });
      if (reply.status === 201) counts.recorded += 1;
      else if (reply.status === 409) counts.duplicate += 1;
      else {
        counts.failed += 1;
        firstError ??= `HTTP ${reply.status} ${reply.body?.detail ?? reply.text.slice(0, 200)}`;
      }
      done += 1;
      if (done % 25 === 0 || done % tenth === 0 || done === total) show();
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, total) }, worker));
  run.io.progress?.('');
  print(run, { region: county, ...counts }, () =>
    [
      `seeded ${county}: ${counts.recorded} recorded, ${counts.duplicate} already there, ${counts.failed} failed`,
      ...(firstError ? [`first failure: ${firstError}`] : []),
    ].join('\n'),
  );
  if (counts.failed > 0) process.exitCode = 1;
}

/** The province the API serves, from its health answer. */
export async function provinceOf(run: { api: Api }): Promise<string> {
  const reply = ok('GET /health', await run.api('GET', '/health'), 200, 503);
  const province = reply.body?.province;
  if (typeof province !== 'string')
    throw new Error('The API did not say which province it serves (GET /health).');
  return province;
}

/** A token for `role`: the one given, or a local dev token for the whole province. */
export function tokenSource(api: Api, invocation: Invocation) {
  const cache = new Map<string, Promise<string>>();
  return (role: string): Promise<string> => {
    if (invocation.options.token) return Promise.resolve(invocation.options.token);
    let token = cache.get(role);
    if (!token) {
      const sub = invocation.options.as ?? `cli-${role}`;
      if (role === 'citizen') {
        // A citizen token stands for a real-name sign-in: it carries the verified resident ID.
        const { residentId } = invocation.options;
        if (!residentId)
          throw new UsageError('a citizen token needs --resident-id (the verified resident ID)');
        token = devToken(api, { sub, roles: [role], residentId });
      } else {
        token = provinceOf({ api }).then((province) =>
          devToken(api, { sub, roles: [role], region: `${province}0000` }),
        );
      }
      cache.set(role, token);
    }
    return token;
  };
}

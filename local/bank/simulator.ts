import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decimalToFen } from '../../functions/payout/domain/iso20022/amount';
import { buildPain002 } from '../../functions/payout/domain/iso20022/pain002';
import { child, childrenNamed, parseXml, textAt } from '../../functions/payout/domain/iso20022/xml';
import { xsdErrors } from './xsd';

export interface BankSimulatorOptions {
  /** Share of transfers rejected outright (0–1), with reason AC04 (closed account). */
  readonly rejectionRate?: number;
  /** Share of settled transfers returned later (0–1), with reason AC06 (blocked account). */
  readonly returnRate?: number;
  /**
   * Varies which transfers of a file are rejected or returned; how many is fixed by the rates
   * (at least ⌊n × rate⌋ of n), so a test never meets a file that happens to go through clean.
   */
  readonly seed?: string;
  /** Validate each file against pain.001.001.09.xsd before accepting it (default true). */
  readonly validate?: boolean;
  readonly port?: number;
}

export interface Settlement {
  readonly endToEndId: string;
  readonly amountFen: number;
  readonly account: string;
  readonly messageId: string;
}

export interface BankSimulator {
  readonly url: string;
  /** Every transfer credited, in order: what the tests count payments by. */
  readonly settlements: readonly Settlement[];
  /** Files received, by message id (duplicates are answered from here). */
  readonly files: ReadonlyMap<string, string>;
  stop(): Promise<void>;
}

/** A number in [0, 1) from a seed and a key: which transfers fail is chosen, not random. */
const draw = (seed: string, key: string) =>
  createHash('sha256').update(`${seed}:${key}`).digest().readUInt32BE(0) / 2 ** 32;

/**
 * Picks a share `rate` of the transfers it is asked about, evenly spread from a seeded
 * starting phase: of n transfers it picks ⌊phase + n × rate⌋, never fewer than ⌊n × rate⌋.
 */
function spread(rate: number, phase: number): () => boolean {
  let level = phase;
  return () => {
    level += rate;
    if (level < 1) return false;
    level -= 1;
    return true;
  };
}

const isoNow = () => new Date().toISOString().slice(0, 19);

/**
 * A bank on loopback for the local cloud and tests. It takes pain.001 files
 * (`POST /pain001`), checks them against the schema, settles each transfer once per
 * EndToEndId (a repeated transfer is rejected as a duplicate, a repeated file answers its
 * first report) and answers a pain.002; returns come later as further reports
 * (`GET /pain002?after=n`). Rejection and return rates are configurable.
 */
export async function startBankSimulator(options: BankSimulatorOptions = {}): Promise<BankSimulator> {
  const seed = options.seed ?? 'jiahe';
  const rejectionRate = options.rejectionRate ?? 0;
  const returnRate = options.returnRate ?? 0;
  const answers = new Map<string, string>();
  const files = new Map<string, string>();
  const settled = new Set<string>();
  const settlements: Settlement[] = [];
  const later: { seq: number; document: string }[] = [];
  let reportSeq = 0;

  const receive = async (xml: string): Promise<{ status: number; body: string }> => {
    if (options.validate ?? true) {
      const errors = await xsdErrors('pain.001.001.09', xml);
      if (errors.length > 0)
        return { status: 400, body: `invalid pain.001.001.09: ${errors.slice(0, 3).join('; ')}` };
    }
    const doc = child(parseXml(xml), 'CstmrCdtTrfInitn');
    const messageId = textAt(doc, 'GrpHdr', 'MsgId') ?? '';
    const previous = answers.get(messageId);
    if (previous) return { status: 200, body: previous };
    files.set(messageId, xml);
    const statuses: { endToEndId: string; status: 'ACSC' | 'RJCT'; reasonCode?: string }[] = [];
    const returns: { endToEndId: string; status: 'RJCT'; reasonCode: string }[] = [];
    const rejects = spread(rejectionRate, draw(seed, `reject:${messageId}`));
    const returnsLater = spread(returnRate, draw(seed, `return:${messageId}`));
    for (const info of childrenNamed(doc, 'PmtInf')) {
      for (const tx of childrenNamed(info, 'CdtTrfTxInf')) {
        const endToEndId = textAt(tx, 'PmtId', 'EndToEndId') ?? '';
        if (settled.has(endToEndId)) {
          statuses.push({ endToEndId, status: 'RJCT', reasonCode: 'DUPL' });
          continue;
        }
        if (rejects()) {
          statuses.push({ endToEndId, status: 'RJCT', reasonCode: 'AC04' });
          continue;
        }
        settled.add(endToEndId);
        settlements.push({
          endToEndId,
          amountFen: decimalToFen(textAt(tx, 'Amt', 'InstdAmt') ?? ''),
          account: textAt(tx, 'CdtrAcct', 'Id', 'Othr', 'Id') ?? '',
          messageId,
        });
        statuses.push({ endToEndId, status: 'ACSC' });
        if (returnsLater()) returns.push({ endToEndId, status: 'RJCT', reasonCode: 'AC06' });
      }
    }
    const answer = buildPain002({
      messageId: `STS-${messageId}`.slice(0, 35),
      createdAt: isoNow(),
      originalMessageId: messageId,
      bankCode: '999000000001',
      transactions: statuses,
    });
    answers.set(messageId, answer);
    if (returns.length > 0) {
      reportSeq += 1;
      later.push({
        seq: reportSeq,
        document: buildPain002({
          messageId: `RTN-${reportSeq}-${messageId}`.slice(0, 35),
          createdAt: isoNow(),
          originalMessageId: messageId,
          bankCode: '999000000001',
          transactions: returns,
        }),
      });
    }
    return { status: 200, body: answer };
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const reply = (status: number, type: string, body: string) => {
        res.writeHead(status, { 'content-type': type });
        res.end(body);
      };
      if (req.method === 'POST' && url.pathname === '/pain001') {
        receive(Buffer.concat(chunks).toString('utf8'))
          .then((r) => reply(r.status, r.status === 200 ? 'application/xml' : 'text/plain', r.body))
          .catch((error: unknown) =>
            reply(400, 'text/plain', `unreadable file: ${(error as Error).message}`),
          );
        return;
      }
      if (req.method === 'GET' && url.pathname === '/pain002') {
        const after = Number(url.searchParams.get('after') ?? 0);
        reply(200, 'application/json', JSON.stringify({ reports: later.filter((r) => r.seq > after) }));
        return;
      }
      reply(404, 'text/plain', 'not found');
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    settlements,
    files,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

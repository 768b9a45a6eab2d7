import { createHash, createPrivateKey, sign, X509Certificate } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { BankChannelCredentials } from '../../functions/payout/adapters/bank-channel';
import type { BankSignature } from '../../functions/payout/domain/bank-trust';
import { FileRefused, type ReportedStatus, readCreditTransferFile, writeStatusReport } from './bank-xml';
import { createLocalBankPki, issueClientCertificate, type LocalBankPki } from './certificates';
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
  /** The bank's CA and certificates; generated when absent (the local cloud persists them). */
  readonly pki?: LocalBankPki;
}

export interface Settlement {
  readonly endToEndId: string;
  readonly amountFen: number;
  readonly account: string;
  readonly messageId: string;
}

/**
 * Faults a test switches on, each for a number of coming requests: `unavailable` answers
 * 503, `stall` accepts and never answers, `redirect` answers 307 elsewhere.
 */
export interface BankFaults {
  unavailable: number;
  stall: number;
  redirect: number;
}

export interface BankSimulator {
  readonly url: string;
  /** Every transfer credited, in order: what the tests count payments by. */
  readonly settlements: readonly Settlement[];
  /** Files received, by message id (duplicates are answered from here). */
  readonly files: ReadonlyMap<string, string>;
  readonly faults: BankFaults;
  /** Requests from authenticated customers, by path (`POST /pain001`, `GET /pain002`…). */
  readonly requests: ReadonlyMap<string, number>;
  /** Connections refused at the TLS handshake: no client certificate, or one the bank did not issue. */
  readonly refusedClients: () => number;
  readonly pki: LocalBankPki;
  /** Issues a customer (a province) its channel credentials: client certificate, key and the bank's CA. */
  issueClient(customer: string): Promise<BankChannelCredentials>;
  /** The bank's signature over a document, as it sends with each report. */
  signReport(document: string): BankSignature;
  /** Publishes a later report to a customer, as the bank does with returns. */
  publishReport(customer: string, document: string): number;
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
const BANK_CODE = '999000000001';
const MAX_FILE_BYTES = 64 * 1024 * 1024;
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

/**
 * A bank on loopback for the local cloud and tests, reached only over mutual TLS: it
 * presents a server certificate of its own CA and admits only clients whose certificate
 * that CA issued (the customer is the certificate's CN). It takes pain.001 files
 * (`POST /pain001`), checks them against the schema and its own reading of counts and sums
 * (fast-xml-parser, not jiahe's code), settles each transfer once per EndToEndId (a
 * repeated transfer is rejected as a duplicate, a repeated file answers its first report)
 * and answers a signed pain.002; returns come later as further signed reports
 * (`GET /pain002?after=n`, then `GET /pain002/{seq}`), each customer seeing only its own.
 */
export async function startBankSimulator(options: BankSimulatorOptions = {}): Promise<BankSimulator> {
  const pki = options.pki ?? (await createLocalBankPki());
  const signerKey = createPrivateKey(pki.reportSigner.privateKey);
  const signerCertificate = new X509Certificate(pki.reportSigner.certificate).raw.toString('base64');
  const seed = options.seed ?? 'jiahe';
  const rejectionRate = options.rejectionRate ?? 0;
  const returnRate = options.returnRate ?? 0;
  const answers = new Map<string, { customer: string; document: string }>();
  const files = new Map<string, string>();
  const settled = new Set<string>();
  const settlements: Settlement[] = [];
  const later: { seq: number; customer: string; document: string }[] = [];
  const faults: BankFaults = { unavailable: 0, stall: 0, redirect: 0 };
  const requests = new Map<string, number>();
  let refused = 0;

  const signReport = (document: string): BankSignature => ({
    signature: sign('sha256', Buffer.from(document, 'utf8'), signerKey).toString('base64'),
    certificate: signerCertificate,
  });
  const publishReport = (customer: string, document: string) => {
    const seq = later.length + 1;
    later.push({ seq, customer, document });
    return seq;
  };

  const receive = async (customer: string, xml: string): Promise<{ status: number; body: string }> => {
    if (options.validate ?? true) {
      const errors = await xsdErrors('pain.001.001.09', xml);
      if (errors.length > 0)
        return { status: 400, body: `invalid pain.001.001.09: ${errors.slice(0, 3).join('; ')}` };
    }
    const file = readCreditTransferFile(xml);
    const previous = answers.get(file.messageId);
    if (previous) {
      if (previous.customer !== customer)
        return { status: 409, body: 'message id taken by another customer' };
      return { status: 200, body: previous.document };
    }
    files.set(file.messageId, xml);
    const statuses: ReportedStatus[] = [];
    const returns: ReportedStatus[] = [];
    const rejects = spread(rejectionRate, draw(seed, `reject:${file.messageId}`));
    const returnsLater = spread(returnRate, draw(seed, `return:${file.messageId}`));
    for (const tx of file.transfers) {
      if (settled.has(tx.endToEndId)) {
        statuses.push({ endToEndId: tx.endToEndId, status: 'RJCT', reasonCode: 'DUPL' });
        continue;
      }
      if (rejects()) {
        statuses.push({ endToEndId: tx.endToEndId, status: 'RJCT', reasonCode: 'AC04' });
        continue;
      }
      settled.add(tx.endToEndId);
      settlements.push({ ...tx, messageId: file.messageId });
      statuses.push({ endToEndId: tx.endToEndId, status: 'ACSC' });
      if (returnsLater()) returns.push({ endToEndId: tx.endToEndId, status: 'RJCT', reasonCode: 'AC06' });
    }
    const document = writeStatusReport({
      messageId: `STS-${file.messageId}`.slice(0, 35),
      createdAt: isoNow(),
      originalMessageId: file.messageId,
      bankCode: BANK_CODE,
      transactions: statuses,
    });
    answers.set(file.messageId, { customer, document });
    if (returns.length > 0) {
      const seq = later.length + 1;
      publishReport(
        customer,
        writeStatusReport({
          messageId: `RTN-${seq}-${file.messageId}`.slice(0, 35),
          createdAt: isoNow(),
          originalMessageId: file.messageId,
          bankCode: BANK_CODE,
          transactions: returns,
        }),
      );
    }
    return { status: 200, body: document };
  };

  const reply = (res: ServerResponse, status: number, type: string, body: string, signed = false) => {
    res.writeHead(status, {
      'content-type': type,
      ...(signed
        ? (({ signature, certificate }) => ({
            'x-bank-signature': signature,
            'x-bank-certificate': certificate,
          }))(signReport(body))
        : {}),
    });
    res.end(body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const socket = req.socket as TLSSocket;
    const peer = socket.getPeerCertificate();
    // The handshake already refused clients without a certificate of this CA; a certificate of
    // this CA for another purpose (its own server's) is refused here. The customer is its CN.
    const forClients = (peer?.ext_key_usage ?? []).includes(CLIENT_AUTH);
    const customer = socket.authorized && forClients && peer?.subject ? String(peer.subject.CN) : '';
    if (!customer) {
      refused++;
      reply(res, 401, 'text/plain', 'client certificate required');
      return;
    }
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const route = `${req.method} ${url.pathname.replace(/\/\d+$/, '/{seq}')}`;
    requests.set(route, (requests.get(route) ?? 0) + 1);
    if (faults.stall > 0) {
      faults.stall--;
      return; // accepted and never answered: the client's timeout must end it
    }
    if (faults.unavailable > 0) {
      faults.unavailable--;
      reply(res, 503, 'text/plain', 'temporarily unavailable');
      return;
    }
    if (faults.redirect > 0) {
      faults.redirect--;
      res.writeHead(307, { location: 'https://127.0.0.1:9/elsewhere' });
      res.end();
      return;
    }
    if (route === 'POST /pain001') {
      receive(customer, body)
        .then((r) =>
          r.status === 200
            ? reply(res, 200, 'application/xml', r.body, true)
            : reply(res, r.status, 'text/plain', r.body),
        )
        .catch((error: unknown) =>
          reply(res, 400, 'text/plain', error instanceof FileRefused ? error.message : 'unreadable file'),
        );
      return;
    }
    if (route === 'GET /pain002') {
      const after = Number(url.searchParams.get('after') ?? 0);
      const mine = later.filter((r) => r.customer === customer && r.seq > after).map(({ seq }) => ({ seq }));
      reply(res, 200, 'application/json', JSON.stringify({ reports: mine }));
      return;
    }
    if (route === 'GET /pain002/{seq}') {
      const seq = Number(url.pathname.split('/').at(-1));
      const report = later.find((r) => r.seq === seq && r.customer === customer);
      if (!report) reply(res, 404, 'text/plain', 'not found');
      else reply(res, 200, 'application/xml', report.document, true);
      return;
    }
    reply(res, 404, 'text/plain', 'not found');
  };

  const server: Server = createServer(
    {
      key: pki.server.privateKey,
      cert: pki.server.certificate,
      ca: pki.ca.certificate,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    },
    (req, res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_FILE_BYTES) chunks.push(c);
      });
      req.on('end', () => {
        if (size > MAX_FILE_BYTES) reply(res, 413, 'text/plain', 'file too large');
        else handle(req, res, Buffer.concat(chunks).toString('utf8'));
      });
    },
  );
  server.on('tlsClientError', () => {
    refused++;
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    settlements,
    files,
    faults,
    requests,
    refusedClients: () => refused,
    pki,
    async issueClient(customer) {
      const issued = await issueClientCertificate(pki.ca, customer);
      return {
        clientCertificate: issued.certificate,
        clientKey: issued.privateKey,
        bankCa: pki.ca.certificate,
      };
    },
    signReport,
    publishReport,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { Agent, request } from 'node:https';
import * as z from 'zod';
import type { BankRail, FileText, SignedReport, StreamedReport } from '../domain/bank-rail';
import type { BankSignature } from '../domain/bank-trust';
import type { BankChannelCredentials } from './bank-channel';

/** A failed exchange with the bank; `retryable` when trying again may help (never after a refusal). */
export class BankRailError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown; status?: number },
  ) {
    super(message, options?.cause ? { cause: options.cause } : undefined);
    this.name = 'BankRailError';
    this.status = options?.status;
  }
  readonly status: number | undefined;
}

export interface HttpBankRailOptions {
  /** The bank's https endpoint; files go to `${url}/pain001`, reports come from `${url}/pain002`. */
  readonly url: string;
  readonly channel: BankChannelCredentials;
  /** Longest silence (connecting, waiting for an answer, between pieces of it) before an attempt fails. */
  readonly idleTimeoutMs?: number;
  /** Longest a whole attempt to send a file may take. */
  readonly attemptTimeoutMs?: number;
  /** Attempts per call, the first included. */
  readonly attempts?: number;
  /** First pause before a retry; it doubles each time, with ±20 % jitter, up to `maxBackoffMs`. */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Largest answer to a file accepted into memory (later reports are streamed instead). */
  readonly maxAnswerBytes?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Network failures worth another attempt; TLS and certificate failures are not among them. */
const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

const SIGNATURE_HEADER = 'x-bank-signature';
const CERTIFICATE_HEADER = 'x-bank-certificate';

const LaterReports = z.strictObject({
  reports: z.array(z.strictObject({ seq: z.number().int().positive() })).max(10_000),
});

function signatureOf(response: IncomingMessage): BankSignature | undefined {
  const signature = response.headers[SIGNATURE_HEADER];
  const certificate = response.headers[CERTIFICATE_HEADER];
  return typeof signature === 'string' && typeof certificate === 'string'
    ? { signature, certificate }
    : undefined;
}

async function* decoded(response: IncomingMessage): AsyncIterable<string> {
  response.setEncoding('utf8');
  for await (const chunk of response) yield chunk as string;
}

/**
 * The bank's host-to-host channel (银企直联) over mutual TLS: jiahe presents its client
 * certificate and accepts only a server certificate issued by the bank's CA (never the
 * public trust store), so each side knows the other. Every attempt has an idle timeout
 * and, for files, an overall one; failures that may be passing (network errors, timeouts,
 * 5xx, 429) are retried a bounded number of times with exponential backoff and jitter,
 * which is safe because the bank treats a repeated message id as the same file. A
 * redirect is an error, never followed: the channel talks to one configured endpoint.
 * Reports come back signed; the domain verifies them (domain/disburse.ts).
 */
export function httpBankRail(options: HttpBankRailOptions): BankRail {
  const base = new URL(options.url);
  if (base.protocol !== 'https:') throw new Error('the bank rail URL must be https');
  const prefix = base.pathname.replace(/\/$/, '');
  const agent = new Agent({
    keepAlive: true,
    cert: options.channel.clientCertificate,
    key: options.channel.clientKey,
    ca: options.channel.bankCa,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
  });
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 120_000;
  const attempts = Math.max(1, options.attempts ?? 4);
  const backoffMs = options.backoffMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 8_000;
  const maxAnswerBytes = options.maxAnswerBytes ?? 64 * 1024 * 1024;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  /**
   * One request; resolves with the response head once a 2xx arrived, its body still to read.
   * A body is sent as it is written (chunked), waiting whenever the socket is full; a body
   * that fails to be written ends the request with that error, never retried here.
   */
  const send = (
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body?: FileText,
    deadlineMs?: number,
  ) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const url = new URL(`${prefix}${path}`, base);
      const req = request(url, {
        method,
        agent,
        headers,
        timeout: idleTimeoutMs,
        ...(deadlineMs ? { signal: AbortSignal.timeout(deadlineMs) } : {}),
      });
      let bodyFailure: unknown;
      req.on('timeout', () => req.destroy(new BankRailError('the bank did not answer in time', true)));
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (error === bodyFailure || error instanceof BankRailError) reject(error);
        else if (error.name === 'AbortError' || error.name === 'TimeoutError')
          reject(new BankRailError('the bank did not finish answering in time', true, { cause: error }));
        else
          reject(
            new BankRailError(
              `bank channel failed: ${error.code ?? error.message}`,
              RETRYABLE_CODES.has(error.code ?? ''),
              {
                cause: error,
              },
            ),
          );
      });
      req.on('response', (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          response.on('error', () => undefined);
          resolve(response);
          return;
        }
        response.resume();
        if (status >= 300 && status < 400)
          reject(
            new BankRailError(`the bank answered a redirect (HTTP ${status}): refused`, false, { status }),
          );
        else if (status === 429 || status >= 500)
          reject(new BankRailError(`the bank is unavailable: HTTP ${status}`, true, { status }));
        else reject(new BankRailError(`the bank refused the request: HTTP ${status}`, false, { status }));
      });
      if (!body) {
        req.end();
        return;
      }
      (async () => {
        for await (const chunk of body()) {
          if (req.destroyed) return;
          // A full socket waits; a request ended meanwhile (an early answer, a timeout) stops here.
          if (!req.write(chunk)) await Promise.race([once(req, 'drain'), once(req, 'close')]);
        }
        req.end();
      })().catch((error: unknown) => {
        bodyFailure = error;
        req.destroy(error as Error);
      });
    });

  /** Runs `attempt` up to `attempts` times while it fails with a retryable error. */
  const withRetries = async <T>(attempt: () => Promise<T>): Promise<T> => {
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof BankRailError) || !error.retryable || n >= attempts) throw error;
        const pause = Math.min(maxBackoffMs, backoffMs * 2 ** (n - 1));
        await sleep(Math.round(pause * (0.8 + Math.random() * 0.4)));
      }
    }
  };

  const readAll = async (response: IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response) {
      size += (chunk as Buffer).length;
      if (size > maxAnswerBytes) {
        response.destroy();
        throw new BankRailError('the bank answer is larger than allowed', false);
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  };

  return {
    submit: (messageId, pain001) =>
      withRetries(async (): Promise<SignedReport> => {
        const response = await send(
          'POST',
          '/pain001',
          { 'content-type': 'application/xml; charset=utf-8', 'x-message-id': messageId },
          pain001,
          attemptTimeoutMs,
        );
        const signature = signatureOf(response);
        const document = await readAll(response).catch((cause: unknown) => {
          if (cause instanceof BankRailError) throw cause;
          throw new BankRailError('the bank answer broke off', true, { cause });
        });
        return { document, ...(signature ? { signature } : {}) };
      }),
    laterReports: (after) =>
      withRetries(async () => {
        const response = await send(
          'GET',
          `/pain002?after=${after}`,
          { accept: 'application/json' },
          undefined,
          attemptTimeoutMs,
        );
        const parsed = LaterReports.safeParse(JSON.parse(await readAll(response)));
        if (!parsed.success)
          throw new BankRailError('the bank listed its reports in an unknown shape', false);
        return parsed.data.reports.map((r) => r.seq);
      }),
    report: (seq) =>
      withRetries(async (): Promise<StreamedReport> => {
        const response = await send('GET', `/pain002/${seq}`, { accept: 'application/xml' });
        const signature = signatureOf(response);
        return { chunks: decoded(response), ...(signature ? { signature } : {}) };
      }),
  };
}

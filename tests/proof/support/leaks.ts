import { residentIdsIn } from '../../support/resident-ids';

/** Bank account numbers as the payout area stores them: 16 to 19 digits in one run. */
const ACCOUNT = /(?<![\w-])\d{16,19}(?![\w-])/g;
/** A bearer credential or a JWT, unless already redacted. */
const BEARER = /bearer\s+(?!\[redacted\])[\w.~+/-]{8,}/gi;
const JWT = /eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]+/g;

export interface LeakReport {
  readonly lines: number;
  readonly residentIds: number;
  readonly accounts: number;
  readonly tokens: number;
}

/** Counts what must never appear in a log: resident IDs (checksum-valid), account numbers, tokens. */
export function scanForLeaks(lines: readonly string[]): LeakReport {
  const text = lines.join('\n');
  return {
    lines: lines.length,
    residentIds: residentIdsIn(text).length,
    accounts: [...text.matchAll(ACCOUNT)].length,
    tokens: [...text.matchAll(BEARER)].length + [...text.matchAll(JWT)].length,
  };
}

/**
 * Captures everything this process writes to stdout and stderr (the functions' JSON logs)
 * line by line, keeping it out of the test output. `stop` restores the streams.
 */
export function captureProcessOutput() {
  const lines: string[] = [];
  const originals = { out: process.stdout.write, err: process.stderr.write };
  let partial = '';
  const sink = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    partial += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts.filter((l) => l.length > 0));
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = sink;
  process.stderr.write = sink;
  return {
    lines,
    stop() {
      if (partial) lines.push(partial);
      partial = '';
      process.stdout.write = originals.out;
      process.stderr.write = originals.err;
    },
  };
}

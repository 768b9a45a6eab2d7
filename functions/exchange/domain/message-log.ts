import { canonicalJson, sha256Hex } from './digest';

/**
 * The message log: every message sent and received, appended to a hash chain per partner
 * stream. Each entry's hash covers the previous entry's hash, so changing, removing or
 * reordering any past entry breaks the chain from that point on.
 */

export interface LogEntry {
  readonly direction: 'inbound' | 'outbound';
  readonly messageId: string;
  /** The message type, e.g. `cn.gov.jiahe.birth.registered.v1`. */
  readonly type?: string;
  /** The transport headers that came or went with the body (`webhook-*`, `content-type`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Hex SHA-256 of the raw message body. */
  readonly sha256: string;
  /** ISO time the entry was written. */
  readonly at: string;
  /** The signature check of an inbound message (or of the receipt of an outbound one). */
  readonly verification?: { ok: true; keyId: string } | { ok: false; reason: string };
  /** Hex SHA-256 of the receipt body. */
  readonly receiptSha256?: string;
  /** Version 2: the message's position in its stream (entries are the messages themselves). */
  readonly sequence?: number;
}

export interface ChainedEntry extends LogEntry {
  /** The hash of the entry before this one in the stream; null for the first. */
  readonly previousHash: string | null;
  /** `sha256(previousHash + canonicalJson(entry))`, hex; `''` stands for a null previous hash. */
  readonly hash: string;
}

const FIELDS = [
  'direction',
  'messageId',
  'type',
  'headers',
  'sha256',
  'at',
  'verification',
  'receiptSha256',
  'sequence',
] as const;

/** Only the fields of a log entry, so storage keys kept alongside do not enter the hash. */
function entryFields(entry: LogEntry): LogEntry {
  const picked: Record<string, unknown> = {};
  for (const field of FIELDS) if (entry[field] !== undefined) picked[field] = entry[field];
  return picked as unknown as LogEntry;
}

/** The hash of an entry placed after `previousHash`. */
export function entryHash(previousHash: string | null, entry: LogEntry): string {
  return sha256Hex((previousHash ?? '') + canonicalJson(entryFields(entry)));
}

/** Appends `entry` after the entry whose hash is `previousHash` (null at the stream's start). */
export function chainEntry(previousHash: string | null, entry: LogEntry): ChainedEntry {
  const fields = entryFields(entry);
  return { ...fields, previousHash, hash: entryHash(previousHash, fields) };
}

export type ChainCheck = { ok: true } | { ok: false; brokenAt: number };

/**
 * Recomputes the chain. `brokenAt` is the index of the first entry that does not follow
 * from the one before. `start` is the hash the first entry must follow (null for a whole
 * stream; the last verified hash when checking a later segment). With `head`, the hash of
 * the newest entry as recorded elsewhere, a cut-off tail is reported at `entries.length`.
 */
export function verifyChain(
  entries: readonly ChainedEntry[],
  options: { start?: string | null; head?: string } = {},
): ChainCheck {
  let previous: string | null = options.start ?? null;
  for (const [index, entry] of entries.entries()) {
    if (entry.previousHash !== previous || entry.hash !== entryHash(previous, entry)) {
      return { ok: false, brokenAt: index };
    }
    previous = entry.hash;
  }
  if (options.head !== undefined && previous !== options.head) return { ok: false, brokenAt: entries.length };
  return { ok: true };
}

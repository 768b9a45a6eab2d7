import { SEQUENCE_PATTERN } from './envelope';

/**
 * Gap detection on a sender→recipient stream. The sender numbers its messages to each
 * recipient 1, 2, 3, …; the receiver compares each arrival with the highest number seen.
 * Messages may still arrive out of order (retries), so a gap is reported, not refused.
 */

export type SequenceCheck = 'next' | 'duplicate-or-old' | { gap: [from: number, to: number] };

/**
 * `'next'` when `incoming` follows `lastSeen` (or is 1 on a new stream); `'duplicate-or-old'`
 * when it is not above `lastSeen`; otherwise the inclusive range of missing numbers.
 */
export function checkSequence(lastSeen: number | undefined, incoming: number): SequenceCheck {
  if (!Number.isSafeInteger(incoming) || incoming < 1)
    throw new RangeError(`bad sequence number ${incoming}`);
  if (lastSeen !== undefined && (!Number.isSafeInteger(lastSeen) || lastSeen < 0)) {
    throw new RangeError(`bad last sequence number ${lastSeen}`);
  }
  const expected = (lastSeen ?? 0) + 1;
  if (incoming === expected) return 'next';
  if (incoming < expected) return 'duplicate-or-old';
  return { gap: [expected, incoming - 1] };
}

/** The envelope's `sequence` extension (a decimal string) as a number. */
export function parseSequence(value: string): number {
  if (!SEQUENCE_PATTERN.test(value)) {
    throw new RangeError(`bad sequence ${value}`);
  }
  return Number(value);
}

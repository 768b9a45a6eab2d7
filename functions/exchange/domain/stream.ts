import { verifyChain } from './message-log';
import type { StreamRepository } from './ports';
import type { OutboundRecord, OutboundStreamHead } from './records';

/**
 * Whether a version 2 stream should be delivered now: messages wait after its cursor, no
 * sender holds a lease that is still running, and its next attempt (after a failure) is due.
 */
export function streamDue(head: OutboundStreamHead, now: Date): boolean {
  const at = now.toISOString();
  if (head.last <= head.delivered) return false;
  if (head.leaseUntil && head.leaseUntil >= at) return false;
  return !head.nextAttemptAt || head.nextAttemptAt <= at;
}

/**
 * A version 2 message as it stands: nothing is written to it when it is delivered, so it is
 * `delivered` once its stream's cursor has reached it (a refused one stays `failed`).
 */
export function streamMessageState<T extends OutboundRecord>(
  record: T,
  head: OutboundStreamHead | undefined,
): T {
  if (record.protocol !== 'v2' || record.status !== 'pending' || !head) return record;
  return record.sequence <= head.delivered ? { ...record, status: 'delivered' } : record;
}

/** What a check of one hash chain found. */
export interface ChainReport {
  readonly entries: number;
  readonly head: string | null;
  readonly ok: boolean;
  /** The index of the first entry that does not follow from the one before (`entries`: the tail is cut off). */
  readonly brokenAt?: number;
}

/**
 * Recomputes a version 2 chain (the messages to a partner, or from it) in order and compares
 * its end with the head's recorded hash, so a changed, removed or reordered message is found.
 */
export async function checkStreamChain(
  streams: Pick<StreamRepository, 'chain' | 'chainHead'>,
  partner: string,
  direction: 'outbound' | 'inbound',
): Promise<ChainReport> {
  const [entries, head] = await Promise.all([
    streams.chain(partner, direction),
    streams.chainHead(partner, direction),
  ]);
  const check = verifyChain(entries, head === null ? {} : { head });
  return {
    entries: entries.length,
    head,
    ok: check.ok && (head !== null || entries.length === 0),
    ...(check.ok ? {} : { brokenAt: check.brokenAt }),
  };
}

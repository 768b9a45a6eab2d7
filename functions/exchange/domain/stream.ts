import { verifyChain } from './message-log';
import type { MessagePage, MessageQuery, MessageRepository, StreamRepository } from './ports';
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

/** Which part of the operators' message list a page cursor is in (one sealed before parts existed is the shared list's). */
const STREAMS = 'streams';
const SHARED = 'shared';

/**
 * A page of the operators' message list. The shared list (an index) holds version 1 messages
 * only. For a partner that takes version 2, its streams' messages come first, newest first,
 * from its own keys; then, on the same cursor, its version 1 messages from the shared list:
 * those of before it moved to version 2 (and any it still sends to the version 1 inbox). A
 * page that ends its streams is filled from there.
 */
export async function messagePage(
  repositories: {
    messages: Pick<MessageRepository, 'list'>;
    streams: Pick<StreamRepository, 'listMessages'>;
  },
  query: MessageQuery,
  /** The query's partner when it takes version 2 (its registration has a `batchInboxUrl`). */
  v2Partner: string | undefined,
): Promise<MessagePage> {
  const { startKey, ...filters } = query;
  const { part, ...position } = startKey ?? {};
  const at = Object.keys(position).length > 0 ? position : undefined;
  if (!v2Partner || (startKey && part !== STREAMS)) {
    // A cursor in the streams of a partner since moved back to version 1 starts its shared list anew.
    return sharedPage(repositories.messages, filters, part === STREAMS ? undefined : at);
  }
  const streams = await repositories.streams.listMessages(v2Partner, {
    ...filters,
    ...(part === STREAMS && at ? { startKey: at } : {}),
  });
  if (streams.lastKey) return { items: streams.items, lastKey: { part: STREAMS, ...streams.lastKey } };
  const room = query.limit - streams.items.length;
  if (room === 0) return { items: streams.items, lastKey: { part: SHARED } };
  const older = await sharedPage(repositories.messages, { ...filters, limit: room }, undefined);
  return { ...older, items: [...streams.items, ...older.items] };
}

/** A page of the shared list, its cursor marked as such. */
async function sharedPage(
  messages: Pick<MessageRepository, 'list'>,
  filters: Omit<MessageQuery, 'startKey'>,
  startKey: Record<string, string | number> | undefined,
): Promise<MessagePage> {
  const page = await messages.list({ ...filters, ...(startKey ? { startKey } : {}) });
  return page.lastKey
    ? { items: page.items, lastKey: { part: SHARED, ...page.lastKey } }
    : { items: page.items };
}

import { newUlid } from '../../../shared/domain/ids';
import { eventSource } from '../../../shared/events/envelope';
import {
  MAX_READS_PER_EVENT,
  PERSON_DATA_READ,
  type PersonDataRead,
} from '../../../shared/events/person-data-read';
import type { AccessSink } from '../../../shared/http/access-read';
import type { OutboundMessage } from '../domain/ports';
import type { OutboxRepository } from './outbox-repository';

/**
 * Payout's staff reads of persons' data, sent to the registry (which keeps every person's
 * access log) as `PERSON_DATA_READ` events: stored in the payout table's outbox before the
 * read is answered, then published from its stream to registry-inbound. A bulk read (a page
 * of lines, a payment file) goes in events of at most MAX_READS_PER_EVENT persons each.
 */
export function payoutAccessEvents(
  outbox: OutboxRepository,
  province: string,
  newId: (at: number) => string = newUlid,
): AccessSink {
  return {
    async record(read, reads) {
      const messages: OutboundMessage[] = [];
      for (let i = 0; i < reads.length; i += MAX_READS_PER_EVENT) {
        const data: PersonDataRead = { ...read, reads: reads.slice(i, i + MAX_READS_PER_EVENT) };
        messages.push({
          key: `ACCESS#${read.readId}#${i / MAX_READS_PER_EVENT}`,
          envelope: {
            specversion: '1.0',
            id: newId(Date.parse(read.at)),
            source: eventSource(province, 'payout'),
            type: PERSON_DATA_READ,
            time: read.at,
            subject: read.readId,
            datacontenttype: 'application/json',
            data,
          },
        });
      }
      await outbox.put(messages);
    },
  };
}

import * as z from 'zod';
import { ULID_PATTERN } from '../domain/ids';

/**
 * The envelope every domain event travels in between areas: CloudEvents 1.0 structured
 * JSON, the same shape the exchange protocol uses between provinces.
 */
export const EventEnvelope = z.object({
  specversion: z.literal('1.0'),
  id: z.string().regex(ULID_PATTERN, 'must be a ULID'),
  /** `urn:cn:gov:<regionCode>:jiahe:<area>` */
  source: z.string().regex(/^urn:cn:gov:\d{6}:jiahe(:[a-z]+)?$/),
  type: z.string().regex(/^cn\.gov\.jiahe\.[a-z.-]+\.v\d+$/),
  time: z.iso.datetime(),
  /** An opaque case reference; never a resident ID. */
  subject: z.string().min(1).max(128),
  datacontenttype: z.literal('application/json'),
  data: z.unknown(),
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;

/** The `source` of events an area of a province's deployment emits. */
export const eventSource = (province: string, area: string): string =>
  `urn:cn:gov:${province}0000:jiahe:${area}`;

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
  /**
   * Extension, on messages to or from another province only: the receiving province,
   * `urn:cn:gov:<regionCode>:jiahe`. An area sets it to ask the exchange to deliver.
   */
  recipient: z
    .string()
    .regex(/^urn:cn:gov:\d{6}:jiahe$/)
    .optional(),
  /** Extension: the id of the message this one answers or follows from. */
  correlationid: z.string().regex(ULID_PATTERN, 'must be a ULID').optional(),
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;

/** The `source` of events an area of a province's deployment emits. */
export const eventSource = (province: string, area: string): string =>
  `urn:cn:gov:${province}0000:jiahe:${area}`;

/** The URN of a province's deployment, as `source` and `recipient` of exchange messages. */
export const provinceUrn = (province: string): string => `urn:cn:gov:${province}0000:jiahe`;

/** The two-digit province of a `source` or `recipient` URN, or undefined if it is not one. */
export const provinceOfUrn = (urn: string): string | undefined =>
  /^urn:cn:gov:(\d{2})\d{4}:jiahe/.exec(urn)?.[1];

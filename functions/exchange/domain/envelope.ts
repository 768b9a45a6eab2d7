import * as z from 'zod';
import { ULID_PATTERN } from '../../../shared/domain/ids';

/**
 * The envelope of every message exchanged between provinces: CloudEvents 1.0 structured
 * JSON (`application/cloudevents+json`). This is a public contract other provinces
 * implement (docs/exchange-protocol.md); change it only by adding a new major `type`.
 */

/** `urn:cn:gov:<6-digit region code>:jiahe`, the identity of one province's deployment. */
export const PROVINCE_URN_PATTERN = /^urn:cn:gov:(\d{6}):jiahe$/;

/** `cn.gov.jiahe.<name>.v<major>`, e.g. `cn.gov.jiahe.birth.registered.v1`. */
export const MESSAGE_TYPE_PATTERN = /^cn\.gov\.jiahe\.([a-z][a-z0-9-]*(?:\.[a-z][a-z0-9-]*)*)\.v([1-9]\d*)$/;

/**
 * Seventeen digits then a digit or X: the shape of a resident ID (公民身份号码), anywhere in
 * the text. A subject containing one is refused, so a resident ID never travels in the
 * envelope, which intermediaries and logs see.
 */
export const RESIDENT_ID_LIKE = /\d{17}[\dXx]/;

/**
 * A positive integer in decimal without leading zeros, at most 15 digits: every such number
 * is exact in a double, so the pattern alone is the rule (and the published schema says it).
 */
export const SEQUENCE_PATTERN = /^[1-9][0-9]{0,14}$/;

const provinceUrn = z.string().regex(PROVINCE_URN_PATTERN, 'must be urn:cn:gov:<6-digit region code>:jiahe');
const ulid = z.string().regex(ULID_PATTERN, 'must be a ULID');

export const ExchangeMessage = z.object({
  specversion: z.literal('1.0'),
  /** ULID chosen by the sender; stable across retries and replays. */
  id: ulid,
  /** The sending province. */
  source: provinceUrn,
  type: z.string().regex(MESSAGE_TYPE_PATTERN, 'must be cn.gov.jiahe.<name>.v<major>'),
  time: z.iso.datetime({ offset: true }),
  /** An opaque case reference; never a resident ID. */
  subject: z
    .string()
    .min(1)
    .max(128)
    .refine((s) => !RESIDENT_ID_LIKE.test(s), 'must be an opaque reference, not a resident ID'),
  datacontenttype: z.literal('application/json'),
  data: z.record(z.string(), z.unknown()),
  /** Extension: the receiving province. */
  recipient: provinceUrn,
  /** Extension: the id of the message this one answers or follows from. */
  correlationid: ulid.optional(),
  sequence: z
    .string()
    .regex(SEQUENCE_PATTERN, 'must be a positive decimal integer of at most 15 digits')
    .describe(
      'Extension: position in the sender→recipient stream, "1", "2", …: decimal, no leading zeros, at most 15 digits.',
    ),
});
export type ExchangeMessage = z.infer<typeof ExchangeMessage>;

/** Splits a type into its name and major version: `birth.registered`, 1. */
export function parseMessageType(type: string): { name: string; major: number } | undefined {
  const match = MESSAGE_TYPE_PATTERN.exec(type);
  if (!match?.[1] || !match[2]) return undefined;
  return { name: match[1], major: Number(match[2]) };
}

/** The full type string for a name and major version. */
export const messageType = (name: string, major = 1): string => `cn.gov.jiahe.${name}.v${major}`;

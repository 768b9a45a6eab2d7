import * as z from 'zod';
import { ULID_PATTERN } from '../../shared/domain/ids';

/** Request shapes of the exchange's operations API. Partner settings live in domain/partner.ts. */

const ProvinceCode = z.string().regex(/^\d{2}$/, 'must be a two-digit province code');
/** An ISO instant in UTC, normalised to milliseconds so that ranges compare as text. */
const Instant = z.iso.datetime().transform((s) => new Date(s).toISOString());

export const PartnerCodeParams = z.object({ code: ProvinceCode });
export type PartnerCodeParams = z.infer<typeof PartnerCodeParams>;

export const PartnerActionParams = z.object({ code: ProvinceCode, action: z.enum(['pause', 'resume']) });
export type PartnerActionParams = z.infer<typeof PartnerActionParams>;

export const MessageIdParams = z.object({ messageId: z.string().regex(ULID_PATTERN, 'must be a ULID') });
export type MessageIdParams = z.infer<typeof MessageIdParams>;

export const MessageListQuery = z.object({
  partner: ProvinceCode.optional(),
  direction: z.enum(['inbound', 'outbound']).optional(),
  status: z.enum(['accepted', 'pending', 'waiting', 'delivered', 'failed']).optional(),
  from: Instant.optional(),
  to: Instant.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(2048).optional(),
});
export type MessageListQuery = z.infer<typeof MessageListQuery>;

/**
 * A replay: of a time range of outbound messages to a version 1 partner (`from`, `to`), or of
 * a version 2 partner's stream from a position on (`fromSequence`).
 */
export const ReplayRequest = z
  .object({
    partner: ProvinceCode,
    from: Instant.optional(),
    to: Instant.optional(),
    fromSequence: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .refine((r) => (r.fromSequence === undefined) === (r.from !== undefined && r.to !== undefined), {
    message: 'give from and to (version 1), or fromSequence (version 2)',
    path: ['fromSequence'],
  })
  .refine((r) => !r.from || !r.to || Date.parse(r.from) <= Date.parse(r.to), {
    message: 'from must not be after to',
    path: ['to'],
  });
export type ReplayRequest = z.infer<typeof ReplayRequest>;

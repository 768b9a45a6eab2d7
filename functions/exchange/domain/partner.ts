import * as z from 'zod';
import {
  ACK,
  ACK_BATCH,
  BENEFIT_ENROLLMENT_CLAIMED,
  BENEFIT_ENROLLMENT_CLEAR,
  BENEFIT_ENROLLMENT_CONFLICT,
  BIRTH_REGISTERED,
  CERTIFICATE_VERIFY_ANSWERED,
  CERTIFICATE_VERIFY_REQUESTED,
  PERSON_DECEASED,
  PERSON_RESIDENCE_ENDED,
  PERSON_RESIDENCE_REGISTERED,
} from '../../../shared/events/catalog';
import { type PartnerUrlPolicy, partnerInboxUrlProblem } from './partner-url';
import { type VerificationKey, verificationKeysFromJwks } from './signing';

/**
 * Where each message type goes once a partner's message is accepted: the queues of the
 * areas that act on it. `ack.v1` and `ack.v2` stay in the exchange (each answer is recorded
 * on the message it answers). A type absent here is not part of the protocol.
 */
export const INBOUND_ROUTES: Readonly<Record<string, readonly ('registry-inbound' | 'payout-inbound')[]>> = {
  [BIRTH_REGISTERED]: ['registry-inbound'],
  [PERSON_RESIDENCE_REGISTERED]: ['registry-inbound'],
  [PERSON_RESIDENCE_ENDED]: ['registry-inbound'],
  [PERSON_DECEASED]: ['registry-inbound', 'payout-inbound'],
  [CERTIFICATE_VERIFY_REQUESTED]: ['registry-inbound'],
  [CERTIFICATE_VERIFY_ANSWERED]: ['registry-inbound'],
  [BENEFIT_ENROLLMENT_CLAIMED]: ['payout-inbound'],
  [BENEFIT_ENROLLMENT_CONFLICT]: ['payout-inbound'],
  [BENEFIT_ENROLLMENT_CLEAR]: ['payout-inbound'],
  [ACK]: [],
  [ACK_BATCH]: [],
};

/** Every message type of the protocol. */
export const PROTOCOL_TYPES: readonly string[] = Object.keys(INBOUND_ROUTES);

/** The types of the protocol at version 1: what a partner that takes nothing newer is registered with. */
export const VERSION_1_TYPES: readonly string[] = PROTOCOL_TYPES.filter((type) => type !== ACK_BATCH);

const ProtocolType = z
  .string()
  .refine((t) => PROTOCOL_TYPES.includes(t), 'must be a message type of the protocol');

/**
 * How many types a partner's list may hold: every type of the protocol in a few major
 * versions at once (`.v1` beside `.v2` while partners move), with room to spare.
 */
export const MAX_PARTNER_TYPES = 50;

const TypeList = (direction: string) =>
  z
    .array(ProtocolType)
    .max(MAX_PARTNER_TYPES)
    .refine((types) => new Set(types).size === types.length, 'must not name a type twice')
    .describe(direction);

/** A partner's public keys as it publishes them (`/.well-known/jwks.json`). */
export const PublicJwks = z.object({
  keys: z
    .array(
      z.object({
        kid: z.string().min(1).max(64),
        kty: z.literal('OKP'),
        crv: z.literal('Ed25519'),
        x: z.string().regex(/^[\w-]{43}$/),
        use: z.literal('sig').optional(),
        alg: z.enum(['EdDSA', 'Ed25519']).optional(),
        nbf: z.number().int().optional(),
        exp: z.number().int().optional(),
      }),
    )
    .min(1),
});
export type PublicJwks = z.infer<typeof PublicJwks>;

/**
 * What an operator states when onboarding or changing a partner, checked under the
 * deployment's policy for inbox URLs (partner-url.ts).
 */
export const partnerSettings = (policy: PartnerUrlPolicy) =>
  z.object({
    /** The partner's inbox, `https://…/exchange/v1/inbox` on a public host. */
    inboxUrl: z
      .url()
      .max(2048)
      .superRefine((url, ctx) => {
        const problem = partnerInboxUrlProblem(url, policy);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    /**
     * The partner's version 2 inbox, `https://…/exchange/v2/inbox`, when it takes batches
     * (§13): messages to it are then numbered and sent in batches. Without it, version 1.
     */
    batchInboxUrl: z
      .url()
      .max(2048)
      .superRefine((url, ctx) => {
        const problem = partnerInboxUrlProblem(url, policy);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
    jwks: PublicJwks,
    inboundTypes: TypeList(
      'Types this province accepts from the partner; the inbox refuses any other with 403 type-not-allowed.',
    ),
    outboundTypes: TypeList(
      'Types this province sends the partner; a message of another type is not sent (it waits on the exchange-outbound DLQ for an operator).',
    ),
  });

/** Partner settings as every deployment accepts them: public https inboxes only. */
export const PartnerSettings = partnerSettings('public-https');
export type PartnerSettings = z.infer<typeof PartnerSettings>;

export type PartnerStatus = 'active' | 'paused';

export interface Partner extends PartnerSettings {
  /** Two-digit province code, e.g. `51`. */
  readonly code: string;
  /** `urn:cn:gov:510000:jiahe`. */
  readonly urn: string;
  readonly status: PartnerStatus;
  /** Why the stream is paused: an operator's action or exhausted delivery. */
  readonly pausedReason?: 'operator' | 'delivery-failed';
  readonly updatedAt: string;
  readonly updatedBy: string;
}

/** The partner's keys usable for verification (entries that are not Ed25519 signing keys are skipped). */
export const partnerKeys = (partner: Pick<Partner, 'jwks'>): VerificationKey[] =>
  verificationKeysFromJwks(partner.jwks);

/** Whether the partner may send us `type`. */
export const acceptsInbound = (partner: Partner, type: string): boolean =>
  partner.inboundTypes.includes(type);

/** Whether we may send `type` to the partner. */
export const allowsOutbound = (partner: Partner, type: string): boolean =>
  partner.outboundTypes.includes(type);

/** The two-digit province code in a `source`/`recipient` URN of a whole province (`urn:cn:gov:NN0000:jiahe`). */
export function partnerCodeOf(urn: string): string | undefined {
  return /^urn:cn:gov:(\d{2})0000:jiahe$/.exec(urn)?.[1];
}

import { exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import * as z from 'zod';
import { REGION_CODE_PATTERN } from '../shared/domain/region-code';
import { checkResidentId, normaliseResidentId } from '../shared/domain/resident-id';
import { STAFF_TOKEN_MAX_AGE_SECONDS, type TrustedIssuers } from '../shared/http/claims';
import { ROLES } from '../shared/manifest';

/**
 * What `POST /dev/token` accepts. A citizen token (roles `['citizen']`) stands for a
 * sign-in at the province's real-name platform: it requires the verified `residentId` and
 * carries nothing else. A staff token names staff roles and, for regional staff, a region.
 */
export const DevTokenRequest = z
  .strictObject({
    sub: z.string().min(1).max(128),
    roles: z
      .array(z.enum(ROLES as [string, ...string[]]))
      .min(1)
      .max(ROLES.length),
    region: z.string().regex(REGION_CODE_PATTERN, 'must be a 6-digit region code').optional(),
    /** The resident ID the real-name platform verified; citizens only. */
    residentId: z.string().max(18).optional(),
    /** Token lifetime; short values let tests exercise expiry. Staff tokens last at most 15 minutes. */
    expiresInSeconds: z.number().int().min(1).max(86_400).optional(),
  })
  .superRefine((request, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (!request.roles.includes('citizen')) {
      if (request.residentId !== undefined) issue('residentId', 'only a citizen token carries a resident ID');
      return;
    }
    if (request.roles.length !== 1) issue('roles', 'a citizen token carries no staff role');
    if (request.region !== undefined) issue('region', 'a citizen token carries no region');
    if (request.residentId === undefined) {
      issue('residentId', 'required for a citizen token: the real-name platform verifies it');
    } else if (!checkResidentId(normaliseResidentId(request.residentId)).ok) {
      issue('residentId', 'is not a valid resident ID (GB 11643-1999)');
    }
  });
export type DevTokenRequest = z.infer<typeof DevTokenRequest>;

/** Which platform a route trusts: citizen routes the real-name platform, staff routes the staff IdP. */
export type IssuerKind = keyof TrustedIssuers;

export interface LocalIssuer {
  /** The two issuer identifiers, as the functions are told them (`JIAHE_*_ISSUER`). */
  readonly issuers: TrustedIssuers;
  readonly audience: string;
  issue(request: DevTokenRequest): Promise<string>;
  /**
   * Verifies a token the way the deployed JWT authorizer of a route does: signature with
   * the algorithm pinned to ES256, audience, expiry, and an issuer among `accept`.
   */
  verify(token: string, accept: readonly IssuerKind[]): Promise<JWTPayload>;
  /** The key pair, so a persisted local cloud keeps accepting tokens across restarts. */
  exportKeys(): Promise<{ privateJwk: JWK; publicJwk: JWK }>;
}

/** The local issuer identifiers under a base: `<base>/dev/citizen` and `<base>/dev/staff`. */
export const localIssuers = (base: string): TrustedIssuers => ({
  citizen: `${base}/dev/citizen`,
  staff: `${base}/dev/staff`,
});

/**
 * A local stand-in for both of the province's identity platforms (which cannot run here):
 * the real-name platform signs citizen ID tokens carrying the verified `resident_id`, the
 * staff identity provider signs staff tokens carrying `roles` and `region`. ES256, one key
 * per local province. Local only; never deployed.
 */
export async function createLocalIssuer(
  base: string,
  keys?: { privateJwk: JWK; publicJwk: JWK },
): Promise<LocalIssuer> {
  const pair = keys
    ? {
        privateKey: await importJWK(keys.privateJwk, 'ES256'),
        publicKey: await importJWK(keys.publicJwk, 'ES256'),
      }
    : await generateKeyPair('ES256', { extractable: true });
  const audience = 'jiahe-local';
  const issuers = localIssuers(base);
  return {
    issuers,
    audience,
    async issue(request) {
      const citizen = request.roles.includes('citizen');
      const claims = citizen
        ? { resident_id: normaliseResidentId(request.residentId ?? '') }
        : { roles: request.roles, ...(request.region ? { region: request.region } : {}) };
      // The staff platform's sessions end with the staff token limit; the functions refuse older ones.
      const lifetime = citizen
        ? (request.expiresInSeconds ?? 3600)
        : Math.min(request.expiresInSeconds ?? STAFF_TOKEN_MAX_AGE_SECONDS, STAFF_TOKEN_MAX_AGE_SECONDS);
      return new SignJWT({ ...claims, token_use: 'id' })
        .setProtectedHeader({ alg: 'ES256', kid: 'local-1' })
        .setSubject(request.sub)
        .setIssuer(citizen ? issuers.citizen : issuers.staff)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(`${lifetime}s`)
        .sign(pair.privateKey);
    },
    async verify(token, accept) {
      const { payload } = await jwtVerify(token, pair.publicKey, {
        issuer: accept.map((kind) => issuers[kind]),
        audience,
        algorithms: ['ES256'],
      });
      return payload;
    },
    async exportKeys() {
      return { privateJwk: await exportJWK(pair.privateKey), publicJwk: await exportJWK(pair.publicKey) };
    },
  };
}

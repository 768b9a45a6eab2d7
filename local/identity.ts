import { exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import * as z from 'zod';
import { REGION_CODE_PATTERN } from '../shared/domain/region-code';
import { checkResidentId } from '../shared/domain/resident-id';
import { ROLES } from '../shared/manifest';

/** What `POST /dev/token` accepts: who the token is for, their roles and region. */
export const DevTokenRequest = z.strictObject({
  sub: z.string().min(1).max(128),
  roles: z
    .array(z.enum(ROLES as [string, ...string[]]))
    .min(1)
    .max(ROLES.length),
  region: z.string().regex(REGION_CODE_PATTERN, 'must be a 6-digit region code').optional(),
  /**
   * A citizen's verified resident ID, as the real-name platform puts it in the token
   * (`resident_id`): jiahe turns it into a person reference and acts for that family.
   */
  residentId: z
    .string()
    .refine((id) => checkResidentId(id).ok, 'must be a valid resident ID')
    .optional(),
  /** Token lifetime; short values let tests exercise expiry. */
  expiresInSeconds: z.number().int().min(1).max(86_400).optional(),
});
export type DevTokenRequest = z.infer<typeof DevTokenRequest>;

export interface LocalIssuer {
  readonly issuer: string;
  readonly audience: string;
  issue(request: DevTokenRequest): Promise<string>;
  /** Verifies signature, issuer, audience and expiry the way the JWT authorizer does. */
  verify(token: string): Promise<JWTPayload>;
  /** The key pair, so a persisted local cloud keeps accepting tokens across restarts. */
  exportKeys(): Promise<{ privateJwk: JWK; publicJwk: JWK }>;
}

/**
 * A local stand-in for the province's Cognito user pool (which cannot run here): signs
 * ES256 ID tokens carrying roles in `cognito:groups` and the staff region in
 * `custom:region`, as Cognito would. Local only; never deployed.
 */
export async function createLocalIssuer(
  issuer: string,
  keys?: { privateJwk: JWK; publicJwk: JWK },
): Promise<LocalIssuer> {
  const pair = keys
    ? {
        privateKey: await importJWK(keys.privateJwk, 'ES256'),
        publicKey: await importJWK(keys.publicJwk, 'ES256'),
      }
    : await generateKeyPair('ES256', { extractable: true });
  const audience = 'jiahe-local';
  return {
    issuer,
    audience,
    async issue(request) {
      return new SignJWT({
        'cognito:groups': request.roles,
        ...(request.region ? { 'custom:region': request.region } : {}),
        ...(request.residentId ? { resident_id: request.residentId } : {}),
        token_use: 'id',
      })
        .setProtectedHeader({ alg: 'ES256', kid: 'local-1' })
        .setSubject(request.sub)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(`${request.expiresInSeconds ?? 3600}s`)
        .sign(pair.privateKey);
    },
    async verify(token) {
      const { payload } = await jwtVerify(token, pair.publicKey, { issuer, audience, algorithms: ['ES256'] });
      return payload;
    },
    async exportKeys() {
      return { privateJwk: await exportJWK(pair.privateKey), publicJwk: await exportJWK(pair.publicKey) };
    },
  };
}

/**
 * Where the API's callers sign in, per deployment (docs/deployment.md#identity). Citizens
 * sign in at the province's real-name government-service platform, staff at the
 * government's staff identity provider: two OpenID Connect issuers, each checked by its
 * own API Gateway JWT authorizer. Cognito user pools are an alternative only where they
 * exist, which is not the AWS China partition.
 */

/** One OIDC issuer and the audience (`aud`, jiahe's client id there) its tokens must carry. */
export interface OidcIssuer {
  readonly issuer: string;
  readonly audience: string;
}

export type IdentityConfig =
  | { readonly kind: 'oidc'; readonly citizen: OidcIssuer; readonly staff: OidcIssuer }
  | { readonly kind: 'cognito' };

/** The CDK context keys read here. */
export const IDENTITY_CONTEXT = [
  'identity',
  'citizen-issuer',
  'citizen-audience',
  'staff-issuer',
  'staff-audience',
] as const;
export type IdentityContextKey = (typeof IDENTITY_CONTEXT)[number];

/** `jiahe-p33-citizen`: the audience when `citizen-audience` is not given. */
export const defaultAudience = (province: string, who: 'citizen' | 'staff'): string =>
  `jiahe-p${province}-${who}`;

const ISSUER_HELP: Readonly<Record<'citizen' | 'staff', string>> = {
  citizen: "the https issuer URL of the province's real-name identity platform (citizens)",
  staff: "the https issuer URL of the government's staff identity provider (staff)",
};

/** The AWS partition a region belongs to, when the region is known. */
export const partitionOf = (region: string | undefined): 'aws' | 'aws-cn' | undefined =>
  region === undefined ? undefined : region.startsWith('cn-') ? 'aws-cn' : 'aws';

/**
 * Checks an issuer as API Gateway's JWT authorizer will use it: an https URL with a host,
 * whose `/.well-known/openid-configuration` the authorizer fetches. Taken exactly as given
 * (a trailing slash counts): the tokens' `iss` must equal it character for character.
 */
function parseIssuer(key: string, value: unknown, help: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new Error(`Missing context "${key}" (${help}): pass it as -c ${key}=https://…`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`Context "${key}" must be an https URL (${help}), got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'https:' || url.hostname === '' || url.username || url.password) {
    throw new Error(`Context "${key}" must be an https URL without credentials (${help}), got ${value}`);
  }
  if (url.search || url.hash) {
    throw new Error(`Context "${key}" must not have a query or fragment: the token's "iss" must equal it`);
  }
  return value;
}

/** An audience: a client id as the issuer knows it (printable, no spaces). */
function parseAudience(key: string, value: unknown, fallback: string): string {
  if (value === undefined || value === '') return fallback;
  if (typeof value !== 'string' || !/^[\x21-\x7e]{1,256}$/.test(value)) {
    throw new Error(
      `Context "${key}" must be a client id of 1 to 256 printable characters, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * Reads and validates the identity context of one deployment. Default is OIDC, which needs
 * both issuers; `identity=cognito` builds user pools instead and is refused where Cognito
 * does not exist (the aws-cn partition) or where the partition is not known.
 */
export function parseIdentity(
  context: (key: IdentityContextKey) => unknown,
  province: string,
  region: string | undefined,
): IdentityConfig {
  const kind = context('identity') ?? 'oidc';
  if (kind === 'cognito') {
    const partition = partitionOf(region);
    if (partition === 'aws-cn') {
      throw new Error(
        `Context "identity=cognito" is not possible in ${region}: Amazon Cognito user pools do not exist ` +
          'in the AWS China regions. Use the OIDC issuers instead: -c citizen-issuer=https://… -c staff-issuer=https://…',
      );
    }
    if (partition === undefined) {
      throw new Error(
        'Context "identity=cognito" needs an explicit region outside China (-c region=…), since Cognito user pools ' +
          'exist only there',
      );
    }
    for (const key of IDENTITY_CONTEXT.filter((k) => k !== 'identity')) {
      if (context(key) !== undefined)
        throw new Error(
          `Context "${key}" has no meaning with identity=cognito: the user pools are the issuers`,
        );
    }
    return { kind: 'cognito' };
  }
  if (kind !== 'oidc') {
    throw new Error(
      `Context "identity" must be "oidc" (the default) or "cognito", got ${JSON.stringify(kind)}`,
    );
  }
  const citizen: OidcIssuer = {
    issuer: parseIssuer('citizen-issuer', context('citizen-issuer'), ISSUER_HELP.citizen),
    audience: parseAudience(
      'citizen-audience',
      context('citizen-audience'),
      defaultAudience(province, 'citizen'),
    ),
  };
  const staff: OidcIssuer = {
    issuer: parseIssuer('staff-issuer', context('staff-issuer'), ISSUER_HELP.staff),
    audience: parseAudience('staff-audience', context('staff-audience'), defaultAudience(province, 'staff')),
  };
  // The API tells a citizen's token from a staff member's by its issuer alone.
  if (citizen.issuer === staff.issuer) {
    throw new Error(
      'Contexts "citizen-issuer" and "staff-issuer" must differ: the API tells citizens from staff by the issuer',
    );
  }
  return { kind: 'oidc', citizen, staff };
}

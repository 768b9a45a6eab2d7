import { z } from 'zod';

/** How a deployment's console signs in, served beside it as `config.json` (console/src/auth/settings.ts). */
export interface ConsoleSignIn {
  readonly province: string;
  readonly issuer: string;
  readonly clientId: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
}

const httpsUrl = z.url({ protocol: /^https$/, hostname: z.regexes.domain });

/** The part of an OpenID provider's metadata (OpenID Connect Discovery 1.0, §3) the console uses. */
const ProviderMetadata = z.object({
  issuer: z.string(),
  authorization_endpoint: httpsUrl,
  token_endpoint: httpsUrl,
});

export class SignInDiscoveryError extends Error {
  override readonly name = 'SignInDiscoveryError';
}

/**
 * The console's sign-in settings, read from the staff issuer's discovery document, as API
 * Gateway's JWT authorizer reads it for the same issuer. Checks, in order: the document is
 * there, its endpoints are https URLs, and it names the same issuer character for character
 * (Discovery §4.3: otherwise the document is not that issuer's). Throws SignInDiscoveryError.
 */
export async function discoverConsoleSignIn(options: {
  readonly province: string;
  readonly issuer: string;
  readonly clientId: string;
  readonly fetch?: typeof fetch;
}): Promise<ConsoleSignIn> {
  const url = `${options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const response = await (options.fetch ?? fetch)(url, {
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(5_000),
  }).catch((cause: unknown) => {
    throw new SignInDiscoveryError(`The staff issuer's discovery document did not answer: ${url}`, { cause });
  });
  if (!response.ok) {
    throw new SignInDiscoveryError(
      `The staff issuer's discovery document answered ${response.status}: ${url}`,
    );
  }
  const parsed = ProviderMetadata.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) {
    throw new SignInDiscoveryError(
      `The staff issuer's discovery document lacks https authorization and token endpoints: ${url}`,
      { cause: parsed.error },
    );
  }
  if (parsed.data.issuer !== options.issuer) {
    throw new SignInDiscoveryError(
      `The discovery document at ${url} names the issuer ${parsed.data.issuer}, not ${options.issuer}`,
    );
  }
  return {
    province: options.province,
    issuer: options.issuer,
    clientId: options.clientId,
    authorizationEndpoint: parsed.data.authorization_endpoint,
    tokenEndpoint: parsed.data.token_endpoint,
  };
}

import type { AreaManifest } from '../shared/manifest';

/** A complete synthesis, as the error for missing context shows it. */
export const SYNTH_EXAMPLE =
  'npx cdk synth -c province=33 -c region=cn-northwest-1 -c account=123456789012 ' +
  '-c payout-bank-url=https://bank.example.cn/h2h ' +
  '-c payout-configuration=docs/examples/payout-configuration.33.json ' +
  '-c citizen-issuer=https://id.example.gov.cn ' +
  '-c staff-issuer=https://staff-id.example.gov.cn';

/**
 * The required context values that are not given, all of them at once, so an operator
 * fixes the command in one go: the settings some function needs, and the two issuers
 * unless `identity=cognito`. Their formats are checked afterwards, each by its own parser.
 */
export function missingContext(
  context: (key: string) => string | undefined,
  manifests: readonly AreaManifest[],
): string[] {
  const settings = new Set(manifests.flatMap((m) => m.functions.flatMap((fn) => fn.settings ?? [])));
  const issuers = context('identity') === 'cognito' ? [] : ['citizen-issuer', 'staff-issuer'];
  return [...settings, ...issuers].filter((key) => context(key) === undefined);
}

/** The message for missing context: each name, and a complete example command. */
export const missingContextMessage = (missing: readonly string[]): string =>
  `Missing context ${missing.map((k) => `"${k}"`).join(', ')} (docs/deployment.md lists each). ` +
  `A complete synthesis passes every value, e.g.:\n  ${SYNTH_EXAMPLE}`;

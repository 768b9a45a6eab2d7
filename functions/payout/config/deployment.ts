import * as z from 'zod';
import { Scheme, validateScheme } from '../domain/schemes';

/** The paying account: the province's benefit account at its bank (ISO 20022 Dbtr / DbtrAcct / DbtrAgt). */
export const DebtorAccount = z.strictObject({
  name: z.string().trim().min(1).max(140),
  accountNumber: z.string().regex(/^\d{10,30}$/, 'account number of 10 to 30 digits'),
  /** CNAPS member id of the debtor's bank (12 digits). */
  bankCode: z.string().regex(/^\d{12}$/, 'CNAPS member id of 12 digits'),
});
export type DebtorAccount = z.infer<typeof DebtorAccount>;

/**
 * What a province's payout deployment pays and from where: its debtor account and its
 * benefit schemes with their versioned rules and amounts. An operator writes it as JSON
 * (docs/deployment.md); the CDK app validates it at synth (`-c payout-configuration=<file>`)
 * and bundles it into the functions that need it, which validate it again at start.
 */
export const PayoutConfiguration = z.strictObject({
  province: z.string().regex(/^\d{2}$/, 'two-digit province code'),
  debtor: DebtorAccount,
  schemes: z.array(Scheme).min(1),
  /**
   * The most enrolments one batch holds (default DEFAULT_BATCH_LINE_CAP, 20,000): a county
   * with more is split into batches of this size, each planned, approved and paid on its own.
   */
  batchLineCap: z.number().int().min(100).max(100_000).optional(),
});
export type PayoutConfiguration = z.infer<typeof PayoutConfiguration>;

/** A configuration that cannot be used, with every problem found. */
export class PayoutConfigurationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`payout configuration is not usable:\n- ${problems.join('\n- ')}`);
    this.name = 'PayoutConfigurationError';
  }
}

/**
 * Parses and checks a payout configuration for `province`: the shape (zod), each scheme's
 * cross-field rules (errors only; warnings do not stop a deployment), unique scheme codes,
 * and that it is this province's configuration. Throws PayoutConfigurationError listing
 * every problem.
 */
export function parsePayoutConfiguration(text: string, province: string): PayoutConfiguration {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PayoutConfigurationError(['not JSON']);
  }
  const parsed = PayoutConfiguration.safeParse(json);
  if (!parsed.success) {
    throw new PayoutConfigurationError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  const config = parsed.data;
  const problems: string[] = [];
  if (config.province !== province)
    problems.push(`province: the configuration is for ${config.province}, this deployment is ${province}`);
  const codes = config.schemes.map((s) => s.code);
  for (const code of new Set(codes))
    if (codes.filter((c) => c === code).length > 1) problems.push(`schemes: code ${code} appears twice`);
  for (const scheme of config.schemes)
    for (const problem of validateScheme(scheme))
      if (problem.severity === 'error') problems.push(`schemes.${scheme.code}: ${problem.message}`);
  if (problems.length > 0) throw new PayoutConfigurationError(problems);
  return config;
}

let loaded: { province: string | undefined; config: PayoutConfiguration } | undefined;

/**
 * This deployment's payout configuration. In AWS it is bundled into the function at synth
 * (esbuild replaces `process.env.PAYOUT_CONFIGURATION` with the validated JSON, which would
 * not fit Lambda's 4 KB environment); the local cloud and the tests pass the example
 * configuration in the environment. Checked against the deployment's province when
 * `JIAHE_PROVINCE` is set; read once per process.
 */
export function payoutConfiguration(): PayoutConfiguration {
  if (loaded) return loaded.config;
  const text = process.env.PAYOUT_CONFIGURATION;
  if (!text)
    throw new PayoutConfigurationError([
      'no payout configuration: synthesize with -c payout-configuration=<file> (docs/deployment.md)',
    ]);
  const province = process.env.JIAHE_PROVINCE;
  const json = JSON.parse(text) as { province?: string };
  const config = parsePayoutConfiguration(text, province ?? json.province ?? '');
  loaded = { province, config };
  return config;
}

import { createPrivateKey, X509Certificate } from 'node:crypto';
import * as z from 'zod';
import { certificatesOf } from '../domain/bank-trust';

const Pem = (label: string) =>
  z
    .string()
    .trim()
    .refine((v) => v.includes(`-----BEGIN ${label}`) || v.includes('PRIVATE KEY-----'), {
      message: `expected PEM (${label})`,
    });

/**
 * The `payout-bank-client` secret (JSON, in Secrets Manager): this province's client
 * certificate and private key (PEM) for the bank's host-to-host channel.
 */
export const BankClientSecret = z.strictObject({
  certificate: Pem('CERTIFICATE'),
  privateKey: Pem('PRIVATE KEY'),
});
export type BankClientSecret = z.infer<typeof BankClientSecret>;

/**
 * The channel as the rail uses it: the client certificate and key, and the bank's CA
 * certificates (PEM, one or more, the `payout-bank-ca` secret), which both the bank's TLS
 * server certificate and its report-signing certificate must be issued by. Two CAs may be
 * listed while the bank rotates its CA.
 */
export interface BankChannelCredentials {
  readonly clientCertificate: string;
  readonly clientKey: string;
  readonly bankCa: string;
}

/** A channel secret that cannot be used: says what is wrong, never the key. */
export class BankChannelConfigurationError extends Error {}

/** Reads the `payout-bank-ca` secret: a PEM bundle of at least one certificate. */
export function parseBankCa(text: string): { pem: string; certificates: X509Certificate[] } {
  let certificates: X509Certificate[];
  try {
    certificates = certificatesOf(text);
  } catch (cause) {
    throw new BankChannelConfigurationError('payout-bank-ca holds an unreadable certificate', { cause });
  }
  if (certificates.length === 0)
    throw new BankChannelConfigurationError('payout-bank-ca holds no PEM certificate');
  return { pem: text.trim(), certificates };
}

/**
 * Parses and checks the channel secrets at start: well-formed, the key belongs to the
 * certificate, the certificate is valid now, and at least one bank CA. A deployment with a
 * broken channel fails its cold start loudly instead of sending files the bank will refuse.
 */
export function parseBankChannel(clientText: string, caText: string, now: Date): BankChannelCredentials {
  let json: unknown;
  try {
    json = JSON.parse(clientText);
  } catch (cause) {
    throw new BankChannelConfigurationError('payout-bank-client is not JSON', { cause });
  }
  const parsed = BankClientSecret.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new BankChannelConfigurationError(`payout-bank-client is incomplete: ${fields.join('; ')}`);
  }
  const client = parsed.data;
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(client.certificate);
    const key = createPrivateKey(client.privateKey);
    if (!certificate.checkPrivateKey(key))
      throw new BankChannelConfigurationError(
        'payout-bank-client: privateKey does not belong to certificate',
      );
  } catch (cause) {
    if (cause instanceof BankChannelConfigurationError) throw cause;
    throw new BankChannelConfigurationError('payout-bank-client: unreadable certificate or privateKey', {
      cause,
    });
  }
  if (now < new Date(certificate.validFrom) || now > new Date(certificate.validTo)) {
    throw new BankChannelConfigurationError(
      `payout-bank-client: the certificate is valid ${certificate.validFrom} to ${certificate.validTo}`,
    );
  }
  const ca = parseBankCa(caText);
  return { clientCertificate: client.certificate, clientKey: client.privateKey, bankCa: ca.pem };
}

import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(globalThis.crypto);

/** A certificate and its private key, both PEM. */
export interface IssuedCertificate {
  readonly certificate: string;
  readonly privateKey: string;
}

/** The local bank's trust material: its CA, its TLS server certificate and its report-signing certificate. */
export interface LocalBankPki {
  readonly ca: IssuedCertificate;
  readonly server: IssuedCertificate;
  readonly reportSigner: IssuedCertificate;
}

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;
/** RFC 9336 id-kp-documentSigning: what a bank report signature needs, and a TLS certificate lacks. */
export const DOCUMENT_SIGNING = '1.3.6.1.5.5.7.3.36';
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

const pemKey = async (key: CryptoKey) =>
  x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');

const importKey = (pem: string) =>
  webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(pem), EC, false, ['sign']);

/**
 * Local certificates start five years back: tests run the payout on injected clocks in the
 * past, and a report signed by a certificate not yet valid at that instant would be refused.
 */
const BACKDATED_DAYS = 5 * 365;

async function issue(
  issuer: { certificate: x509.X509Certificate; key: CryptoKey },
  subject: string,
  usage: string,
  extra: x509.Extension[] = [],
): Promise<IssuedCertificate> {
  const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.create({
    subject,
    issuer: issuer.certificate.subject,
    notBefore: new Date(now - BACKDATED_DAYS * DAY),
    notAfter: new Date(now + 825 * DAY),
    publicKey: keys.publicKey,
    signingKey: issuer.key,
    signingAlgorithm: EC,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([usage], false),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.certificate, false),
      ...extra,
    ],
  });
  return { certificate: certificate.toString('pem'), privateKey: await pemKey(keys.privateKey) };
}

async function issuerOf(ca: IssuedCertificate) {
  return { certificate: new x509.X509Certificate(ca.certificate), key: await importKey(ca.privateKey) };
}

/**
 * A fresh local CA (ECDSA P-256, valid from five years back to ten years on) with the bank's TLS
 * server certificate for 127.0.0.1 and its report-signing certificate. Generated at start,
 * never committed; kept with `--persist` like the exchange keys.
 */
export async function createLocalBankPki(): Promise<LocalBankPki> {
  const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const caCertificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=jiahe local bank CA, O=jiahe local cloud',
    notBefore: new Date(now - BACKDATED_DAYS * DAY),
    notAfter: new Date(now + 3650 * DAY),
    keys,
    signingAlgorithm: EC,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const ca = { certificate: caCertificate.toString('pem'), privateKey: await pemKey(keys.privateKey) };
  const issuer = { certificate: caCertificate, key: keys.privateKey };
  const server = await issue(issuer, 'CN=127.0.0.1, O=jiahe local bank', SERVER_AUTH, [
    new x509.SubjectAlternativeNameExtension([
      { type: 'ip', value: '127.0.0.1' },
      { type: 'dns', value: 'localhost' },
    ]),
  ]);
  const reportSigner = await issue(
    issuer,
    'CN=jiahe local bank reports, O=jiahe local bank',
    DOCUMENT_SIGNING,
  );
  return { ca, server, reportSigner };
}

/** A client certificate for one customer of the bank (a province), issued by `ca`. */
export async function issueClientCertificate(
  ca: IssuedCertificate,
  customer: string,
): Promise<IssuedCertificate> {
  return issue(await issuerOf(ca), `CN=${customer}, O=jiahe`, CLIENT_AUTH);
}

/** A certificate from a CA the bank does not know: what an impostor would present. */
export async function selfIssuedCertificate(subject: string): Promise<IssuedCertificate> {
  const other = await createLocalBankPki();
  return issueClientCertificate(other.ca, subject);
}

/** Whether a persisted value is a complete PKI (older local data has none). */
export function isLocalBankPki(value: unknown): value is LocalBankPki {
  const ok = (c: unknown) => typeof c === 'object' && c !== null && 'certificate' in c && 'privateKey' in c;
  const v = value as Partial<LocalBankPki> | undefined;
  return !!v && ok(v.ca) && ok(v.server) && ok(v.reportSigner);
}

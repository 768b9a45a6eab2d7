import { createVerify, X509Certificate } from 'node:crypto';
import { ValidationError } from '../../../shared/domain/errors';

/** RFC 9336 id-kp-documentSigning: the purpose a bank certificate needs to sign reports. */
export const DOCUMENT_SIGNING_PURPOSE = '1.3.6.1.5.5.7.3.36';

/** The bank's detached signature over a report's exact bytes, with the certificate that made it. */
export interface BankSignature {
  /** ECDSA (P-256, SHA-256) or RSA signature, base64. */
  readonly signature: string;
  /** The signing certificate, base64 DER or PEM. */
  readonly certificate: string;
}

/** Why a status report was refused; for the alert, never for the caller. */
export type ReportRefusal =
  | 'malformed'
  | 'unsigned'
  | 'untrusted-signer'
  | 'bad-signature'
  | 'unknown-original'
  | 'another-file'
  | 'unknown-transaction'
  | 'repeated-transaction';

/**
 * A status report that is not a verified answer to a file this province sent. The caller
 * learns only that; the reason goes to the alert. Nothing was changed.
 */
export class BankReportRefusedError extends ValidationError {
  constructor(
    readonly reason: ReportRefusal,
    options?: { cause?: unknown },
  ) {
    super(
      {
        en: 'The document is not a bank-signed pain.002.001.10 status report of a file this province sent.',
        zh: '该文件不是银行签名的、针对本省已发送文件的 pain.002.001.10 状态报告。',
      },
      [{ field: 'document', message: 'not a verified status report of a sent file' }],
    );
    if (options?.cause) this.cause = options.cause;
  }
}

/** The bank's CA certificates, which its report-signing certificates must be issued by. */
export interface BankTrust {
  readonly bankCa: readonly X509Certificate[];
}

/** Reads a PEM bundle of one or more certificates. */
export function certificatesOf(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => new X509Certificate(block));
}

function signerOf(certificate: string): X509Certificate {
  const text = certificate.trim();
  return new X509Certificate(text.startsWith('-----') ? text : Buffer.from(text, 'base64'));
}

/**
 * Checks a report signer: issued and signed by one of the bank's CAs, valid at `now`, and
 * meant for signing documents (a TLS certificate of the same bank does not qualify).
 * Throws BankReportRefusedError('untrusted-signer') otherwise.
 */
export function trustedSigner(trust: BankTrust, certificate: string, now: Date): X509Certificate {
  let signer: X509Certificate;
  try {
    signer = signerOf(certificate);
  } catch (cause) {
    throw new BankReportRefusedError('untrusted-signer', { cause });
  }
  const issued = trust.bankCa.some((ca) => signer.checkIssued(ca) && signer.verify(ca.publicKey));
  const valid = new Date(signer.validFrom) <= now && now <= new Date(signer.validTo);
  const purpose = (signer.keyUsage ?? []).includes(DOCUMENT_SIGNING_PURPOSE);
  if (!issued || !valid || !purpose) throw new BankReportRefusedError('untrusted-signer');
  return signer;
}

/**
 * A streaming check of the bank's signature over a document: `update` with each piece as
 * it arrives, `verify` at the end. Throws BankReportRefusedError unless a trusted signer
 * signed exactly these bytes.
 */
export function reportSignatureCheck(trust: BankTrust, signature: BankSignature | undefined, now: Date) {
  if (!signature?.signature || !signature.certificate) throw new BankReportRefusedError('unsigned');
  const signer = trustedSigner(trust, signature.certificate, now);
  const verifier = createVerify('sha256');
  return {
    update(chunk: string): void {
      verifier.update(chunk, 'utf8');
    },
    verify(): void {
      let ok = false;
      try {
        ok = verifier.verify(signer.publicKey, Buffer.from(signature.signature, 'base64'));
      } catch (cause) {
        throw new BankReportRefusedError('bad-signature', { cause });
      }
      if (!ok) throw new BankReportRefusedError('bad-signature');
    },
  };
}

import type { CertificateVerifyAnswered } from '../../../shared/events/catalog';
import { type Certificate, verificationOf } from './certificate';
import type { OutboxMessage } from './outbox';

/**
 * A registrar's question to another province: is the certificate with this verification
 * code valid? Pending until that province answers (certificate.verify-answered).
 */
export interface RemoteVerification {
  readonly requestId: string;
  readonly province: string;
  readonly status: 'pending' | 'answered';
  readonly requestedBy: string;
  /** The asking office's region: staff whose region covers it may read the answer. */
  readonly requestedIn: string;
  readonly requestedAt: string;
  readonly answeredAt?: string;
  /** What the issuing province's public verify route would show, and nothing more. */
  readonly answer?: Omit<CertificateVerifyAnswered, 'requestId'>;
}

/**
 * The answer to another province's verification request: exactly what the public verify
 * route shows for the code (validity, kind, issue date, issuing region, masked name).
 */
export function verifyAnswerOf(
  requestId: string,
  certificate: Certificate | undefined,
): CertificateVerifyAnswered {
  if (!certificate) return { requestId, found: false, valid: false };
  const shown = verificationOf(certificate);
  return {
    requestId,
    found: true,
    valid: shown.valid,
    kind: shown.kind,
    issuedAt: shown.issuedAt,
    issuingRegion: shown.issuingRegion,
    holderNameMasked: shown.holderNameMasked,
  };
}

/** The request once answered; undefined when it already was (a repeated answer changes nothing). */
export function answerVerification(
  request: RemoteVerification,
  answer: CertificateVerifyAnswered,
  at: string,
): RemoteVerification | undefined {
  if (request.status === 'answered') return undefined;
  const { requestId: _id, ...shown } = answer;
  return { ...request, status: 'answered', answeredAt: at, answer: shown };
}

/** Where remote verifications are kept. */
export interface RemoteVerificationStore {
  find(requestId: string): Promise<RemoteVerification | undefined>;
  /** Stores a new request together with the message that asks it (one transaction). */
  request(verification: RemoteVerification, message: OutboxMessage): Promise<void>;
}

import * as z from 'zod';
import type { FieldEnvelope } from '../../../shared/crypto/field-envelope';
import type { BankAccount } from '../domain/enrollment';
import type { BankAccountVault } from '../domain/ports';

/** What a sealed account holds once opened; checked, since a key holder could seal anything. */
export const OpenedBankAccount = z.object({
  accountNumber: z.string().regex(/^\d{10,30}$/),
  holderName: z.string().min(1).max(100),
  bankCode: z.string().regex(/^\d{12}$/),
});

/** How many accounts are opened at once: data keys not in the cache cost a KMS call each. */
const OPEN_CONCURRENCY = 16;

/**
 * Bank accounts of enrolments sealed under the field keys, each bound to its enrolment: an
 * account copied into another enrolment does not open there.
 */
export function sealedBankAccounts(envelope: FieldEnvelope): BankAccountVault {
  const binding = (enrollmentId: string) => ({ field: 'payout/bank-account' as const, record: enrollmentId });
  const open = async (e: { enrollmentId: string; bankAccount: { encrypted: string } }) =>
    OpenedBankAccount.parse(
      JSON.parse(await envelope.open(e.bankAccount.encrypted, binding(e.enrollmentId))),
    ) satisfies BankAccount;
  return {
    currentKeyId: envelope.currentKeyId,
    seal: ({ accountNumber, holderName, bankCode }, enrollmentId) =>
      envelope.seal(JSON.stringify({ accountNumber, holderName, bankCode }), binding(enrollmentId)),
    open,
    async openMany(enrollments) {
      const out: BankAccount[] = new Array(enrollments.length);
      let next = 0;
      const worker = async () => {
        while (next < enrollments.length) {
          const k = next++;
          out[k] = await open(enrollments[k] as (typeof enrollments)[number]);
        }
      };
      await Promise.all(Array.from({ length: Math.min(OPEN_CONCURRENCY, enrollments.length) }, worker));
      return out;
    },
    keyIdOf: (e) => envelope.keyIdOf(e.bankAccount.encrypted),
  };
}

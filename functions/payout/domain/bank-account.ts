import { createHmac } from 'node:crypto';
import {
  type BankAccount,
  type Enrollment,
  maskAccount,
  maskName,
  periodOnOrAfter,
  type StoredBankAccount,
} from './enrollment';
import type { BankAccountVault } from './ports';

/**
 * The fingerprint of an account: HMAC-SHA256 of bank code and account number under the
 * `payout-fingerprint-key`, base64url. Equal accounts give equal fingerprints, so a batch
 * can tell whether a line pays the account the last payment went to, while the fingerprint
 * itself reveals nothing of the account to anyone without the key. The holder name is left
 * out: the bank pays by account, and a new spelling of a name is not a new account.
 */
export function accountFingerprint(
  key: string,
  account: Pick<BankAccount, 'bankCode' | 'accountNumber'>,
): string {
  if (key.length < 32) throw new Error('account fingerprint key is too short');
  return createHmac('sha256', key).update(`${account.bankCode}:${account.accountNumber}`).digest('base64url');
}

/** What the enrolments API needs to store an account: the field-key vault and the fingerprint key. */
export interface AccountSealer {
  readonly accounts: Pick<BankAccountVault, 'seal' | 'open'>;
  readonly fingerprintKey: string;
}

/**
 * An account as it is stored: sealed whole and bound to its enrolment, masked for display,
 * fingerprinted for comparison.
 */
export async function sealBankAccount(
  sealer: AccountSealer,
  account: BankAccount,
  enrollmentId: string,
): Promise<StoredBankAccount> {
  return {
    encrypted: await sealer.accounts.seal(account, enrollmentId),
    accountMasked: maskAccount(account.accountNumber),
    holderMasked: maskName(account.holderName),
    fingerprint: accountFingerprint(sealer.fingerprintKey, account),
  };
}

/**
 * The fingerprint of an account number typed again, at the bank of a stored account: how a
 * citizen re-confirms a new account without the bank being asked twice.
 */
export async function retypedFingerprint(
  sealer: AccountSealer,
  stored: { readonly enrollmentId: string; readonly bankAccount: StoredBankAccount },
  accountNumber: string,
): Promise<string> {
  const { bankCode } = await sealer.accounts.open(stored);
  return accountFingerprint(sealer.fingerprintKey, { bankCode, accountNumber });
}

/**
 * The account that pays a period of an enrolment: the current one from its first period
 * on, otherwise the latest earlier account whose first period the period reaches. A change
 * made while a period was planned leaves that period with the account it was planned on.
 */
export function accountInForce(enrollment: Enrollment, period: string): StoredBankAccount {
  if (!enrollment.accountFromPeriod || periodOnOrAfter(period, enrollment.accountFromPeriod)) {
    return enrollment.bankAccount;
  }
  const earlier = [...(enrollment.earlierAccounts ?? [])].reverse();
  const match = earlier.find((e) => !e.fromPeriod || periodOnOrAfter(period, e.fromPeriod));
  return match?.account ?? earlier.at(-1)?.account ?? enrollment.bankAccount;
}

/** Whether an enrolment's account has ever been changed (only then can a line's account differ from the last paid). */
export const accountEverChanged = (enrollment: Enrollment): boolean =>
  enrollment.actions.some((a) => a.type === 'account-changed');

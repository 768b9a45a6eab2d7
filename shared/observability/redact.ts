import { RESIDENT_ID_IN_TEXT } from '../domain/resident-id';

/**
 * Keys whose values never reach a log line, whatever they hold: identifiers of a person
 * (resident ID, the cross-province person reference), bank details and credentials.
 */
const SECRET_KEY =
  /resident.?id|id.?card|person.?ref|bank|account.?(no|number)|authorization|token|secret|password|cookie/i;

/**
 * Keys holding a person's name: `name` itself and the names of a role (`holderName`,
 * `creditorName`, `motherName`, `fullName`, …). Names cannot be told from other words by
 * pattern (Chinese names are two to four ordinary characters), so they go by key; names of
 * things (`tableName`, `serviceName`, `issuingRegionName`) stay readable.
 */
const PERSON_NAME_KEY =
  /^(?:(?:full|given|family|sur|holder|creditor|debtor|mother|father|child|parent|spouse|applicant|beneficiary|person|citizen|registrant|owner|account|contact)[_-]?)?names?$/i;

/**
 * Bank card and account numbers: 10 to 30 digits (cards have 16–19, Chinese settlement
 * accounts up to 30, some savings accounts 10), alone or grouped by spaces or dashes, not
 * part of a longer token (so UUIDs and hex ids survive).
 */
const ACCOUNT_IN_TEXT = /(?<![\w-])\d(?:[ -]?\d){9,29}(?![\w-])/g;
const BEARER_IN_TEXT = /bearer\s+[\w.~+/-]+=*/gi;
const JWT_IN_TEXT = /eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]+/g;

export const REDACTED = '[redacted]';

/** Replaces anything in free text that looks like a resident ID, account number or token. */
export function redactText(text: string): string {
  return text
    .replace(JWT_IN_TEXT, REDACTED)
    .replace(BEARER_IN_TEXT, `Bearer ${REDACTED}`)
    .replace(RESIDENT_ID_IN_TEXT, REDACTED)
    .replace(ACCOUNT_IN_TEXT, REDACTED);
}

/** Whether a key's value is withheld whole (by field), whatever it holds. */
export function isSensitiveKey(key: string): boolean {
  return key !== '' && (SECRET_KEY.test(key) || PERSON_NAME_KEY.test(key));
}

/**
 * A JSON replacer for the logger: redacts values under sensitive keys (by field) and
 * scrubs strings everywhere else (by pattern), so a careless `logger.info({ body })`
 * still cannot leak a resident ID, an account number or a name.
 */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (isSensitiveKey(key) && value !== null && value !== undefined && typeof value !== 'boolean') {
    return REDACTED;
  }
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'bigint') return value.toString();
  return value;
}

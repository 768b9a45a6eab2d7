import { RESIDENT_ID_IN_TEXT } from '../domain/resident-id';

/** Keys whose values never reach a log line, whatever they hold. */
const SECRET_KEY =
  /resident.?id|id.?card|bank|account.?(no|number)|authorization|token|secret|password|cookie/i;

/**
 * Bank card and account numbers: 12 to 19 digits, alone or grouped by spaces or dashes,
 * not part of a longer token (so UUIDs and hex ids survive).
 */
const ACCOUNT_IN_TEXT = /(?<![\w-])\d(?:[ -]?\d){11,18}(?![\w-])/g;
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

/**
 * A JSON replacer for the logger: redacts values under sensitive keys and scrubs strings,
 * so a careless `logger.info({ body })` still cannot leak a resident ID.
 */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (
    key !== '' &&
    SECRET_KEY.test(key) &&
    value !== null &&
    value !== undefined &&
    typeof value !== 'boolean'
  ) {
    return REDACTED;
  }
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'bigint') return value.toString();
  return value;
}

import { type MessageKey, zh } from '../i18n/messages';

/** One entry of a record's history (a registration's, an enrolment's, a batch's), as shown. */
export interface HistoryEntry {
  readonly type: string;
  readonly by?: string;
  readonly at?: string;
  readonly reason?: string;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

/**
 * A history as the API answers it (its entries' shape is open in the contract), oldest
 * first: each entry's type, who, when and why, whatever else it carries.
 */
export const readHistory = (value: unknown): HistoryEntry[] =>
  (Array.isArray(value) ? value : []).map((entry) => {
    const e = (entry && typeof entry === 'object' ? entry : {}) as Record<string, unknown>;
    const by = text(e.by);
    const at = text(e.at);
    const reason = text(e.reason);
    return {
      type: text(e.type) ?? '?',
      ...(by ? { by } : {}),
      ...(at ? { at } : {}),
      ...(reason ? { reason } : {}),
    };
  });

/** The words for an entry's type, when the console has them; a type it does not know shows as it is. */
export const historyLabel = (type: string): MessageKey | undefined =>
  `history.${type}` in zh ? (`history.${type}` as MessageKey) : undefined;

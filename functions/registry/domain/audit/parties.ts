import type { AuditCode, AuditFinding, BirthRegistrationFacts, ParentFacts, Severity } from './types';

/** The people a birth registration names. */
export type Party = 'child' | 'mother' | 'father';

/** How messages name each party, in both languages. */
export const PARTY_LABEL: Readonly<
  Record<Party, { readonly zh: string; readonly en: string; readonly enPossessive: string }>
> = {
  child: { zh: '孩子', en: 'the child', enPossessive: "the child's" },
  mother: { zh: '母亲', en: 'the mother', enPossessive: "the mother's" },
  father: { zh: '父亲', en: 'the father', enPossessive: "the father's" },
};

/** The parents the registration names: always the mother, the father when given. */
export function parentsOf(
  facts: BirthRegistrationFacts,
): readonly (readonly ['mother' | 'father', ParentFacts])[] {
  return facts.father === undefined
    ? [['mother', facts.mother]]
    : [
        ['mother', facts.mother],
        ['father', facts.father],
      ];
}

/** Builds a finding; the English message gets a capital first letter whatever it starts with. */
export function finding(
  code: AuditCode,
  severity: Severity,
  field: string,
  zh: string,
  en: string,
): AuditFinding {
  return { code, severity, field, message: { zh, en: en.charAt(0).toUpperCase() + en.slice(1) } };
}

/** A value that is missing or only whitespace counts as not given: forms send `''` for blanks. */
export const isBlank = (value: unknown): boolean => typeof value !== 'string' || value.trim() === '';

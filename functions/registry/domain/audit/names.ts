import { finding, isBlank, PARTY_LABEL, type Party, parentsOf } from './parties';
import type { AuditFinding, BirthRegistrationRule } from './types';

/*
 * Names are mostly Chinese characters, but the rules accept letters of any script (no
 * Latin-only or Han-only rule): minority names may be written in their own script, and a
 * parent may be a foreign national. The parts of a transliterated name are separated by
 * the middle dot U+00B7 (阿依古丽·买买提); a single space between parts is accepted for
 * names written in other scripts. Length is counted in code points, so a rare character
 * outside the Basic Multilingual Plane (生僻字, e.g. 𠮷) counts as one.
 */

const MAX_NAME_LENGTH = 50;
const MIDDLE_DOT = '·';
/**
 * Letters and combining marks, plus two characters Unicode files elsewhere: `〇` (U+3007,
 * a number in Unicode but written as a character in some names) and the Tibetan tsheg
 * (U+0F0B, U+0F0C), which separates the syllables of a name written in Tibetan script.
 */
const NAME_CHAR = /^[\p{L}\p{M}\u3007\u0F0B\u0F0C]$/u;
/** A part of a name: starts with a letter, then any name characters. */
const NAME_PART = /^[\p{L}\u3007][\p{L}\p{M}\u3007\u0F0B\u0F0C]*$/u;
const DIGIT = /\p{Nd}/u;
/** Dots people type instead of the middle dot; stored as-is they would defeat search and de-duplication. */
const LOOKALIKE_DOTS = new Set(['•', '・', '･', '‧', '∙', '⋅', '.', '．']);
/** Characters a message can quote as they are; anything else (spaces, controls, invisibles) by code point. */
const QUOTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

const show = (char: string): string =>
  QUOTABLE.test(char)
    ? `“${char}”`
    : `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** The NAME_INVALID finding for a non-blank name, if its characters or their order are wrong. */
function invalidName(party: Party, field: string, name: string): AuditFinding | undefined {
  const { zh: who, enPossessive: whose } = PARTY_LABEL[party];
  const chars = [...name];
  if (DIGIT.test(name)) {
    return finding(
      'NAME_INVALID',
      'error',
      field,
      `${who}的姓名中含有数字，请只填写姓名的文字。`,
      `${whose} name contains digits; enter only the letters of the name.`,
    );
  }
  const lookalike = chars.find((char) => LOOKALIKE_DOTS.has(char));
  if (lookalike !== undefined) {
    return finding(
      'NAME_INVALID',
      'error',
      field,
      `${who}的姓名中的“${lookalike}”请改为间隔号“·”，音译姓名的各部分之间用它分隔。`,
      `in ${whose} name, replace “${lookalike}” with the middle dot “·” (U+00B7), which separates the parts of a transliterated name.`,
    );
  }
  const stray = [
    ...new Set(chars.filter((char) => char !== MIDDLE_DOT && char !== ' ' && !NAME_CHAR.test(char))),
  ];
  if (stray.length > 0) {
    const list = stray.slice(0, 5).map(show).join(' ');
    return finding(
      'NAME_INVALID',
      'error',
      field,
      `${who}的姓名中含有不能用于姓名的字符：${list}。姓名由文字组成，音译姓名的各部分之间可用间隔号“·”分隔。`,
      `${whose} name contains characters that cannot be part of a name: ${list}. A name consists of letters; the parts of a transliterated name can be separated by the middle dot “·”.`,
    );
  }
  if (!name.split(/[· ]/u).every((part) => NAME_PART.test(part))) {
    return finding(
      'NAME_INVALID',
      'error',
      field,
      `${who}的姓名中，间隔号“·”或空格只能出现在两段文字之间，不能在开头、结尾或连续出现。`,
      `in ${whose} name, a middle dot “·” or a space can only stand between two parts of the name, not at the start or the end or twice in a row.`,
    );
  }
  return undefined;
}

/**
 * NAME_REQUIRED (error) for a parent without a name; NAME_MISSING (warning) for a child
 * without one, since a family can register before choosing a name; NAME_TOO_LONG (error)
 * beyond 50 characters; NAME_INVALID (error) for digits, other non-letters or misplaced
 * separators. Names are trimmed and NFC-normalised before checking.
 */
export const checkNames: BirthRegistrationRule = (facts) => {
  const names: { party: Party; value: string | undefined }[] = [
    { party: 'child', value: facts.child.name },
    ...parentsOf(facts).map(([party, parent]) => ({ party, value: parent.name })),
  ];
  const findings: AuditFinding[] = [];
  for (const { party, value } of names) {
    const field = `${party}.name`;
    const { zh: who, enPossessive: whose } = PARTY_LABEL[party];
    if (typeof value !== 'string' || isBlank(value)) {
      // Before the birth a missing name is normal, not worth a warning.
      if (party === 'child' && facts.child.expected) continue;
      findings.push(
        party === 'child'
          ? finding(
              'NAME_MISSING',
              'warning',
              field,
              '孩子的姓名尚未填写。已经取好名字的，请填写；也可以以后再补充。',
              "the child's name is not filled in. Enter it if it has been chosen; it can also be added later.",
            )
          : finding('NAME_REQUIRED', 'error', field, `请填写${who}的姓名。`, `enter ${whose} name.`),
      );
      continue;
    }
    const name = value.trim().normalize('NFC');
    if ([...name].length > MAX_NAME_LENGTH) {
      findings.push(
        finding(
          'NAME_TOO_LONG',
          'error',
          field,
          `${who}的姓名超过${MAX_NAME_LENGTH}个字，请核对。`,
          `${whose} name is longer than ${MAX_NAME_LENGTH} characters; please check it.`,
        ),
      );
    }
    const invalid = invalidName(party, field, name);
    if (invalid !== undefined) findings.push(invalid);
  }
  return findings;
};

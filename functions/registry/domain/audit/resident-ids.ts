import { checkResidentId, normaliseResidentId, type Sex } from '../../../../shared/domain/resident-id';
import { isCalendarDate } from './dates';
import { finding, isBlank, PARTY_LABEL, type Party, parentsOf } from './parties';
import type { AuditFinding, BirthRegistrationFacts, BirthRegistrationRule } from './types';

/*
 * Messages never repeat a resident ID number: findings are shown and stored, and an ID
 * number is sensitive personal information. Only the facts it encodes (a date, a sex)
 * are quoted, and the record holds those anyway.
 */

const SEX_LABEL: Readonly<Record<Sex, { zh: string; en: string }>> = {
  male: { zh: '男', en: 'male' },
  female: { zh: '女', en: 'female' },
};

/** The resident IDs the registration gives, normalised: the child's only when one is given. */
function residentIdsOf(facts: BirthRegistrationFacts): { party: Party; id: string | undefined }[] {
  const ids: { party: Party; id: string | undefined }[] = parentsOf(facts).map(([party, parent]) => ({
    party,
    id: isBlank(parent.residentId) ? undefined : normaliseResidentId(parent.residentId),
  }));
  const child = facts.child.residentId;
  if (typeof child === 'string' && !isBlank(child))
    ids.unshift({ party: 'child', id: normaliseResidentId(child) });
  return ids;
}

/**
 * RID_REQUIRED, RID_SHAPE, RID_BIRTHDATE_INVALID, RID_CHECKSUM (errors, on
 * `<party>.residentId`): each ID is well formed, its embedded date exists and its check
 * character is right. A parent's ID is required; the child's is checked only when given,
 * since a newborn usually has none yet. Input is normalised first (trimmed, `x` → `X`),
 * as the registry stores it that way.
 */
export const checkResidentIdsWellFormed: BirthRegistrationRule = (facts) => {
  const findings: AuditFinding[] = [];
  for (const { party, id } of residentIdsOf(facts)) {
    const field = `${party}.residentId`;
    const { zh: who, enPossessive: whose } = PARTY_LABEL[party];
    if (id === undefined) {
      findings.push(
        finding(
          'RID_REQUIRED',
          'error',
          field,
          `请填写${who}的公民身份号码。`,
          `enter ${whose} resident ID number.`,
        ),
      );
      continue;
    }
    const check = checkResidentId(id);
    if (check.ok) continue;
    switch (check.reason) {
      case 'shape':
        findings.push(
          finding(
            'RID_SHAPE',
            'error',
            field,
            `${who}的公民身份号码格式不对：应为18位，前17位是数字，最后一位是数字或字母X。`,
            `${whose} resident ID number is not in the right form: it has 18 characters, 17 digits followed by a digit or the letter X.`,
          ),
        );
        break;
      case 'birth-date':
        findings.push(
          finding(
            'RID_BIRTHDATE_INVALID',
            'error',
            field,
            `${who}的公民身份号码第7至14位不是一个存在的出生日期，请对照证件核对号码。`,
            `characters 7 to 14 of ${whose} resident ID number are not a date that exists; please compare the number with the ID card.`,
          ),
        );
        break;
      case 'checksum':
        findings.push(
          finding(
            'RID_CHECKSUM',
            'error',
            field,
            `${who}的公民身份号码校验位不符，号码中可能有数字输错或前后颠倒，请对照证件逐位核对。`,
            `${whose} resident ID number fails its check character: a digit is probably mistyped or two are swapped; please compare it with the ID card character by character.`,
          ),
        );
        break;
    }
  }
  return findings;
};

/**
 * RID_BIRTHDATE_MISMATCH and RID_SEX_MISMATCH (errors, on `<party>.residentId`): the
 * facts a valid ID encodes agree with the rest of the record. The ID's date must equal
 * the party's date of birth; the child's ID must encode the child's sex; the mother's ID
 * must encode female and the father's male, which catches the parents' details entered
 * the wrong way round. The region an ID encodes is not compared with anything: it is
 * where the number was first issued, and codes are retired while IDs keep them.
 */
export const checkResidentIdsMatchRecord: BirthRegistrationRule = (facts) => {
  const findings: AuditFinding[] = [];
  const birthDates: Record<Party, string | undefined> = {
    child: facts.child.birthDate,
    mother: facts.mother.birthDate,
    father: facts.father?.birthDate,
  };
  const expectedSex: Record<Party, Sex | undefined> = {
    child: facts.child.sex,
    mother: 'female',
    father: 'male',
  };
  for (const { party, id } of residentIdsOf(facts)) {
    if (id === undefined) continue;
    const check = checkResidentId(id);
    if (!check.ok) continue;
    const field = `${party}.residentId`;
    const { zh: who, enPossessive: whose } = PARTY_LABEL[party];
    const birthDate = birthDates[party];
    // An unreadable date of birth has its own finding; comparing with it adds only noise.
    if (isCalendarDate(birthDate) && check.facts.birthDate !== birthDate) {
      findings.push(
        finding(
          'RID_BIRTHDATE_MISMATCH',
          'error',
          field,
          `${who}的公民身份号码中的出生日期（${check.facts.birthDate}）与填写的出生日期（${birthDate}）不一致，请核对号码或出生日期。`,
          `the date of birth in ${whose} resident ID number (${check.facts.birthDate}) differs from the date of birth entered (${birthDate}); please check the number or the date.`,
        ),
      );
    }
    const encoded = SEX_LABEL[check.facts.sex];
    const sexEntered = expectedSex[party];
    // No sex to compare before the birth (checkExpectedBirth refuses an ID then anyway).
    if (sexEntered !== undefined && check.facts.sex !== sexEntered) {
      findings.push(
        party === 'child'
          ? finding(
              'RID_SEX_MISMATCH',
              'error',
              field,
              `孩子的公民身份号码第17位表示性别为${encoded.zh}，与填写的性别（${SEX_LABEL[sexEntered].zh}）不一致，请核对号码或性别。`,
              `character 17 of the child's resident ID number encodes ${encoded.en}, but the sex entered is ${SEX_LABEL[sexEntered].en}; please check the number or the sex.`,
            )
          : finding(
              'RID_SEX_MISMATCH',
              'error',
              field,
              `${who}的公民身份号码第17位表示性别为${encoded.zh}，与${who}一栏不一致。请核对号码，或确认父亲和母亲的信息是否填反。`,
              `character 17 of ${whose} resident ID number encodes ${encoded.en}, which does not fit ${whose} entry. Please check the number, or whether the father's and mother's details were entered the wrong way round.`,
            ),
      );
    }
  }
  return findings;
};

/**
 * SAME_PERSON_AS_PARENT (error, on `child.residentId`) when the child's ID repeats a
 * parent's, usually a parent's number typed into the child's field; PARENTS_SAME_ID
 * (error, on `father.residentId`) when both parents have the same number.
 */
export const checkResidentIdsDistinct: BirthRegistrationRule = (facts) => {
  const ids = new Map(residentIdsOf(facts).map(({ party, id }) => [party, id]));
  const child = ids.get('child');
  const findings: AuditFinding[] = [];
  for (const [party] of parentsOf(facts)) {
    if (child === undefined || ids.get(party) !== child) continue;
    const { zh: who, enPossessive: whose } = PARTY_LABEL[party];
    findings.push(
      finding(
        'SAME_PERSON_AS_PARENT',
        'error',
        'child.residentId',
        `孩子的公民身份号码与${who}的相同。请填写孩子本人的号码；孩子尚未办理的，可以不填。`,
        `the child's resident ID number is the same as ${whose}. Enter the child's own number, or leave it empty if the child does not have one yet.`,
      ),
    );
    // One finding per field: a child's ID equal to both parents' is covered by PARENTS_SAME_ID too.
    break;
  }
  const mother = ids.get('mother');
  if (mother !== undefined && ids.get('father') === mother) {
    findings.push(
      finding(
        'PARENTS_SAME_ID',
        'error',
        'father.residentId',
        '父亲和母亲的公民身份号码相同，请分别填写各自的号码。',
        "the father's and the mother's resident ID numbers are the same; enter each parent's own number.",
      ),
    );
  }
  return findings;
};

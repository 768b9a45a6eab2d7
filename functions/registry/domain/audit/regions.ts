import { REGION_CODE_PATTERN } from '../../../../shared/domain/region-code';
import { finding, parentsOf } from './parties';
import type { BirthRegistrationFacts, BirthRegistrationRule } from './types';

/** Every region field of the registration, with how messages name it. */
function regionsOf(facts: BirthRegistrationFacts): { field: string; zh: string; en: string; code: string }[] {
  return [
    {
      field: 'child.birthRegion',
      zh: '孩子的出生地',
      en: "the child's place of birth",
      code: facts.child.birthRegion,
    },
    ...parentsOf(facts).map(([party, parent]) => ({
      field: `${party}.hukouRegion`,
      zh: party === 'mother' ? '母亲的户籍地' : '父亲的户籍地',
      en: `the ${party}'s household registration (hukou) region`,
      code: parent.hukouRegion,
    })),
    {
      field: 'residenceRegion',
      zh: '现居住地',
      en: 'the current residence region',
      code: facts.residenceRegion,
    },
  ];
}

/**
 * REGION_UNKNOWN (error): each region is a six-digit GB/T 2260 code that exists in the
 * current code table. Existence comes from {@link AuditContext.regionExists}, so the rule
 * stays pure and the table can be updated without touching it.
 */
export const checkRegionsExist: BirthRegistrationRule = (facts, context) =>
  regionsOf(facts).flatMap(({ field, zh, en, code }) => {
    if (typeof code !== 'string' || !REGION_CODE_PATTERN.test(code)) {
      return [
        finding(
          'REGION_UNKNOWN',
          'error',
          field,
          `${zh}应为6位行政区划代码（例如 330106），请重新选择。`,
          `${en} must be a six-digit administrative division code (for example 330106); please choose it again.`,
        ),
      ];
    }
    if (context.regionExists(code)) return [];
    return [
      finding(
        'REGION_UNKNOWN',
        'error',
        field,
        `${zh}（代码 ${code}）不在现行行政区划代码表中，请重新选择。`,
        `${en} code ${code} is not in the current table of administrative division codes; please choose it again.`,
      ),
    ];
  });

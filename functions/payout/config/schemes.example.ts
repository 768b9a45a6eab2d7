import * as z from 'zod';
import { type Condition, Scheme } from '../domain/schemes/model';

/**
 * EXAMPLE CONFIGURATION — example amounts for development, not official figures.
 *
 * The four schemes of the payout area for provinces 33 (Zhejiang) and 51 (Sichuan), each
 * with a province-wide amount and, for Hangzhou (3301), a prefecture override. Real
 * amounts and rules come from each province's published policy and are loaded as data
 * of this same shape.
 */

const alive: Condition = { fact: 'alive', op: 'eq', value: true };
const onlyChild: Condition = { fact: 'familyType', op: 'eq', value: 'only-child' };
const onlyChildOrTwoDaughters: Condition = {
  fact: 'familyType',
  op: 'in',
  value: ['only-child', 'two-daughters'],
};
const onlyChildCertificate: Condition = { fact: 'certificate', op: 'has', value: 'only-child-certificate' };
const bereaved: Condition = { fact: 'familyType', op: 'eq', value: 'bereaved' };
const disabledChild: Condition = { fact: 'familyType', op: 'eq', value: 'disabled-only-child' };

/** Rural parents aged 60 or more of an only-child or two-daughter family, alive. */
const ruralParentAged60: Condition = {
  all: [
    onlyChildOrTwoDaughters,
    { fact: 'hukouType', op: 'eq', value: 'rural' },
    { fact: 'ageYears', op: 'gte', value: 60 },
    alive,
  ],
};

/**
 * 奖励扶助: a monthly amount per parent aged 60 or more of a rural only-child or
 * two-daughter (双女户) family. Version 2 raises the amounts from 2026.
 */
const ruralReward = {
  code: 'rural-reward',
  name: { zh: '农村部分计划生育家庭奖励扶助', en: 'Rural family reward and assistance' },
  frequency: 'monthly',
  ruleSets: [
    {
      version: 1,
      effectiveFrom: '2024-01-01',
      effectiveTo: '2026-01-01',
      eligibility: ruralParentAged60,
      amounts: [
        { regionPrefix: '33', amountFen: 8_000 },
        { regionPrefix: '3301', amountFen: 10_000 },
        { regionPrefix: '51', amountFen: 8_000 },
      ],
    },
    {
      version: 2,
      effectiveFrom: '2026-01-01',
      eligibility: ruralParentAged60,
      amounts: [
        { regionPrefix: '33', amountFen: 10_000 },
        { regionPrefix: '3301', amountFen: 12_000 },
        { regionPrefix: '51', amountFen: 9_000 },
      ],
    },
  ],
} satisfies z.input<typeof Scheme>;

/**
 * 特别扶助: monthly, for parents aged 49 or more whose only child died (失独) or is
 * disabled (伤残); the amount depends on the category.
 */
const specialAssistance = {
  code: 'special-assistance',
  name: { zh: '计划生育家庭特别扶助', en: 'Special assistance' },
  frequency: 'monthly',
  ruleSets: [
    {
      version: 1,
      effectiveFrom: '2024-01-01',
      eligibility: {
        all: [{ any: [bereaved, disabledChild] }, { fact: 'ageYears', op: 'gte', value: 49 }, alive],
      },
      amounts: [
        { regionPrefix: '33', when: bereaved, amountFen: 80_000 },
        { regionPrefix: '33', when: disabledChild, amountFen: 60_000 },
        { regionPrefix: '3301', when: bereaved, amountFen: 100_000 },
        { regionPrefix: '3301', when: disabledChild, amountFen: 75_000 },
        { regionPrefix: '51', when: bereaved, amountFen: 59_000 },
        { regionPrefix: '51', when: disabledChild, amountFen: 46_000 },
      ],
    },
  ],
} satisfies z.input<typeof Scheme>;

/** 独生子女父母奖励费: paid once a year (December) while the only child is under 18. */
const onlyChildReward = {
  code: 'only-child-reward',
  name: { zh: '独生子女父母奖励费', en: "Only-child parents' reward" },
  frequency: 'annual',
  payMonth: 12,
  ruleSets: [
    {
      version: 1,
      effectiveFrom: '2024-01-01',
      eligibility: {
        all: [onlyChild, onlyChildCertificate, { fact: 'childAgeYears', op: 'lte', value: 17 }, alive],
      },
      amounts: [
        { regionPrefix: '33', amountFen: 6_000 },
        { regionPrefix: '3301', amountFen: 12_000 },
        { regionPrefix: '51', amountFen: 6_000 },
      ],
    },
  ],
} satisfies z.input<typeof Scheme>;

/** One-time reward for certificate-holding parents of an only child on reaching 60. */
const oneTimeReward = {
  code: 'one-time-reward',
  name: { zh: '独生子女父母一次性奖励', en: 'One-time reward for only-child parents' },
  frequency: 'once',
  ruleSets: [
    {
      version: 1,
      effectiveFrom: '2024-01-01',
      eligibility: {
        all: [onlyChild, onlyChildCertificate, { fact: 'ageYears', op: 'gte', value: 60 }, alive],
      },
      amounts: [
        { regionPrefix: '33', amountFen: 300_000 },
        { regionPrefix: '3301', amountFen: 500_000 },
        { regionPrefix: '51', amountFen: 200_000 },
      ],
    },
  ],
} satisfies z.input<typeof Scheme>;

/** The example schemes, parsed so a typo fails at load time rather than at payout. */
export const EXAMPLE_SCHEMES: readonly Scheme[] = z
  .array(Scheme)
  .parse([ruralReward, specialAssistance, onlyChildReward, oneTimeReward]);

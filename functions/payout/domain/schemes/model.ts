import * as z from 'zod';
import { HouseholdChanged } from '../../../../shared/events/birth-registered';
import { PersonRecorded } from '../../../../shared/events/person-recorded';

/**
 * Benefit schemes as data. Eligibility and amounts change by region and over time, so they
 * live in versioned rule sets that one small engine (./engine) evaluates; nothing about a
 * particular scheme is written in code.
 */

/** Money is integer fen (1 yuan = 100 fen): floats cannot represent every amount exactly. */
export const Money = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
export type Money = z.infer<typeof Money>;

/** Calendar day, `YYYY-MM-DD`; ISO dates compare correctly as strings. */
export const IsoDate = z.iso.date();
export type IsoDate = z.infer<typeof IsoDate>;

export const FamilyType = HouseholdChanged.shape.familyType;
export type FamilyType = z.infer<typeof FamilyType>;

export const Sex = PersonRecorded.shape.sex;
export type Sex = z.infer<typeof Sex>;

export const HukouType = z.enum(['rural', 'urban']);
export type HukouType = z.infer<typeof HukouType>;

/** Certificates that entitle a family to benefits (独生子女父母光荣证, 特扶证). */
export const CertificateKind = z.enum(['only-child-certificate', 'special-assistance-certificate']);
export type CertificateKind = z.infer<typeof CertificateKind>;

/** A region prefix: province (2), prefecture (4) or county (6) digits of a GB/T 2260 code. */
export const RegionPrefix = z.string().regex(/^[1-9]\d(\d{2}){0,2}$/, 'region prefix of 2, 4 or 6 digits');
export type RegionPrefix = z.infer<typeof RegionPrefix>;

const Years = z.number().int().nonnegative().max(200);

/*
 * One object schema per (fact, operator family), each strict: a test with an unknown fact,
 * an operator the fact does not support, a value of the wrong type or a stray key is
 * rejected when the configuration is loaded, not discovered while paying.
 */
function numberTests<F extends string>(fact: F) {
  return [
    z.strictObject({ fact: z.literal(fact), op: z.enum(['eq', 'ne', 'gte', 'lte']), value: Years }),
    z.strictObject({ fact: z.literal(fact), op: z.literal('in'), value: z.array(Years).min(1) }),
  ] as const;
}

function enumTests<F extends string, T extends z.ZodEnum>(fact: F, values: T) {
  return [
    z.strictObject({ fact: z.literal(fact), op: z.enum(['eq', 'ne']), value: values }),
    z.strictObject({ fact: z.literal(fact), op: z.literal('in'), value: z.array(values).min(1) }),
  ] as const;
}

const RegionCode = z.string().regex(/^[1-9]\d{5}$/);

function regionTests<F extends string>(fact: F) {
  return [
    z.strictObject({ fact: z.literal(fact), op: z.enum(['eq', 'ne']), value: RegionCode }),
    z.strictObject({ fact: z.literal(fact), op: z.literal('in'), value: z.array(RegionCode).min(1) }),
    z.strictObject({ fact: z.literal(fact), op: z.literal('startsWith'), value: RegionPrefix }),
  ] as const;
}

/** A single test of one fact against a constant. */
export const FactTest = z.union([
  ...numberTests('ageYears'),
  ...numberTests('childAgeYears'),
  z.strictObject({ fact: z.literal('alive'), op: z.enum(['eq', 'ne']), value: z.boolean() }),
  ...enumTests('familyType', FamilyType),
  ...enumTests('hukouType', HukouType),
  ...enumTests('sex', Sex),
  ...regionTests('hukouRegion'),
  ...regionTests('residenceRegion'),
  z.strictObject({ fact: z.literal('certificate'), op: z.literal('has'), value: CertificateKind }),
]);
export type FactTest = z.infer<typeof FactTest>;

/** The closed list of facts a condition may test. */
export type FactName = FactTest['fact'];
export const FACT_NAMES: readonly FactName[] = [
  'ageYears',
  'childAgeYears',
  'alive',
  'familyType',
  'hukouType',
  'sex',
  'hukouRegion',
  'residenceRegion',
  'certificate',
];

/** A JSON-serialisable boolean expression over facts. */
export type Condition = { all: Condition[] } | { any: Condition[] } | { not: Condition } | FactTest;

/*
 * `all` and `any` need at least one member: an empty `all` is vacuously true and would
 * make everyone eligible through a configuration slip.
 */
export const Condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(Condition).min(1) }),
    z.strictObject({ any: z.array(Condition).min(1) }),
    z.strictObject({ not: Condition }),
    FactTest,
  ]),
);

/**
 * Amount per period for beneficiaries whose hukou region starts with `regionPrefix`
 * (benefits follow the hukou). Among the rules whose prefix matches and whose `when`
 * holds, the longest prefix wins; among equally long ones, the first listed.
 */
export const AmountRule = z.strictObject({
  regionPrefix: RegionPrefix,
  when: Condition.optional(),
  amountFen: Money,
});
export type AmountRule = z.infer<typeof AmountRule>;

/** Rules in force over the half-open range [effectiveFrom, effectiveTo). */
export const RuleSet = z.strictObject({
  version: z.number().int().positive(),
  effectiveFrom: IsoDate,
  effectiveTo: IsoDate.optional(),
  eligibility: Condition,
  amounts: z.array(AmountRule).min(1),
});
export type RuleSet = z.infer<typeof RuleSet>;

export const Frequency = z.enum(['monthly', 'annual', 'once']);
export type Frequency = z.infer<typeof Frequency>;

/** A benefit programme. Structural checks here; cross-field checks in `validateScheme`. */
export const Scheme = z.strictObject({
  code: z.string().regex(/^[a-z][a-z0-9-]{1,62}$/),
  name: z.strictObject({ zh: z.string().min(1), en: z.string().min(1) }),
  frequency: Frequency,
  /** The month an annual scheme pays. */
  payMonth: z.number().int().min(1).max(12).optional(),
  ruleSets: z.array(RuleSet).min(1),
});
export type Scheme = z.infer<typeof Scheme>;

/**
 * What payout holds about a beneficiary, from its own projection of registry events
 * (person facts, household, certificates). Only what eligibility needs.
 */
export const BeneficiaryFacts = z.strictObject({
  sex: Sex,
  birthDate: IsoDate,
  alive: z.boolean(),
  deathDate: IsoDate.optional(),
  hukouRegion: RegionCode,
  residenceRegion: RegionCode,
  /** Unknown when the registry has not recorded it: every test on it then fails. */
  hukouType: HukouType.optional(),
  familyType: FamilyType,
  certificates: z.array(CertificateKind),
  /** Birth date of the only child, when there is one and it is known. */
  childBirthDate: IsoDate.optional(),
});
export type BeneficiaryFacts = z.infer<typeof BeneficiaryFacts>;

/** Fact values as of one day (a period's first day): what conditions are evaluated on. */
export interface FactValues {
  readonly ageYears: number;
  /** Undefined when there is no known only child: every test on it then fails. */
  readonly childAgeYears: number | undefined;
  readonly alive: boolean;
  readonly familyType: FamilyType;
  readonly hukouType: HukouType | undefined;
  readonly sex: Sex;
  readonly hukouRegion: string;
  readonly residenceRegion: string;
  readonly certificate: ReadonlySet<CertificateKind>;
}

/**
 * One payment period of a scheme. `id` names it (`2026-03` monthly, `2026` annual and once);
 * `start` is its first day, the day eligibility is evaluated on.
 */
export interface Period {
  readonly id: string;
  readonly start: IsoDate;
}

/**
 * The logic audit (逻辑审核) of a birth registration: cross-field checks that catch typos,
 * impossible dates and numbers that contradict each other. It checks the quality of the
 * data a family or a clerk entered and nothing else: it never judges whether a birth
 * complies with any policy, so it has no notion of quotas, permits or birth limits.
 */

/**
 * `error` blocks submitting or registering until the data is fixed; `warning` is shown to
 * whoever is entering the data and recorded with the registration, but does not block,
 * because the value may well be right.
 */
export type Severity = 'error' | 'warning';

/** Every code a rule can give. Codes are stable: clients and stored findings key on them. */
export const AUDIT_CODES = [
  'RID_REQUIRED',
  'RID_SHAPE',
  'RID_BIRTHDATE_INVALID',
  'RID_CHECKSUM',
  'RID_BIRTHDATE_MISMATCH',
  'RID_SEX_MISMATCH',
  'SAME_PERSON_AS_PARENT',
  'PARENTS_SAME_ID',
  'REGION_UNKNOWN',
  'DATE_INVALID',
  'DATE_IN_FUTURE',
  'EXPECTED_DATE_TOO_FAR',
  'EXPECTED_DATE_PASSED',
  'EXPECTED_BIRTH_DETAILS',
  'PARENT_BORN_AFTER_CHILD',
  'PARENT_AGE_IMPLAUSIBLE',
  'PARENT_AGE_UNUSUAL',
  'NAME_REQUIRED',
  'NAME_MISSING',
  'NAME_TOO_LONG',
  'NAME_INVALID',
  'BIRTH_ORDER_INVALID',
  'BIRTH_ORDER_UNUSUAL',
] as const;

export type AuditCode = (typeof AUDIT_CODES)[number];

/** A message in both languages the clients show: it says what is wrong and what to fix. */
export interface AuditMessage {
  readonly zh: string;
  readonly en: string;
}

/**
 * One problem found. `field` is the dotted path of the input field to highlight
 * (`mother.residentId`, `child.birthDate`, `birthOrder`…). A rule gives at most one
 * finding per code and field.
 */
export interface AuditFinding {
  readonly code: AuditCode;
  readonly severity: Severity;
  readonly field: string;
  readonly message: AuditMessage;
}

/** What the rules need from outside the record, passed in so the audit stays pure. */
export interface AuditContext {
  /** Today's date in Beijing (UTC+8), `YYYY-MM-DD`: no rule reads the machine's clock. */
  readonly today: string;
  /** Whether a GB/T 2260 region code is in the current code table. */
  readonly regionExists: (code: string) => boolean;
}

/** A parent as the registration names them. */
export interface ParentFacts {
  readonly name: string;
  readonly residentId: string;
  readonly birthDate: string;
  readonly hukouRegion: string;
}

/** The facts of a birth registration that the rules look at. */
export interface BirthRegistrationFacts {
  readonly child: {
    /** Optional when submitting: the child may not have a name yet. */
    readonly name?: string;
    /**
     * Registered before the birth (生育登记 is mostly done in pregnancy): `birthDate` is the
     * expected date, and neither sex nor a resident ID is asked.
     */
    readonly expected?: boolean;
    /** Absent before the birth: it is never asked then. */
    readonly sex?: 'male' | 'female';
    readonly birthDate: string;
    readonly birthRegion: string;
    /** Only once one has been issued. */
    readonly residentId?: string;
  };
  readonly mother: ParentFacts;
  readonly father?: ParentFacts;
  readonly residenceRegion: string;
  /** 1 for the first child of this mother, 2 for the second… */
  readonly birthOrder: number;
}

/** A rule: looks at the facts and gives its findings, in no particular order. */
export type BirthRegistrationRule = (
  facts: BirthRegistrationFacts,
  context: AuditContext,
) => readonly AuditFinding[];
